package outofhours

import (
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
)

// RuleName is the rule's name in keys, config and routes.
const RuleName = "outofhours"

// Client is what the rule needs to know about the client owning a channel.
type Client struct {
	ID, Name string
	// Language is the notice's language; empty or unknown means English.
	Language connectors.Language
	// Location is the client's time zone, in which the notice says when the AM is back. Nil means UTC.
	Location *time.Location
	// Channels are the client's Slack channel ids; messages elsewhere are ignored.
	Channels []string
	// AM is the account manager's person id, AMName their display name and
	// AMSlackID their Slack member id.
	AM, AMName, AMSlackID string
	// AMCalendar is the AM's working time. Nil means the AM's hours are
	// unknown, and no notice is sent: the rule cannot say when they are back.
	AMCalendar *hours.Calendar
	// Config is the effective setting for this client (global + overrides).
	Config Config
}

// Input is one incoming message and what the rule needs to judge it.
type Input struct {
	Client Client
	Msg    Msg
	// Noticed holds the keys of notices already sent; the engine records
	// each Notice.Key it delivers. Keys of past off-periods may be dropped.
	Noticed map[string]bool
}

// Notice is the automatic answer to post in the client's thread.
type Notice struct {
	// Key identifies the AM's off-period for this client; see Key.
	Key      string
	ClientID string
	Channel  string
	// ThreadTS is the thread to answer in: the message's thread, or the message itself.
	ThreadTS string
	Text     string
	// Back is when the AM is next at work.
	Back time.Time
}

// Key identifies one off-period of an AM for one client: it is the same for
// every message written before the AM's next working moment back, so at
// most one notice goes out per client per off-period.
func Key(clientID, amID string, back time.Time) string {
	return rules.Key(RuleName, clientID, rules.Subject{Kind: rules.SubjectPerson, ID: amID}, back.UTC().Format(time.RFC3339))
}

// Evaluate judges one incoming message. It returns a notice when the rule is
// on for the client, the author is client-side, the channel is the client's,
// and the AM is not working at the message's time; the notice says when the
// AM is back, read in the client's zone and language.
//
// It reports ok=false when the off-period's key is in in.Noticed, and when
// the AM is already back at now (a message caught up after downtime needs a
// reply, not a notice that the AM will come back).
func Evaluate(in Input, now time.Time) (Notice, bool) {
	c := &in.Client
	m := &in.Msg
	if !c.Config.Enabled || m.Side != SideClient || c.AMCalendar == nil || !slices.Contains(c.Channels, m.Channel) {
		return Notice{}, false
	}
	at := m.At()
	if at.IsZero() || c.AMCalendar.Working(at) {
		return Notice{}, false
	}
	back, ok := c.AMCalendar.NextWorking(at)
	if !ok || !now.Before(back) {
		return Notice{}, false
	}
	key := Key(c.ID, c.AM, back)
	if in.Noticed[key] {
		return Notice{}, false
	}
	lang := language(c.Config.Templates, c.Language)
	data := TemplateData{
		AM:     mention(c.AMSlackID),
		AMName: c.AMName,
		Client: c.Name,
		Back:   FormatBack(back, at, c.Location, lang),
	}
	return Notice{
		Key:      key,
		ClientID: c.ID,
		Channel:  m.Channel,
		ThreadTS: m.ThreadRoot(),
		Text:     render(c.Config.Templates, lang, data),
		Back:     back,
	}, true
}

// mention is Slack's markup for mentioning a member; an unknown id gives ""
// rather than a broken "<@>".
func mention(slackID string) string {
	if slackID == "" {
		return ""
	}
	return "<@" + slackID + ">"
}

// language is the language the notice is written in: the client's when it
// has a template, else English. Config validation requires every language,
// so the fallback only keeps a half-configured client from getting nothing.
func language(ts map[connectors.Language]string, lang connectors.Language) connectors.Language {
	if _, ok := ts[lang]; ok && lang.Valid() {
		return lang
	}
	return connectors.LanguageEnglish
}

// render fills lang's template, falling back to the built-in text when the
// configured one is missing or fails, so that a client never receives an
// empty or broken notice.
func render(ts map[connectors.Language]string, lang connectors.Language, data TemplateData) string {
	if src, ok := ts[lang]; ok {
		if s, err := execute(src, data); err == nil {
			return s
		}
	}
	s, _ := execute(DefaultConfig().Templates[lang], data)
	return s
}

func execute(src string, data TemplateData) (string, error) {
	t, err := template.New("").Option("missingkey=error").Parse(src)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
