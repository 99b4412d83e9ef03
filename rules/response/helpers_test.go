package response

import (
	"strconv"
	"testing"
	"time"

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

// officeCal is a Monday-to-Friday 09:00-18:00 calendar in loc with the given holidays.
func officeCal(t testing.TB, loc *time.Location, holidays ...string) *hours.Calendar {
	t.Helper()
	w, err := hours.ParseWeek([]string{"mon-fri 09:00-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	c := &hours.Calendar{Location: loc, Week: w}
	for _, h := range holidays {
		d, err := hours.ParseDate(h)
		if err != nil {
			t.Fatal(err)
		}
		c.Holidays = append(c.Holidays, d)
	}
	return c
}

// ts is the Slack timestamp of at, with seq in the microseconds so that
// messages in the same second stay distinct.
func ts(at time.Time, seq int) string {
	s := strconv.Itoa(seq)
	for len(s) < 6 {
		s = "0" + s
	}
	return strconv.FormatInt(at.Unix(), 10) + "." + s
}

const (
	acmeChannel  = "C0ACME0001"
	otherChannel = "C0OTHER001"
)

// client is a top-level message by the client in ch at at.
func client(ch string, at time.Time, text string) Msg {
	s := ts(at, 1)
	return Msg{Channel: ch, TS: s, UserID: "U0CLIENT01", Side: SideClient, Text: text,
		Permalink: "https://acme.slack.com/archives/" + ch + "/p" + s, Time: at}
}

// agency is a top-level message by the AM in ch at at.
func agency(ch string, at time.Time, text string) Msg {
	return Msg{Channel: ch, TS: ts(at, 2), UserID: "U0ANNA0001", Side: SideAgency, PersonID: "anna", Text: text, Time: at}
}

// bot is a top-level message by a bot in ch at at.
func bot(ch string, at time.Time, text string) Msg {
	return Msg{Channel: ch, TS: ts(at, 3), UserID: "U0BOT00001", Side: SideBot, Text: text, Time: at}
}

// reply returns m as a reply in parent's thread.
func reply(parent, m Msg) Msg {
	m.ThreadTS = parent.TS
	return m
}
