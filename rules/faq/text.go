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
