package response

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
)

// got is the part of a finding the table checks.
type got struct {
	client, ts string
	sev        rules.Severity
	waited     string
	messages   string
}

// summarize orders by client, then ts: keys are hashes, so their order
// says nothing a reader can check.
func summarize(fs []rules.Finding) []got {
	var out []got
	for _, f := range fs {
		out = append(out, got{f.ClientID, f.Fields[FieldTS], f.Severity, f.Fields[FieldWaited], f.Fields[FieldMessages]})
	}
	slices.SortStableFunc(out, func(a, b got) int { return cmp.Or(strings.Compare(a.client, b.client), strings.Compare(a.ts, b.ts)) })
	return out
}

func acme(cal *hours.Calendar) Client {
	return Client{ID: "acme", Name: "Acme", Channels: []string{acmeChannel}, AM: "anna", AMName: "Anna",
		AMCalendar: cal, Config: DefaultConfig()}
}

func TestEvaluate(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	almaty := mustLoc(t, "Asia/Almaty")
	ny := mustLoc(t, "America/New_York")
	k := func(s string) time.Time { return wall(t, kyiv, s) }
	office := officeCal(t, kyiv)

	// Thursday 26 November 2026, 17:30 in Kyiv: half an hour before the AM leaves.
	late := client(acmeChannel, k("2026-11-26 17:30"), "Can you send the invoice?")
	late2 := client(acmeChannel, k("2026-11-26 17:45"), "And the report, please.")
	morning := client(acmeChannel, k("2026-11-26 09:00"), "Hello!")

	for _, tt := range []struct {
		name    string
		clients []Client
		msgs    []Msg
		now     time.Time
		want    []got
	}{
		{name: "17:30: nothing at 19:30 the same evening", clients: []Client{acme(office)},
			msgs: []Msg{late}, now: k("2026-11-26 19:30")},
		{name: "17:30: nothing at 10:29 the next morning", clients: []Client{acme(office)},
			msgs: []Msg{late}, now: k("2026-11-27 10:29")},
		{name: "17:30: due at 10:30 the next working day", clients: []Client{acme(office)},
			msgs: []Msg{late}, now: k("2026-11-27 10:30"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "2h", "1"}}},
		{name: "17:30 before a holiday friday: nothing on friday", clients: []Client{acme(officeCal(t, kyiv, "2026-11-27"))},
			msgs: []Msg{late}, now: k("2026-11-27 17:00")},
		{name: "17:30 before a holiday friday: due monday 10:30", clients: []Client{acme(officeCal(t, kyiv, "2026-11-27"))},
			msgs: []Msg{late}, now: k("2026-11-30 10:30"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "2h", "1"}}},
		{name: "escalated at 12:30, same message, waited counted in working time", clients: []Client{acme(office)},
			msgs: []Msg{late}, now: k("2026-11-27 12:30"),
			want: []got{{"acme", late.TS, rules.SeverityCritical, "4h", "1"}}},
		{name: "just before escalation", clients: []Client{acme(office)},
			msgs: []Msg{late}, now: k("2026-11-27 12:29"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "3h 59m", "1"}}},
		{
			// Clocks go back in Kyiv on Sunday 25 October: 17:30 on Friday
			// is 14:30 UTC, 10:30 on Monday is 08:30 UTC, and the weekend
			// does not count.
			name: "DST weekend: friday 17:30 due monday 10:30 wall time", clients: []Client{acme(office)},
			msgs: []Msg{client(acmeChannel, k("2026-10-23 17:30"), "?")}, now: k("2026-10-26 10:30"),
			want: []got{{"acme", ts(k("2026-10-23 17:30"), 1), rules.SeverityWarning, "2h", "1"}},
		},
		{name: "DST weekend: a minute earlier", clients: []Client{acme(office)},
			msgs: []Msg{client(acmeChannel, k("2026-10-23 17:30"), "?")}, now: k("2026-10-26 10:29")},
		{
			// 08:00 in New York is 15:00 in Kyiv: three working hours left
			// today, so 2h is reached at 17:00 Kyiv, 10:00 New York.
			name: "new york client, kyiv AM: the AM's hours count", clients: []Client{acme(office)},
			msgs: []Msg{client(acmeChannel, wall(t, ny, "2026-11-26 08:00"), "?")}, now: wall(t, ny, "2026-11-26 10:00"),
			want: []got{{"acme", ts(wall(t, ny, "2026-11-26 08:00"), 1), rules.SeverityWarning, "2h", "1"}},
		},
		{
			name: "almaty AM: 17:30 Kyiv is 20:30 in Almaty, after hours", clients: []Client{acme(officeCal(t, almaty))},
			msgs: []Msg{late}, now: wall(t, almaty, "2026-11-27 10:59"),
		},
		{name: "almaty AM: due 11:00 Almaty", clients: []Client{acme(officeCal(t, almaty))},
			msgs: []Msg{late}, now: wall(t, almaty, "2026-11-27 11:00"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "2h", "1"}}},
		{name: "no calendar: wall-clock hours", clients: []Client{acme(nil)},
			msgs: []Msg{late}, now: k("2026-11-26 19:30"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "2h", "1"}}},
		{name: "a thread reply from the agency answers", clients: []Client{acme(office)},
			msgs: []Msg{late, reply(late, agency(acmeChannel, k("2026-11-27 09:05"), "Sent!"))}, now: k("2026-11-27 15:00")},
		{
			name:    "a thread reply answered in its thread",
			clients: []Client{acme(office)},
			msgs: []Msg{
				agency(acmeChannel, k("2026-11-26 09:00"), "Report is ready"),
				reply(agency(acmeChannel, k("2026-11-26 09:00"), ""), client(acmeChannel, k("2026-11-26 10:00"), "Numbers look off")),
				reply(agency(acmeChannel, k("2026-11-26 09:00"), ""), agency(acmeChannel, k("2026-11-26 16:00"), "Fixed")),
			},
			now: k("2026-11-27 10:30"),
		},
		{name: "a later top-level agency message answers", clients: []Client{acme(office)},
			msgs: []Msg{late, agency(acmeChannel, k("2026-11-27 09:05"), "Sent!")}, now: k("2026-11-27 15:00")},
		{name: "an earlier agency message does not answer", clients: []Client{acme(office)},
			msgs: []Msg{agency(acmeChannel, k("2026-11-26 17:00"), "Good evening"), late}, now: k("2026-11-27 10:30"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "2h", "1"}}},
		{name: "a bot (Liaison's own notice) does not answer", clients: []Client{acme(office)},
			msgs: []Msg{late, reply(late, bot(acmeChannel, k("2026-11-26 17:31"), "Your AM will reply"))}, now: k("2026-11-27 10:30"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "2h", "1"}}},
		{name: "an agency reply in another thread does not answer", clients: []Client{acme(office)},
			msgs: []Msg{morning, late, reply(morning, agency(acmeChannel, k("2026-11-27 09:00"), "Hi!"))}, now: k("2026-11-27 10:30"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "2h", "1"}}},
		{
			name:    "a top-level agency message does not answer a thread reply",
			clients: []Client{acme(office)},
			msgs: []Msg{
				agency(acmeChannel, k("2026-11-26 09:00"), "Report is ready"),
				reply(agency(acmeChannel, k("2026-11-26 09:00"), ""), client(acmeChannel, k("2026-11-26 17:30"), "Numbers look off")),
				agency(acmeChannel, k("2026-11-27 09:00"), "Good morning all"),
			},
			now:  k("2026-11-27 10:30"),
			want: []got{{"acme", ts(k("2026-11-26 17:30"), 1), rules.SeverityWarning, "2h", "1"}},
		},
		{name: "a run of client messages is one finding keyed on the first", clients: []Client{acme(office)},
			msgs: []Msg{late2, late, reply(late, client(acmeChannel, k("2026-11-27 09:10"), "Hello?"))}, now: k("2026-11-27 10:30"),
			want: []got{{"acme", late.TS, rules.SeverityWarning, "2h", "3"}}},
		{name: "an agency message between splits the run", clients: []Client{acme(office)},
			msgs: []Msg{late, agency(acmeChannel, k("2026-11-26 17:40"), "Looking"), late2}, now: k("2026-11-27 10:45"),
			want: []got{{"acme", late2.TS, rules.SeverityWarning, "2h", "1"}}},
		{
			name:    "an answered message between splits the run",
			clients: []Client{acme(office)},
			msgs: []Msg{
				morning, late, late2,
				reply(late, agency(acmeChannel, k("2026-11-27 09:00"), "Sent")),
			},
			now: k("2026-11-27 10:45"),
			want: []got{
				{"acme", morning.TS, rules.SeverityCritical, "10h 45m", "1"},
				{"acme", late2.TS, rules.SeverityWarning, "2h", "1"},
			},
		},
		{
			name:    "a thread's replies join the parent's run; the channel's other threads do not",
			clients: []Client{acme(office)},
			msgs: []Msg{
				morning,
				reply(morning, client(acmeChannel, k("2026-11-26 09:30"), "anyone?")),
				reply(late, client(acmeChannel, k("2026-11-26 17:50"), "also this")),
				reply(late, agency(acmeChannel, k("2026-11-26 17:55"), "yes")),
				late,
			},
			now:  k("2026-11-27 10:30"),
			want: []got{{"acme", morning.TS, rules.SeverityCritical, "10h 30m", "2"}},
		},
		{name: "rule off for the client", clients: []Client{func() Client { c := acme(office); c.Config.Enabled = false; return c }()},
			msgs: []Msg{late}, now: k("2026-11-30 10:30")},
		{name: "not a client channel", clients: []Client{acme(office)},
			msgs: []Msg{client(otherChannel, k("2026-11-26 17:30"), "?")}, now: k("2026-11-30 10:30")},
		{
			name: "a channel claimed by two clients belongs to the smaller id",
			clients: []Client{
				func() Client { c := acme(office); c.ID = "zeta"; return c }(),
				func() Client { c := acme(office); c.ID = "beta"; c.Config.Enabled = false; return c }(),
			},
			msgs: []Msg{late}, now: k("2026-11-30 10:30"),
		},
		{
			name:    "several clients sorted by id",
			clients: []Client{func() Client { c := acme(office); c.ID = "zeta"; c.Channels = []string{otherChannel}; return c }(), acme(office)},
			msgs:    []Msg{late, client(otherChannel, k("2026-11-26 17:30"), "?")},
			now:     k("2026-11-27 10:30"),
			want: []got{
				{"acme", late.TS, rules.SeverityWarning, "2h", "1"},
				{"zeta", ts(k("2026-11-26 17:30"), 1), rules.SeverityWarning, "2h", "1"},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := Evaluate(Input{Clients: tt.clients, Messages: tt.msgs}, tt.now)
			if !slices.IsSortedFunc(fs, func(a, b rules.Finding) int {
				return cmp.Or(strings.Compare(a.ClientID, b.ClientID), strings.Compare(a.Key, b.Key))
			}) {
				t.Error("findings not sorted by client, then key")
			}
			if g := summarize(fs); !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got  %v\nwant %v", g, tt.want)
			}
		})
	}
}

