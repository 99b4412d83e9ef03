package faq

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	// Slack escapes a literal "<" as "&lt;", so every <...> span is markup:
	// a mention <@U…>, a channel <#C…|name>, a special <!here> or a link
	// <http…|label>. None of them says what the question is about.
	slackMarkupRE = regexp.MustCompile(`<[^<>]*>`)
	// Emoji codes, with an optional skin tone (":+1::skin-tone-2:").
	emojiRE = regexp.MustCompile(`:[a-z0-9_+'-]+:`)
	// A bare URL that was not wrapped (pasted text, tests, the CLI).
	bareURLRE = regexp.MustCompile(`(?i)\bhttps?://\S+`)
)

// StripMarkup removes Slack markup (mentions, channel links, links, emoji
// codes) and decodes Slack's three HTML entities, leaving the words a person
// typed. Question marks inside link targets go with the link.
func StripMarkup(text string) string {
	text = slackMarkupRE.ReplaceAllString(text, " ")
	text = bareURLRE.ReplaceAllString(text, " ")
	text = emojiRE.ReplaceAllString(text, " ")
	text = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(text)
	return text
}

// Normalize returns text as matching sees it: markup stripped, lower case,
// ё as е (Russian writers use both), apostrophes inside words dropped, and
// everything but letters and digits turned into single spaces.
func Normalize(text string) string {
	return normalizeStripped(StripMarkup(text))
}

// normalizeStripped is Normalize on text whose markup is already gone.
func normalizeStripped(text string) string {
	text = strings.ToLower(text)
	rs := []rune(text)
	var b strings.Builder
	b.Grow(len(text))
	space := true
	for i, r := range rs {
		if r == 'ё' {
			r = 'е'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
			continue
		}
		// An apostrophe between letters is part of the word.
		if isApostrophe(r) && i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]) {
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '`'
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
	"are": true, "do": true, "does": true, "did": true, "should": true,
}

// questionAnywhere are requests for information wherever they stand
// ("Добрый день, подскажите, ...").
var questionAnywhere = map[string]bool{
	"подскажите": true, "подскажи": true, "скажите": true, "уточните": true, "объясните": true,
	"підкажіть": true, "підкажи": true, "скажіть": true, "уточніть": true, "поясніть": true,
	"wondering": true, "clarify": true, "explain": true,
}

// IsQuestion reports whether text reads as a question in ru, uk or en: it
// has a question mark outside links, a sentence starts with a question
// word, it asks to be told something ("подскажите", "wondering"), or it
// carries the Russian particle "ли" ("есть ли", "будет ли").
func IsQuestion(text string) bool {
	text = StripMarkup(text)
	if strings.ContainsAny(text, "?？¿") {
		return true
	}
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return r == '.' || r == '!' || r == '\n' || r == ';' }) {
		words := strings.Fields(Normalize(s))
		if len(words) == 0 {
			continue
		}
		if questionStarts[words[0]] {
			return true
		}
		for i, w := range words {
			if questionAnywhere[w] || (w == "ли" && i > 0) {
				return true
			}
		}
	}
	return false
}
