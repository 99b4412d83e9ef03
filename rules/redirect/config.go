// Package redirect is the rule that keeps clients talking to their account
// manager: when a client-side user mentions a specialist, or replies in a
// thread where a specialist spoke, outside an exception window, it alerts the
// AM with a permalink, can reply politely in the thread naming the AM, and
// can tell the specialist they need not answer.
package redirect

import (
	"sort"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/connectors"
)

// TemplateData is what the reply and specialist templates can use.
type TemplateData struct {
	// AM is the Slack mention of the account manager, "<@U123>".
	AM string
	// AMName is the account manager's display name.
	AMName string
	// Client is the client's name.
	Client string
	// Specialist is the specialist's display name.
	Specialist string
}

func sample() TemplateData {
	return TemplateData{AM: "<@U0000000>", AMName: "Anna", Client: "Acme", Specialist: "Oleh"}
}

// Config is the rules.redirect block.
type Config struct {
	// Enabled turns the rule on.
	Enabled bool `yaml:"enabled"`
	// ReplyInThread replies to the client in the thread, in the client's language, naming the AM.
	ReplyInThread bool `yaml:"reply_in_thread"`
	// NotifySpecialist tells the specialist privately that the AM is taking over.
	NotifySpecialist bool `yaml:"notify_specialist"`
	// Templates are the in-thread replies per client language (Go text/template; fields .AM, .AMName, .Client, .Specialist).
	Templates map[connectors.Language]string `yaml:"templates"`
	// SpecialistTemplates are the private notes to the specialist per the specialist's language (same fields).
	SpecialistTemplates map[connectors.Language]string `yaml:"specialist_templates"`
}

// DefaultConfig returns the defaults: the rule on, both messages on, and a
// polite text in every supported language.
func DefaultConfig() Config {
	return Config{
		Enabled:          true,
		ReplyInThread:    true,
		NotifySpecialist: true,
		Templates: map[connectors.Language]string{
			connectors.LanguageRussian:   "Спасибо за сообщение! Ваш аккаунт-менеджер {{.AMName}} ({{.AM}}) подхватит этот вопрос и скоро ответит.",
			connectors.LanguageUkrainian: "Дякуємо за повідомлення! Ваш акаунт-менеджер {{.AMName}} ({{.AM}}) підхопить це питання і незабаром відповість.",
			connectors.LanguageEnglish:   "Thanks for your message! Your account manager {{.AMName}} ({{.AM}}) will pick this up and get back to you shortly.",
		},
		SpecialistTemplates: map[connectors.Language]string{
			connectors.LanguageRussian:   "{{.AMName}} берёт сообщение клиента {{.Client}} на себя, отвечать не нужно. Если понадобится ваша помощь, вопрос придёт отдельно.",
			connectors.LanguageUkrainian: "{{.AMName}} бере повідомлення клієнта {{.Client}} на себе, відповідати не потрібно. Якщо знадобиться ваша допомога, питання надійде окремо.",
			connectors.LanguageEnglish:   "{{.AMName}} is taking over {{.Client}}'s message, so you need not reply. If your input is needed, the question will come separately.",
		},
	}
}

// Validate checks that every language has a template and that each parses
// and renders with the fields above.
func (c Config) Validate() error {
	var l field.List
	checkTemplates(&l, "templates", c.Templates, sample())
	checkTemplates(&l, "specialist_templates", c.SpecialistTemplates, sample())
	return l.Err()
}

func checkTemplates(l *field.List, key string, ts map[connectors.Language]string, data any) {
	langs := make([]string, 0, len(ts))
	for lang := range ts {
		langs = append(langs, string(lang))
	}
	sort.Strings(langs)
	for _, lang := range langs {
		if !connectors.Language(lang).Valid() {
			l.Add(key+"."+lang, "unknown language %q (want ru, uk or en)", lang)
			continue
		}
		if err := field.CheckTemplate(ts[connectors.Language(lang)], data); err != nil {
			l.Add(key+"."+lang, "%v", err)
		}
	}
	for _, lang := range connectors.Languages() {
		if _, ok := ts[lang]; !ok {
			l.Add(key, "has no template for language %s", lang)
		}
	}
}