func TestFinding(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	m := client(acmeChannel, wall(t, kyiv, "2026-11-26 17:30"), "Can you send the invoice? "+strings.Repeat("x", 400))
	in := Input{Clients: []Client{acme(officeCal(t, kyiv))}, Messages: []Msg{m}}
	now := wall(t, kyiv, "2026-11-27 10:30")
	warn := Evaluate(in, now)
	crit := Evaluate(in, wall(t, kyiv, "2026-11-27 13:00"))
	if len(warn) != 1 || len(crit) != 1 {
		t.Fatalf("got %d and %d findings, want 1 each", len(warn), len(crit))
	}
	subj := rules.Subject{Kind: rules.SubjectMessage, ID: acmeChannel + "/" + m.TS, URL: m.Permalink}
	want := rules.Finding{
		Key: rules.Key(RuleName, "acme", subj, "unanswered"), Rule: "response", ClientID: "acme", Subject: subj,
		Severity: rules.SeverityWarning, Title: "Acme is waiting for a reply",
		Fields: map[string]string{
			"client_name": "Acme", "am": "anna", "am_name": "Anna", "waited": "2h", "since": "2026-11-26T15:30:00Z",
			"text": rules.Excerpt(m.Text, ExcerptRunes), "permalink": m.Permalink, "channel": acmeChannel, "ts": m.TS, "messages": "1",
		},
		FirstSeen: now, LastSeen: now,
	}
	if !reflect.DeepEqual(warn[0], want) {
		t.Errorf("finding\n got %+v\nwant %+v", warn[0], want)
	}
	if r := []rune(warn[0].Fields[FieldText]); len(r) != ExcerptRunes+1 || r[len(r)-1] != '…' {
		t.Errorf("text excerpt has %d runes", len(r))
	}
	if crit[0].Key != want.Key || crit[0].Severity != rules.SeverityCritical || crit[0].Fields[FieldEscalated] != "true" || crit[0].Title != want.Title {
		t.Errorf("escalated finding %+v: want same key and title, critical, escalated=true", crit[0])
	}
}

