package faq

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/liaisonhq/liaison/connectors"
)

// RuleName names the rule in findings, replies, metrics and routes.
const RuleName = "faq"

// Slack action ids of the suggestion's buttons; the value of both is the
// suggestion key.
const (
	ActionPost   = "liaison_faq_post"
	ActionReject = "liaison_faq_reject"
)

// SuggestionKey identifies the suggestion for one client message.
func SuggestionKey(channel, ts string) string { return channel + "/" + ts }

// TemplateData is what the suggestion and post templates can use.
type TemplateData struct {
	// Client is the client's display name.
	Client string
	// AM is a Slack mention of the account manager ("<@U…>").
	AM string
	// AMName is the account manager's display name.
	AMName string
	// Question is the client's message as written (markup stripped).
	Question string
	// Answer is the entry's answer in the client's language.
	Answer string
	// EntryID is the matched entry.
	EntryID string
	// Score is the match score in percent.
	Score int
}

// postTemplates are what the bot posts in the client's thread when the AM
// clicks "Post answer": the answer, signed with the AM's name so the client
// knows who stands behind it.
var postTemplates = map[connectors.Language]string{
	connectors.LanguageRussian:   "{{.Answer}}\n\n— {{.AMName}}, ваш аккаунт-менеджер",
	connectors.LanguageUkrainian: "{{.Answer}}\n\n— {{.AMName}}, ваш акаунт-менеджер",
	connectors.LanguageEnglish:   "{{.Answer}}\n\n— {{.AMName}}, your account manager",
}

// suggestTemplates are the private suggestion to the AM, in the AM's
// language; the quoted question and answer stay in the client's.
var suggestTemplates = map[connectors.Language]string{
	connectors.LanguageRussian:   "{{.Client}} спрашивает, и в базе ответов есть подходящий ответ ({{.EntryID}}, {{.Score}}%):\n>{{.Question}}\n*Ответ:*\n{{.Answer}}",
	connectors.LanguageUkrainian: "{{.Client}} питає, і в базі відповідей є відповідна відповідь ({{.EntryID}}, {{.Score}}%):\n>{{.Question}}\n*Відповідь:*\n{{.Answer}}",
	connectors.LanguageEnglish:   "{{.Client}} asks something the answer base covers ({{.EntryID}}, {{.Score}}%):\n>{{.Question}}\n*Answer:*\n{{.Answer}}",
}

var buttonLabels = map[connectors.Language][2]string{
	connectors.LanguageRussian:   {"Отправить ответ", "Не то"},
	connectors.LanguageUkrainian: {"Надіслати відповідь", "Не те"},
	connectors.LanguageEnglish:   {"Post answer", "Not this one"},
}

func render(set map[connectors.Language]string, lang connectors.Language, d TemplateData) (string, error) {
	src, ok := set[lang]
	if !ok {
		src = set[connectors.LanguageEnglish]
	}
	t, err := template.New("faq").Option("missingkey=error").Parse(src)
	if err != nil {
		return "", fmt.Errorf("parsing template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("rendering template: %w", err)
	}
	return b.String(), nil
}

// PostText is the message the bot posts in the client's thread, in the
// client's language.
func PostText(clientLang connectors.Language, d TemplateData) (string, error) {
	return render(postTemplates, clientLang, d)
}

// Suggestion renders the AM's private suggestion: the text (also the
// notification fallback) and Block Kit blocks with the "Post answer" and
// "Not this one" buttons carrying key.
func Suggestion(amLang connectors.Language, key string, d TemplateData) (string, json.RawMessage, error) {
	// A quoted multi-line question must stay inside the quote.
	d.Question = strings.ReplaceAll(strings.TrimSpace(d.Question), "\n", "\n>")
	text, err := render(suggestTemplates, amLang, d)
	if err != nil {
		return "", nil, err
	}
	labels, ok := buttonLabels[amLang]
	if !ok {
		labels = buttonLabels[connectors.LanguageEnglish]
	}
	type obj = map[string]any
	button := func(label, action, style string) obj {
		b := obj{"type": "button", "action_id": action, "value": key,
			"text": obj{"type": "plain_text", "text": label}}
		if style != "" {
			b["style"] = style
		}
		return b
	}
	blocks, err := json.Marshal([]obj{
		{"type": "section", "text": obj{"type": "mrkdwn", "text": text}},
		{"type": "actions", "block_id": "liaison_faq", "elements": []obj{
			button(labels[0], ActionPost, "primary"), button(labels[1], ActionReject, ""),
		}},
	})
	if err != nil {
		return "", nil, fmt.Errorf("encoding blocks: %w", err)
	}
	return text, blocks, nil
}

// settledTemplates say, under the suggestion once the AM acted on it, what
// was done and what the answer base learned from it; keys are "posted",
// "rejected", and the same with "+learned".
var settledTemplates = map[connectors.Language]map[string]string{
	connectors.LanguageRussian: {
		"posted":           "✅ Ответ отправлен в тред клиента.",
		"posted+learned":   "✅ Ответ отправлен в тред клиента. Эта формулировка запомнена для {{.EntryID}}: похожие вопросы будут узнаваться лучше.",
		"rejected":         "Отмечено «Не то».",
		"rejected+learned": "Отмечено «Не то»: на эту формулировку {{.EntryID}} больше не будет предлагаться.",
	},
	connectors.LanguageUkrainian: {
		"posted":           "✅ Відповідь надіслано в тред клієнта.",
		"posted+learned":   "✅ Відповідь надіслано в тред клієнта. Це формулювання запам'ятовано для {{.EntryID}}: схожі питання впізнаватимуться краще.",
		"rejected":         "Позначено «Не те».",
		"rejected+learned": "Позначено «Не те»: на це формулювання {{.EntryID}} більше не пропонуватиметься.",
	},
	connectors.LanguageEnglish: {
		"posted":           "✅ Answer posted in the client's thread.",
		"posted+learned":   "✅ Answer posted in the client's thread. Liaison learned this wording for {{.EntryID}}, so similar questions match better.",
		"rejected":         "Marked \"Not this one\".",
		"rejected+learned": "Marked \"Not this one\": Liaison will not suggest {{.EntryID}} for this wording again.",
	},
}

// Settled renders what replaces the AM's suggestion once it is acted on:
// the suggestion without its buttons, and a line saying whether the answer
// was posted or rejected and what the base learned. The text (the
// notification fallback) is that line.
func Settled(amLang connectors.Language, d TemplateData, posted, learned bool) (string, json.RawMessage, error) {
	key := "rejected"
	if posted {
		key = "posted"
	}
	if learned {
		key += "+learned"
	}
	set := map[connectors.Language]string{}
	for l, m := range settledTemplates {
		set[l] = m[key]
	}
	status, err := render(set, amLang, d)
	if err != nil {
		return "", nil, err
	}
	d.Question = strings.ReplaceAll(strings.TrimSpace(d.Question), "\n", "\n>")
	body, err := render(suggestTemplates, amLang, d)
	if err != nil {
		return "", nil, err
	}
	type obj = map[string]any
	blocks, err := json.Marshal([]obj{
		{"type": "section", "text": obj{"type": "mrkdwn", "text": body}},
		{"type": "context", "elements": []obj{{"type": "mrkdwn", "text": status}}},
	})
	if err != nil {
		return "", nil, fmt.Errorf("encoding blocks: %w", err)
	}
	return status, blocks, nil
}
