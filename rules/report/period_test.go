package report

import (
	"errors"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParsePeriod(t *testing.T) {
	cases := []struct{ in, from, to, name string }{
		{"2026-11", "2026-11-01", "2026-11-30", "2026-11"},
		{"2028-02", "2028-02-01", "2028-02-29", "2028-02"},
		{"2026-12", "2026-12-01", "2026-12-31", "2026-12"},
		{"2026-W48", "2026-11-23", "2026-11-29", "2026-W48"},
		{"2026-W01", "2025-12-29", "2026-01-04", "2026-W01"},
		{"2026-W53", "2026-12-28", "2027-01-03", "2026-W53"},
	}
	for _, c := range cases {
		p, err := ParsePeriod(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if p.From.String() != c.from || p.To.String() != c.to || p.String() != c.name {
			t.Errorf("%s: got %s..%s %q, want %s..%s %q", c.in, p.From, p.To, p, c.from, c.to, c.name)
		}
	}
	for _, bad := range []string{"", "2026", "2026-13", "26-11", "2026-W54", "2025-W53", "2026-W0", "november"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestPreviousNext(t *testing.T) {
	p, _ := ParsePeriod("2026-03")
	if got := p.Previous(); got.From.String() != "2026-02-01" || got.To.String() != "2026-02-28" {
		t.Errorf("previous of March: %s..%s", got.From, got.To)
	}
	if got := p.Next().String(); got != "2026-04" {
		t.Errorf("next of March: %s", got)
	}
	w, _ := ParsePeriod("2026-W01")
	if got := w.Previous().String(); got != "2025-W52" {
		t.Errorf("previous of 2026-W01: %s", got)
	}
	if n := len(p.Days()); n != 31 {
		t.Errorf("March has %d days", n)
	}
}

// TestCurrentInClientZone: the period is the one of the client's date,
// not UTC's: 23:30 UTC on Nov 30 is already December in Kyiv and still
// November in New York.
func TestCurrentInClientZone(t *testing.T) {
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		zone, kind, want string
	}{
		{"Europe/Kyiv", connectors.PeriodMonthly, "2026-12"},
		{"America/New_York", connectors.PeriodMonthly, "2026-11"},
		{"UTC", connectors.PeriodMonthly, "2026-11"},
		{"Europe/Kyiv", connectors.PeriodWeekly, "2026-W49"},
		{"America/New_York", connectors.PeriodWeekly, "2026-W49"}, // Monday Nov 30
		{"Pacific/Honolulu", connectors.PeriodWeekly, "2026-W49"},
	}
	for _, c := range cases {
		s := Schedule{Kind: c.kind, Location: mustLoad(t, c.zone)}
		if got := s.Current(now).String(); got != c.want {
			t.Errorf("%s %s: got %s, want %s", c.zone, c.kind, got, c.want)
		}
	}
}

func TestFinalRun(t *testing.T) {
	kyiv := mustLoad(t, "Europe/Kyiv")
	nov, _ := ParsePeriod("2026-11")
	oct, _ := ParsePeriod("2026-10")
	w48, _ := ParsePeriod("2026-W48")
	cases := []struct {
		name string
		s    Schedule
		p    Period
		want string
	}{
		{"default day 5", Schedule{Location: kyiv}, nov, "2026-12-05"},
		{"day 1", Schedule{FinalRunDay: 1, Location: kyiv}, nov, "2026-12-01"},
		{"day 28 after a 31-day month", Schedule{FinalRunDay: 28, Location: kyiv}, oct, "2026-11-28"},
		{"weekly wednesday", Schedule{Kind: connectors.PeriodWeekly, Weekday: time.Wednesday}, w48, "2026-12-02"},
		{"weekly monday is the next day", Schedule{Kind: connectors.PeriodWeekly, Weekday: time.Monday}, w48, "2026-11-30"},
		{"weekly sunday is a week later", Schedule{Kind: connectors.PeriodWeekly, Weekday: time.Sunday}, w48, "2026-12-06"},
	}
	for _, c := range cases {
		if got := c.s.FinalRun(c.p).String(); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	// The instant is midnight in the client's zone, across the DST change
	// (October's final run on Nov 5 is in winter time, +02:00).
	at := Schedule{Location: kyiv}.FinalRunAt(oct)
	if want := time.Date(2026, 11, 4, 22, 0, 0, 0, time.UTC); !at.Equal(want) {
		t.Errorf("final run of October at %s, want %s", at, want)
	}
}

func TestPlan(t *testing.T) {
	kyiv := mustLoad(t, "Europe/Kyiv")
	s := Schedule{FinalRunDay: 5, Location: kyiv}
	nov, _ := ParsePeriod("2026-11")
	dec, _ := ParsePeriod("2026-12")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, kyiv) }
	finalised := at(2026, 12, 5, 9, 0)
	cases := []struct {
		name      string
		p         Period
		now       time.Time
		finalised time.Time
		force     bool
		want      Action
		err       error
	}{
		{"during the month", nov, at(2026, 11, 15, 12, 0), time.Time{}, false, Refresh, nil},
		{"closed, before the final day", nov, at(2026, 12, 4, 23, 59), time.Time{}, false, Refresh, nil},
		{"final day at midnight in Kyiv", nov, at(2026, 12, 5, 0, 0), time.Time{}, false, Final, nil},
		{"late final run after downtime", nov, at(2026, 12, 20, 8, 0), time.Time{}, false, Final, nil},
		{"finalised is not rewritten", nov, at(2026, 12, 6, 8, 0), finalised, false, Final, ErrFinalised},
		{"finalised, forced", nov, at(2026, 12, 6, 8, 0), finalised, true, Final, nil},
		{"not begun", dec, at(2026, 11, 30, 23, 0), time.Time{}, false, Refresh, ErrNotStarted},
		{"begun in Kyiv while still November in UTC", dec, time.Date(2026, 11, 30, 22, 30, 0, 0, time.UTC), time.Time{}, false, Refresh, nil},
	}
	for _, c := range cases {
		got, err := s.Plan(c.p, c.now, c.finalised, c.force)
		if !errors.Is(err, c.err) || (c.err == nil && err != nil) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
			continue
		}
		if err == nil && got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	_, err := s.Plan(nov, at(2026, 12, 6, 8, 0), finalised, false)
	var fe *FinalisedError
	if !errors.As(err, &fe) || fe.Period != nov || !fe.Since.Equal(finalised) {
		t.Errorf("finalised error %v does not say which period and since when", err)
	}
}

func TestDue(t *testing.T) {
	s := Schedule{Location: mustLoad(t, "Europe/Kyiv")}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	names := func(ps []Period) (out []string) {
		for _, p := range ps {
			out = append(out, p.String())
		}
		return out
	}
	got := names(s.Due(now, func(Period) bool { return false }))
	if len(got) != 2 || got[0] != "2026-11" || got[1] != "2026-12" {
		t.Errorf("before November's final run: %v", got)
	}
	got = names(s.Due(now, func(p Period) bool { return p.String() == "2026-11" }))
	if len(got) != 1 || got[0] != "2026-12" {
		t.Errorf("after November's final run: %v", got)
	}
}
