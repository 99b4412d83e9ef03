package faq

import (
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// Act is what a client message does. Requests and questions that share
// their words ("pause the campaign" and "why did the campaign pause?")
// want different answers, so the act of the message and of each example
// phrasing weighs in matching.
type Act int

// The speech acts matching tells apart.
const (
	// ActNone is a statement or a thank-you: nothing to answer.
	ActNone Act = iota
	// ActQuestion asks what, where, how, whether: a status question.
	ActQuestion
	// ActWhy asks for a reason.
	ActWhy
	// ActWhen asks for a time or a duration.
	ActWhen
	// ActRequest asks the agency to do something: an imperative ("send
	// us the report") or a modal request ("can you pause it?").
	ActRequest
)

// String names the act in reports.
func (a Act) String() string {
	switch a {
	case ActQuestion:
		return "question"
	case ActWhy:
		return "why"
	case ActWhen:
		return "when"
	case ActRequest:
		return "request"
	}
	return "none"
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var (
	whyWords  = wordSet(`почему зачем отчего чому навіщо чого why`)
	whenWords = wordSet(`когда коли when whens`)
	// whenPhrases ask for a duration: "сколько ждать", "how long".
	whenPairs = [][2]string{{"сколько", "ждать"}, {"сколько", "времени"}, {"скільки", "чекати"},
		{"скільки", "часу"}, {"how", "long"}, {"how", "soon"}, {"как", "скоро"}, {"як", "скоро"},
		{"через", "сколько"}, {"через", "скільки"}, {"what", "timeline"}}
	// askInfo asks to be told something: a question, however imperative.
	askInfo = wordSet(`подскажите подскажи скажите скажи уточните уточни объясните объясни поясните поясни
		расскажите напомните підкажіть підкажи скажіть скажи уточніть уточни поясніть поясни розкажіть
		нагадайте explain clarify tell remind wondering wonder
		проверьте гляньте посмотрите разберитесь перевірте подивіться розберіться`)
	// modals make a request of an infinitive that follows ("можете
	// прислать", "можна поставити", "could you send").
	modals = wordSet(`можете можешь сможете могли можно прошу просим хотим хочу хотели нужно надо
		можеш зможете можна просимо хочемо хотіли потрібно треба
		please pls plz kindly`)
	// enRequestVerbs start an English imperative.
	enRequestVerbs = wordSet(`send resend share forward pause stop turn switch add remove delete change update
		increase raise lower reduce cut launch start restart set create make give move check fix cancel
		schedule book prepare upload put email call ping push run rerun double disable enable grant revoke
		swap replace adjust rename redo hold`)
	// slavicPrepositions before "чого" make it "of what", not "why".
	slavicPrepositions = wordSet(`з із від до для без у в на`)
	// conjunctions open a clause after a comma as well as a question.
	conjunctions = wordSet(`что що как як`)
	// enModalStarts followed by "you" or "we" and a verb ask for something.
	enModalStarts = wordSet(`can could would will`)
	// notRequest are Russian and Ukrainian words ending like imperatives
	// that are not requests.
	notRequest = wordSet(`хотите видите смотрите знаете платите говорите ходите мыслите значите
		хочете бачите знаєте`)
)

// SpeechAct returns what text does: a why- or when-question, a request,
// another question, or nothing to answer. A why or when anywhere makes the
// message that question; a request is an imperative ("пришлите",
// "надішліть", "send") or a modal with an infinitive ("можете
// поставить", "can you pause"); asking to be told ("подскажите", "tell
// me") is a question.
func SpeechAct(text string, lang connectors.Language) Act {
	return speechAct(StripMarkup(text), lang)
}

// speechAct is SpeechAct on text whose markup is already gone.
func speechAct(text string, lang connectors.Language) Act {
	question := strings.ContainsAny(text, "?？¿")
	request := false
	var sentences [][]string
	for _, s := range strings.FieldsFunc(text, func(r rune) bool {
		return r == '.' || r == '!' || r == '\n' || r == ';' || r == '?' || r == ','
	}) {
		words := strings.Fields(normalizeStripped(s))
		for i, w := range words {
			switch {
			case whyWords[w] && !(i > 0 && slavicPrepositions[words[i-1]]):
				// "з чого складається" asks what, not why.
				return ActWhy
			case whenWords[w]:
				return ActWhen
			case i+1 < len(words) && isWhenPair(w, words[i+1]):
				return ActWhen
			}
		}
		if len(words) == 0 {
			continue
		}
		// "спасибо, что …" thanks; it does not ask.
		thanks := len(sentences) > 0 && ackWords[sentences[len(sentences)-1][len(sentences[len(sentences)-1])-1]]
		sentences = append(sentences, words)
		// "will check with the team": a statement whose "I" is left
		// out, not "will you …?".
		elided := (words[0] == "will" || words[0] == "would") && len(words) > 1 && enRequestVerbs[words[1]]
		if questionStarts[words[0]] && !(thanks && conjunctions[words[0]]) && !elided {
			question = true
		}
		for i, w := range words {
			if askInfo[w] || (w == "ли" && i > 0) {
				question = true
			}
		}
		if isRequest(words, lang) {
			request = true
		}
	}
	switch {
	case request:
		return ActRequest
	case question:
		return ActQuestion
	}
	return chatAct(sentences)
}

func isWhenPair(a, b string) bool {
	for _, p := range whenPairs {
		if p[0] == a && p[1] == b {
			return true
		}
	}
	return false
}

// isRequest reports whether a sentence's words ask the agency to do
// something.
func isRequest(words []string, lang connectors.Language) bool {
	for i, w := range words {
		if askInfo[w] {
			continue
		}
		if slavicImperative(w, lang) {
			return true
		}
		if modals[w] {
			for _, next := range words[i+1 : min(len(words), i+4)] {
				if infinitive(next) || (isLatin(next) && enRequestVerbs[next]) {
					return true
				}
			}
		}
	}
	first := 0
	for first < len(words) && greetingOrName(words[first]) {
		first++
	}
	if first < len(words) && (enRequestVerbs[words[first]] || words[first] == "lets" || words[first] == "let") {
		return true
	}
	// "can you send", "could we pause", "would you mind": a modal, a
	// person and a verb that is not one of being told something.
	for i := 0; i+2 < len(words); i++ {
		if enModalStarts[words[i]] && (words[i+1] == "you" || words[i+1] == "we" || words[i+1] == "u") {
			if v := words[i+2]; enRequestVerbs[v] || v == "mind" || v == "please" {
				return true
			}
		}
	}
	for i := 0; i+2 < len(words); i++ {
		if (words[i] == "i" || words[i] == "we") && (words[i+1] == "need" || words[i+1] == "want") &&
			(words[i+2] == "you" || enRequestVerbs[words[i+2]]) {
			return true
		}
	}
	// "we want to raise …", "need to fix …": wanting an action done.
	for i := 0; i+2 < len(words); i++ {
		if (words[i] == "need" || words[i] == "want" || words[i] == "like") && words[i+1] == "to" &&
			enRequestVerbs[words[i+2]] && (i == first || words[i-1] == "i" || words[i-1] == "we" || words[i-1] == "would" || words[i-1] == "wed" || words[i-1] == "id") {
			return true
		}
	}
	return false
}

func greetingOrName(w string) bool {
	switch w {
	case "hi", "hello", "hey", "team", "guys", "folks", "please", "pls", "plz", "kindly", "ok", "okay", "so", "and", "also":
		return true
	}
	return false
}

// slavicImperative reports whether a Russian or Ukrainian word has the
// shape of a plural imperative: -ите, -йте, -ьте (ru), -іть, -йте, -те
// after a consonant (uk).
func slavicImperative(w string, lang connectors.Language) bool {
	if notRequest[w] || askInfo[w] {
		return false
	}
	r := []rune(w)
	if len(r) < 5 {
		return false
	}
	switch lang {
	case connectors.LanguageUkrainian:
		if strings.HasSuffix(w, "іть") && !strings.HasSuffix(w, "ість") {
			return true
		}
		// -те after a consonant: поставте, відправте.
		return strings.HasSuffix(w, "йте") || strings.HasSuffix(w, "ьте") ||
			(strings.HasSuffix(w, "те") && strings.ContainsRune("бвгджзклмнпрстфхцчшщ", r[len(r)-3]))
	case connectors.LanguageRussian:
		// "на сайте" is a place, not an order.
		return strings.HasSuffix(w, "ите") || strings.HasSuffix(w, "ьте") ||
			(strings.HasSuffix(w, "йте") && w != "сайте")
	}
	return false
}

// infinitive reports whether a Russian or Ukrainian word looks like an
// infinitive (-ть, -ти, -чь, -тися, -ться).
func infinitive(w string) bool {
	r := []rune(w)
	if len(r) < 4 {
		return false
	}
	for _, s := range []string{"ть", "ти", "чь", "тися", "ться", "тись"} {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// questionStarts are words that make a sentence a question when it starts
// with them, even without a question mark (chat writers often drop it).
var questionStarts = map[string]bool{
	// ru
	"когда": true, "где": true, "как": true, "какой": true, "какая": true, "какие": true, "каких": true,
	"какое": true, "каким": true, "почему": true, "зачем": true, "сколько": true, "что": true, "кто": true,
	"кому": true, "чем": true, "куда": true, "откуда": true, "можно": true, "нельзя": true,
	// uk
	"коли": true, "де": true, "як": true, "який": true, "яка": true, "які": true, "яких": true, "яке": true,
	"чому": true, "навіщо": true, "скільки": true, "що": true, "хто": true, "чи": true, "куди": true,
	"звідки": true, "можна": true,
	// en
	"when": true, "where": true, "how": true, "what": true, "why": true, "which": true, "who": true,
	"whom": true, "whose": true, "can": true, "could": true, "would": true, "will": true, "is": true,
	"are": true, "do": true, "does": true, "did": true, "should": true, "wheres": true, "whats": true,
	"hows": true, "whos": true, "whens": true,
}
