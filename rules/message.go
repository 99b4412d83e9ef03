package rules

import (
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// Side says which side of the agency–client relationship wrote a message.
// The engine classifies authors; rules only read the result.
type Side uint8

// Sides. SideUnknown is the zero value so that an unclassified author is
// never mistaken for a client or for an answer.
const (
	SideUnknown Side = iota
	SideClient       // a listed client contact or a Slack Connect stranger
	SideAgency       // a configured person of the agency
	SideBot          // bots, Liaison itself included
)

// Msg is a Slack message as the client-communication rules see it.
type Msg struct {
	Channel, TS string
	// ThreadTS is the parent's ts for a reply; empty or equal to TS for a top-level message.
	ThreadTS string
	// UserID is the author's Slack member id.
	UserID string
	// Side is the author's side, as classified by the engine.
	Side Side
	// PersonID is the agency person id of an agency-side author.
	PersonID string
	// Text is the raw Slack text, with <@U123> mentions.
	Text string
	// Permalink links to the message in Slack.
	Permalink string
	// Time is when the message was posted; zero means "read it from TS".
	Time time.Time
	// Edited is when its text was last edited; zero when never. Threads
	// keep their order by Time; what the text says is judged at Edited.
	Edited time.Time
}

// IsReply reports whether m is a reply in a thread rather than a top-level message.
func (m *Msg) IsReply() bool { return m.ThreadTS != "" && m.ThreadTS != m.TS }

// ThreadRoot is the ts of the thread m belongs to or would start.
func (m *Msg) ThreadRoot() string {
	if m.IsReply() {
		return m.ThreadTS
	}
	return m.TS
}

// At returns when m was posted, falling back to the instant in its TS.
func (m *Msg) At() time.Time {
	if !m.Time.IsZero() {
		return m.Time
	}
	return connectors.SlackTime(m.TS)
}

// WrittenAt returns when m got its current text: its last edit, or when it
// was posted.
func (m *Msg) WrittenAt() time.Time {
	if m.Edited.After(m.At()) {
		return m.Edited
	}
	return m.At()
}

// CompareMsgs orders messages by time, then by ts, so that equal instants
// still order the way Slack does.
func CompareMsgs(a, b *Msg) int {
	if c := a.At().Compare(b.At()); c != 0 {
		return c
	}
	return strings.Compare(a.TS, b.TS)
}

// Excerpt keeps the first n runes of s, marking a cut with an ellipsis, so
// that an alert stays readable however long the client's message was.
func Excerpt(s string, n int) string {
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
