package redirect

import (
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
)

// RuleName is the rule's name in findings, config and routes.
const RuleName = "redirect"

// Keys of Finding.Fields. Several specialists are joined with ", " in the
// same order in specialist and specialist_name.
const (
	FieldClientName     = "client_name"
	FieldSpecialist     = "specialist"      // person ids
	FieldSpecialistName = "specialist_name" // display names
	FieldAM             = "am"              // person id of the account manager
	FieldAMName         = "am_name"
	FieldText           = "text" // the client's text, cut to ExcerptRunes runes
	FieldPermalink      = "permalink"
	FieldChannel        = "channel"
	FieldTS             = "ts"
	FieldThreadTS       = "thread_ts" // the thread the message is in or starts
	FieldReason         = "reason"    // ReasonMention or ReasonThread
)

// Reasons a message was judged addressed to a specialist.
const (
	ReasonMention = "mention" // the text mentions a specialist
	ReasonThread  = "thread"  // a reply in a thread whose last agency-side writer is a specialist
)

// Person is an agency person as the rule needs them.
type Person struct {
	ID, Name    string
	SlackUserID string
	// Language is what Liaison writes to them in; empty or unknown means English.
	Language connectors.Language
}

// Client is what the rule needs to know about the client owning a channel.
type Client struct {
	ID, Name string
	// Language is the client's language for the in-thread reply; empty or unknown means English.
	Language connectors.Language
	// Location is the client's time zone, in which recurring exception windows are read. Nil means UTC.
	Location *time.Location
	// Channels are the client's Slack channel ids; messages elsewhere are ignored.
	Channels []string
	AM       Person
	// Specialists are the people who work on the client.
	Specialists []Person
	// Exceptions are the windows in which the client may talk to specialists directly.
	Exceptions []hours.Window
	// Config is the effective setting for this client (global + overrides).
	Config Config
}

// Input is one incoming message and what the rule needs to judge it.
type Input struct {
	Client Client
	Msg    Msg
	// Thread holds the other messages of Msg's thread, parent included, in
	// any order. Only those before Msg are read; it may be empty for a
	// top-level message.
	Thread []Msg
}

// Outcome is what the rule wants done about one message. The engine turns it
// into deliveries; the Keys let it post each part at most once.
type Outcome struct {
	// Finding alerts the AM.
	Finding rules.Finding
	// Reply answers the client in the thread; nil unless reply_in_thread.
	Reply *Reply
	// SpecialistNotes tell each addressed specialist that the AM takes
	// over; empty unless notify_specialist.
	SpecialistNotes []Note
}

// Reply is a message to post in the client's thread.
type Reply struct {
	Key      string // Finding.Key + ":reply"
	Channel  string
	ThreadTS string
	Text     string
}

// Note is a private message to a specialist. Channel and ThreadTS say where
// the client wrote, so it can go out as an ephemeral message there or as a
// direct message that links to it; the engine chooses.
type Note struct {
	Key         string // Finding.Key + ":note:" + PersonID
	PersonID    string
	UserSlackID string
	Channel     string
	ThreadTS    string
	Text        string
}

// Evaluate judges one incoming message. It reports ok=false when the rule
// is off for the client, the author is not client-side, the channel is not
// the client's, the message falls inside an exception window, or it is
// addressed to no specialist.
//
// A message is addressed to a specialist when its text mentions one of the
// client's specialists, or when it is a reply in a thread whose last
// agency-side writer before it is one of them (so a thread the AM has
// since joined is the AM's). Several specialists give one finding that
// names them all, one reply, and one note each: the client wrote one
// message, and the AM needs one alert to take it over.
//
// The finding's key depends only on the client and the message (channel
// and ts), so an event delivered twice, or an edit, yields the same key.
func Evaluate(in Input, now time.Time) (Outcome, bool) {
	c := &in.Client
	m := &in.Msg
	if !c.Config.Enabled || m.Side != SideClient || !slices.Contains(c.Channels, m.Channel) {
		return Outcome{}, false
	}
	specs, reason := addressed(c, m, in.Thread)
	// An edit that addresses a specialist is judged when it was made: a
	// message from before the planning call, edited during it, is fine.
	if len(specs) == 0 || inWindow(c, m.WrittenAt()) {
		return Outcome{}, false
	}
	return outcome(c, m, specs, reason, now), true
}

