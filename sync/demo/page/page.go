// Package page renders the demo's single HTML file: the Slack conversations
// Liaison took part in, drawn as Slack would draw them (Block Kit rendered to
// HTML), the transcript of what Liaison saw and did, and the report sheets.
//
// The page is built from plain data so that it depends on no fake and no
// client library, and it is self-contained (inline CSS, no scripts, fonts or
// images) because the demo runs with no network.
package page

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"time"
)

// Page is everything the demo page shows.
type Page struct {
	Title, Agency string
	// Start and End bound the simulated period.
	Start, End time.Time
	// Summary is shown as a row of figures at the top.
	Summary []Stat
	// Conversations holds one entry per Slack channel or DM, in sidebar order.
	Conversations []Conversation
	// Transcript is the time-ordered log of what Liaison saw and did.
	Transcript []Entry
	// Sections are report sheets; the page has no reports area when empty.
	Sections []Section
	// Users maps Slack user ids to display names, for <@U123> mentions.
	Users map[string]string
}

// Conversation kinds.
const (
	KindChannel = "channel"
	KindDM      = "dm"
	KindShared  = "shared" // a Slack Connect channel shared with a client
)

// Conversation is one Slack channel or DM.
type Conversation struct {
	ID, Name string
	// Kind is KindChannel, KindDM or KindShared; anything else is drawn as a channel.
	Kind    string
	Members []string
	// Messages are top-level messages in time order; replies go in Message.Thread.
	Messages []Message
}

// Message is one Slack message as a reader would see it.
type Message struct {
	TS   string
	Time time.Time
	// Location is the reader's zone; the time is shown there with the zone
	// abbreviation. Nil means the zone Time carries.
	Location *time.Location
	UserID   string
	UserName string
	Bot      bool
	// External marks a Slack Connect user from another organization; Org
	// names it in the badge ("external" when empty).
	External bool
	Org      string
	// Text is shown as mrkdwn when Blocks is empty.
	Text string
	// Blocks is a Block Kit array.
	Blocks json.RawMessage
	Edited bool
	// Resolved marks an alert that chat.update later marked as resolved.
	Resolved bool
	Thread   []Message
	// Badges annotate what Liaison did, e.g. "deferred: Fri 20:00 → Mon 09:00" or "redirect".
	Badges []string
	// Ephemeral messages are "Only visible to you".
	Ephemeral bool
	// Metadata is shown small, e.g. the liaison_delivery key.
	Metadata string
}

// Entry is one line of the transcript.
type Entry struct {
	Time time.Time
	// Location is the actor's zone; nil means the zone Time carries.
	Location *time.Location
	Actor    string
	// Kind is a short tag such as "seen", "alert", "redirect", "deferred",
	// "jira" or "suggestion"; it picks the tag's colour.
	Kind string
	Text string
}

// Stat is one figure of the summary.
type Stat struct{ Label, Value string }

// Section is one report sheet. HTML is trusted: the caller builds it from
// escaped data (html/template), never from raw input.
type Section struct {
	Title string
	HTML  template.HTML
}

// Render writes p as one self-contained HTML document.
func Render(w io.Writer, p Page) error {
	v := buildView(p)
	if err := pageTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("rendering demo page: %w", err)
	}
	return nil
}
