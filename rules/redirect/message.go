package redirect

import (
	"strings"

	"github.com/liaisonhq/liaison/rules"
)

// Side, Msg and their helpers are shared by the client-communication rules;
// see package rules.
type (
	Side = rules.Side
	Msg  = rules.Msg
)

// The sides, as in package rules.
const (
	SideUnknown = rules.SideUnknown
	SideClient  = rules.SideClient
	SideAgency  = rules.SideAgency
	SideBot     = rules.SideBot
)

// ExcerptRunes is how much of a message's text a finding carries.
const ExcerptRunes = 300

// mentions returns the Slack member ids mentioned in text, in order of first
// appearance. Slack writes a mention as <@U123> or, from older clients,
// <@U123|name>.
func mentions(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "<@")
		if i < 0 {
			return out
		}
		text = text[i+2:]
		j := strings.IndexByte(text, '>')
		if j < 0 {
			return out
		}
		id, _, _ := strings.Cut(text[:j], "|")
		if !memberID(id) {
			// Not a mention after all ("<@" typed by hand): a real one may
			// start before this '>'.
			continue
		}
		text = text[j+1:]
		dup := false
		for _, o := range out {
			dup = dup || o == id
		}
		if !dup {
			out = append(out, id)
		}
	}
}

// memberID reports whether s looks like a Slack member id (U… or W…).
func memberID(s string) bool {
	if len(s) < 2 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