func TestNextDue(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	k := func(s string) time.Time { return wall(t, kyiv, s) }
	office := officeCal(t, kyiv)
	late := client(acmeChannel, k("2026-11-26 17:30"), "?")
	other := client(otherChannel, k("2026-11-27 09:45"), "?")
	two := []Client{acme(office), func() Client { c := acme(office); c.ID = "zeta"; c.Channels = []string{otherChannel}; return c }()}

	for _, tt := range []struct {
		name    string
		clients []Client
		msgs    []Msg
		now     time.Time
		want    time.Time // zero: nothing pending
	}{
		{name: "first response of the 17:30 message", clients: two[:1], msgs: []Msg{late}, now: k("2026-11-26 17:31"), want: k("2026-11-27 10:30")},
		{name: "then its escalation", clients: two[:1], msgs: []Msg{late}, now: k("2026-11-27 10:30"), want: k("2026-11-27 12:30")},
		{name: "then nothing", clients: two[:1], msgs: []Msg{late}, now: k("2026-11-27 12:30")},
		{name: "holiday moves it", clients: []Client{acme(officeCal(t, kyiv, "2026-11-27"))}, msgs: []Msg{late}, now: k("2026-11-26 18:00"), want: k("2026-11-30 10:30")},
		{name: "earliest of two clients", clients: two, msgs: []Msg{late, other}, now: k("2026-11-27 10:31"), want: k("2026-11-27 11:45")},
		{name: "answered: nothing", clients: two[:1], msgs: []Msg{late, agency(acmeChannel, k("2026-11-26 17:40"), "ok")}, now: k("2026-11-26 17:41")},
		{name: "no messages", clients: two, now: k("2026-11-26 17:41")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Clients: tt.clients, Messages: tt.msgs}
			next, ok := NextDue(in, tt.now)
			if ok != !tt.want.IsZero() || !next.Equal(tt.want) {
				t.Fatalf("NextDue = %v, %v; want %v", next, ok, tt.want)
			}
			if !ok {
				return
			}
			// The schedule must agree with Evaluate: something changes
			// exactly at next, and nothing a nanosecond before.
			before := Evaluate(in, next.Add(-time.Nanosecond))
			at := Evaluate(in, next)
			if reflect.DeepEqual(severities(before), severities(at)) {
				t.Errorf("Evaluate gives %v both just before and at %v", severities(at), next)
			}
			if b := Evaluate(in, tt.now); !reflect.DeepEqual(severities(b), severities(before)) {
				t.Errorf("findings changed between now (%v) and just before next (%v)", severities(b), severities(before))
			}
		})
	}
}

func severities(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Subject.ID+"="+f.Severity.String())
	}
	return out
}

func TestFormatWait(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0m"},
		{-time.Minute, "0m"},
		{59 * time.Second, "0m"},
		{45 * time.Minute, "45m"},
		{2 * time.Hour, "2h"},
		{2*time.Hour + 15*time.Minute + 30*time.Second, "2h 15m"},
		{27*time.Hour + time.Minute, "27h 1m"},
	} {
		if got := FormatWait(tt.d); got != tt.want {
			t.Errorf("FormatWait(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
