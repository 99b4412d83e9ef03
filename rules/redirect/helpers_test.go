package redirect

import (
	"strconv"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return loc
}

// wall parses "2006-01-02 15:04" in loc, refusing wall times that do not
// exist exactly once so that a DST test cannot silently test something else.
func wall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatalf("parsing %q: %v", s, err)
	}
	if got := v.Format("2006-01-02 15:04"); got != s {
		t.Fatalf("wall time %q does not exist in %s (got %s)", s, loc, got)
	}
	return v
}

// ts is the Slack timestamp of instant at, with a sequence number in the
// microseconds so that messages in the same second stay distinct.
func ts(at time.Time, seq int) string {
	return strconv.FormatInt(at.Unix(), 10) + "." + leftPad(seq)
}

func leftPad(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}

const (
	acmeChannel  = "C0ACME0001"
	otherChannel = "C0OTHER001"
	annaSlack    = "U0ANNA0001"
	olehSlack    = "U0OLEH0001"
	mariaSlack   = "U0MARIA001"
	clientSlack  = "U0CLIENT01"
)

var (
	anna  = Person{ID: "anna", Name: "Anna", SlackUserID: annaSlack, Language: connectors.LanguageRussian}
	oleh  = Person{ID: "oleh", Name: "Oleh", SlackUserID: olehSlack, Language: connectors.LanguageUkrainian}
	maria = Person{ID: "maria", Name: "Maria", SlackUserID: mariaSlack, Language: connectors.LanguageEnglish}
)

// acme is a Russian-speaking client in loc with a monthly planning call on
// the first Monday 10:00-11:00 and a launch window on 10 November 14:00-16:00.
func acme(t testing.TB, loc *time.Location) Client {
	t.Helper()
	rec, err := hours.ParseRecurrence("first mon of month 10:00-11:00")
	if err != nil {
		t.Fatal(err)
	}
	return Client{
		ID: "acme", Name: "Acme", Language: connectors.LanguageRussian, Location: loc,
		Channels:    []string{acmeChannel},
		AM:          anna,
		Specialists: []Person{oleh, maria},
		Exceptions: []hours.Window{
			{Name: "monthly planning", Recurring: rec},
			{Name: "launch", From: wall(t, loc, "2026-11-10 14:00"), To: wall(t, loc, "2026-11-10 16:00")},
		},
		Config: DefaultConfig(),
	}
}

// clientMsg is a top-level message by the client's contact at at.
func clientMsg(at time.Time, seq int, text string) Msg {
	s := ts(at, seq)
	return Msg{Channel: acmeChannel, TS: s, UserID: clientSlack, Side: SideClient, Text: text,
		Permalink: "https://acme.slack.com/archives/" + acmeChannel + "/p" + s, Time: at}
}

// agencyMsg is a top-level message by p at at.
func agencyMsg(p Person, at time.Time, seq int, text string) Msg {
	return Msg{Channel: acmeChannel, TS: ts(at, seq), UserID: p.SlackUserID, Side: SideAgency, PersonID: p.ID, Text: text, Time: at}
}

// in returns m as a reply in the thread started by parent.
func in(parent Msg, m Msg) Msg {
	m.ThreadTS = parent.TS
	return m
}