// addressed returns the client's specialists m is addressed to, in the
// client's order, and why.
func addressed(c *Client, m *Msg, thread []Msg) ([]*Person, string) {
	ids := mentions(m.Text)
	last := lastAgencyWriter(m, thread)
	var out []*Person
	reason := ReasonThread
	for i := range c.Specialists {
		p := &c.Specialists[i]
		if p.SlackUserID == c.AM.SlackUserID && p.SlackUserID != "" {
			continue
		}
		mentioned := p.SlackUserID != "" && slices.Contains(ids, p.SlackUserID)
		if mentioned {
			reason = ReasonMention
		}
		if mentioned || (last != nil && isPerson(p, last)) {
			out = append(out, p)
		}
	}
	return out, reason
}

// lastAgencyWriter returns the latest agency-side message of m's thread
// before m, or nil for a top-level message or a thread without one.
func lastAgencyWriter(m *Msg, thread []Msg) *Msg {
	if !m.IsReply() {
		return nil
	}
	var last *Msg
	for i := range thread {
		t := &thread[i]
		if t.Side != SideAgency || t.Channel != m.Channel || t.ThreadRoot() != m.ThreadTS || rules.CompareMsgs(t, m) >= 0 {
			continue
		}
		if last == nil || rules.CompareMsgs(last, t) < 0 {
			last = t
		}
	}
	return last
}

// isPerson reports whether m was written by p. The person id is preferred;
// the Slack id covers messages the ingester could not map.
func isPerson(p *Person, m *Msg) bool {
	if m.PersonID != "" {
		return m.PersonID == p.ID
	}
	return m.UserID != "" && m.UserID == p.SlackUserID
}

// inWindow reports whether t is inside one of the client's exception windows.
func inWindow(c *Client, t time.Time) bool {
	for _, w := range c.Exceptions {
		if w.Contains(t, c.Location) {
			return true
		}
	}
	return false
}

func outcome(c *Client, m *Msg, specs []*Person, reason string, now time.Time) Outcome {
	subj := rules.Subject{Kind: rules.SubjectMessage, ID: m.Channel + "/" + m.TS, URL: m.Permalink}
	key := rules.Key(RuleName, c.ID, subj, "direct")
	ids := make([]string, len(specs))
	names := make([]string, len(specs))
	for i, p := range specs {
		ids[i], names[i] = p.ID, p.Name
	}
	specName := strings.Join(names, ", ")
	fields := map[string]string{
		FieldClientName:     c.Name,
		FieldSpecialist:     strings.Join(ids, ", "),
		FieldSpecialistName: specName,
		FieldAM:             c.AM.ID,
		FieldAMName:         c.AM.Name,
		FieldText:           rules.Excerpt(m.Text, ExcerptRunes),
		FieldChannel:        m.Channel,
		FieldTS:             m.TS,
		FieldThreadTS:       m.ThreadRoot(),
		FieldReason:         reason,
	}
	if m.Permalink != "" {
		fields[FieldPermalink] = m.Permalink
	}
	out := Outcome{Finding: rules.Finding{
		Key:       key,
		Rule:      RuleName,
		ClientID:  c.ID,
		Subject:   subj,
		Severity:  rules.SeverityWarning,
		Title:     c.Name + " wrote to " + specName + " directly",
		Fields:    fields,
		FirstSeen: now,
		LastSeen:  now,
	}}
	data := TemplateData{AM: mention(c.AM.SlackUserID), AMName: c.AM.Name, Client: c.Name, Specialist: specName}
	if c.Config.ReplyInThread {
		out.Reply = &Reply{
			Key:      key + ":reply",
			Channel:  m.Channel,
			ThreadTS: m.ThreadRoot(),
			Text:     render(c.Config.Templates, DefaultConfig().Templates, c.Language, data),
		}
	}
	if c.Config.NotifySpecialist {
		for _, p := range specs {
			if p.SlackUserID == "" {
				continue
			}
			d := data
			d.Specialist = p.Name
			out.SpecialistNotes = append(out.SpecialistNotes, Note{
				Key:         key + ":note:" + p.ID,
				PersonID:    p.ID,
				UserSlackID: p.SlackUserID,
				Channel:     m.Channel,
				ThreadTS:    m.ThreadRoot(),
				Text:        render(c.Config.SpecialistTemplates, DefaultConfig().SpecialistTemplates, p.Language, d),
			})
		}
	}
	return out
}

// mention is Slack's markup for mentioning a member; an unknown id gives ""
// rather than a broken "<@>".
func mention(slackID string) string {
	if slackID == "" {
		return ""
	}
	return "<@" + slackID + ">"
}
