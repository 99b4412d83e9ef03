package redirect

import (
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// Side says which side of the agency–client relationship wrote a message.
// The ingester classifies authors; the rule only reads the result.
type Side uint8

// Sides. SideUnknown is the zero value so that an unclassified author is
// never mistaken for a client.
const (
	SideUnknown Side = iota
	SideClient       // a listed client contact or a Slack Connect stranger
	SideAgency       // a configured person of the agency
	SideBot          // bots, Liaison itself included
)

// Msg is a Slack message as the rule sees it.
type Msg struct {
	Channel, TS string
	// ThreadTS is the parent's ts for a reply; empty or equal to TS for a top-level message.
	ThreadTS string
	// UserID is the author's Slack member id.
	UserID string
	// Side is the author's side, as classified by the ingester.
	Side Side
	// PersonID is the agency person id of an agency-side author.
	PersonID string
	// Text is the raw Slack text, with <@U123> mentions.
	Text string
	// Permalink links to the message in Slack.
	Permalink string
	// Time is when the message was posted; zero means "read it from TS".
	Time time.Time
}

// IsReply reports whether m is a reply in a thread rather than a top-level message.
func (m *Msg) IsReply() bool { return m.ThreadTS != "" && m.ThreadTS != m.TS }

// threadTS is the ts of the thread m belongs to or would start.
func (m *Msg) threadTS() string {
	if m.IsReply() {
		return m.ThreadTS
	}
	return m.TS
}

// at returns when m was posted, falling back to the instant in its TS.
func (m *Msg) at() time.Time {
	if !m.Time.IsZero() {
		return m.Time
	}
	return connectors.SlackTime(m.TS)
}

// before orders messages by time, then by ts, so that equal instants still
// order the way Slack does.
func before(a, b *Msg) bool {
	ta, tb := a.at(), b.at()
	if !ta.Equal(tb) {
		return ta.Before(tb)
	}
	return a.TS < b.TS
}

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

// ExcerptRunes is how much of a message's text a finding carries.
const ExcerptRunes = 300

// excerpt cuts s to at most n runes, marking the cut with an ellipsis, so
// that an alert stays readable however long the client's message was.
func excerpt(s string, n int) string {
	s = strings.TrimSpace(s)
	count := 0
	for i := range s {
		if count == n {
			return strings.TrimRight(s[:i], " \n\t") + "…"
		}
		count++
	}
	return s
}
