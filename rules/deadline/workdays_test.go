package deadline

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules/hours"
)

func TestParseDay(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // "" when invalid
	}{
		{"2026-11-28", "2026-11-28"},
		{"2024-02-29", "2024-02-29"},
		{"1970-01-01", "1970-01-01"},
		{"1969-12-31", "1969-12-31"},
		{"2026-02-29", ""},
		{"2026-13-01", ""},
		{"2026-00-10", ""},
		{"2026-04-31", ""},
		{"2026-11-00", ""},
		{"2026-1-28", ""},
		{"2026/11/28", ""},
		{"2026-11-2x", ""},
		{"+026-11-28", ""},
		{"2026-11-28T00:00:00Z", ""},
		{"", ""},
	} {
		n, ok := parseDay(tt.in)
		var got string
		if ok {
			got = dateOf(n).String()
		}
		if got != tt.want {
			t.Errorf("parseDay(%q) = %q (ok %v), want %q", tt.in, got, ok, tt.want)
		}
		// Agree with the standard parser on validity.
		if _, err := time.Parse(time.DateOnly, tt.in); (err == nil) != ok {
			t.Errorf("parseDay(%q) ok=%v but time.Parse err=%v", tt.in, ok, err)
		}
	}
}

func TestDayNumbersAreZoneFree(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	// The first instant of 30 March in Kyiv is 29 March in UTC; the date
	// must be read in the zone asked for.
	start := mustDate(t, "2026-03-30").Start(kyiv)
	if got := dateOf(dayOf(start, kyiv)).String(); got != "2026-03-30" {
		t.Errorf("dayOf(start of 30 March, Kyiv) = %s", got)
	}
	if got := dateOf(dayOf(start, time.UTC)).String(); got != "2026-03-29" {
		t.Errorf("dayOf(start of 30 March Kyiv, UTC) = %s", got)
	}
	if got := dayOf(start.Add(-time.Nanosecond), kyiv) + 1; got != dayOf(start, kyiv) {
		t.Errorf("the instant before midnight is not the previous day")
	}
}

// TestWorkdaysMatchesCalendar checks the cached prefix sums against the
// calendar's own count over random ranges, asked in an order that makes the
// cache grow both ways.
func TestWorkdaysMatchesCalendar(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	week, err := hours.ParseWeek([]string{"mon-thu 09:00-18:00", "fri 09:00-15:00", "sun 22:00-02:00"})
	if err != nil {
		t.Fatal(err)
	}
	cal := &hours.Calendar{Location: kyiv, Week: week,
		Holidays:  []hours.Date{mustDate(t, "2026-11-30"), mustDate(t, "2027-01-01")},
		Vacations: []hours.DateRange{{From: mustDate(t, "2026-08-03"), To: mustDate(t, "2026-08-14")}}}
	w := &workdays{cal: cal}
	origin, _ := parseDay("2026-11-25")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		from := origin + rng.IntN(800) - 400
		to := from + rng.IntN(120) - 10
		want := cal.WorkingDaysBetween(dateOf(from), dateOf(to))
		if got := w.between(from, to); got != want {
			t.Fatalf("between(%s, %s) = %d, want %d", dateOf(from), dateOf(to), got, want)
		}
	}
	if w.between(origin, origin) != 0 || w.between(origin+5, origin) != 0 {
		t.Error("an empty or reversed range counted working days")
	}
	everyDay := &workdays{}
	if got := everyDay.between(origin, origin+10); got != 10 {
		t.Errorf("without a calendar, 10 days count %d working days", got)
	}
}
