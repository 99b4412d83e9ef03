package outofhours

import (
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// Side says which side of the agency–client relationship wrote a message.
// The ingester classifies authors; the rule only reads the result.
type Side uint8

// Sides. SideUnknown is the zero value so that an unclassified author is
// never mistaken for a client or for an answer.
const (
	SideUnknown Side = iota
	SideClient       // a listed client contact or a Slack Connect stranger
	SideAgency       // a configured person of the agency
	SideBot          // bots, Liaison itself included
)

// Msg is a Slack message as the rule sees it. It has the same fields as
// redirect.Msg and response.Msg, so the engine fills them the same way.
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
	// Text is the raw Slack text.
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
