package report

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// Period is the span one report covers: a calendar month or an ISO week
// (Monday to Sunday), as civil dates. Each source counts the dates in its
// own zone (Ads in the account's, Search Console in Pacific time), so a
// period is a range of dates, not of instants.
type Period struct {
	Kind     string     // connectors.PeriodMonthly or connectors.PeriodWeekly
	From, To hours.Date // inclusive
}

// String names the period as the CLI takes it: "2026-11" or "2026-W48".
func (p Period) String() string {
	if p.Kind == connectors.PeriodWeekly {
		y, w := p.From.Start(time.UTC).ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	}
	return p.From.Start(time.UTC).Format("2006-01")
}

// Contains reports whether d is one of the period's days.
func (p Period) Contains(d hours.Date) bool { return !d.Before(p.From) && !p.To.Before(d) }

// Days returns the period's dates in order.
func (p Period) Days() []hours.Date {
	var out []hours.Date
	for d := p.From; !p.To.Before(d); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out
}

// Previous returns the period of the same kind just before p.
func (p Period) Previous() Period { return PeriodOf(p.Kind, p.From.AddDays(-1)) }

// Next returns the period of the same kind just after p.
func (p Period) Next() Period { return PeriodOf(p.Kind, p.To.AddDays(1)) }

// PeriodOf returns the period of kind (monthly unless weekly) holding d.
func PeriodOf(kind string, d hours.Date) Period {
	t := d.Start(time.UTC)
	if kind == connectors.PeriodWeekly {
		from := d.AddDays(-((int(t.Weekday()) + 6) % 7))
		return Period{Kind: kind, From: from, To: from.AddDays(6)}
	}
	first := hours.DateOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
	next := hours.DateOf(time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC))
	return Period{Kind: connectors.PeriodMonthly, From: first, To: next.AddDays(-1)}
}

// ParsePeriod reads "2026-11" (a month) or "2026-W48" (an ISO week).
func ParsePeriod(s string) (Period, error) {
	if y, w, ok := strings.Cut(s, "-W"); ok {
		year, err1 := strconv.Atoi(y)
		week, err2 := strconv.Atoi(w)
		if err1 != nil || err2 != nil || len(y) != 4 || week < 1 || week > 53 {
			return Period{}, fmt.Errorf("period %q: want YYYY-MM or YYYY-Www", s)
		}
		// January 4th is always in ISO week 1.
		jan4 := hours.DateOf(time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC))
		p := PeriodOf(connectors.PeriodWeekly, jan4).From.AddDays(7 * (week - 1))
		if gy, gw := p.Start(time.UTC).ISOWeek(); gy != year || gw != week {
			return Period{}, fmt.Errorf("period %q: %d has no week %d", s, year, week)
		}
		return PeriodOf(connectors.PeriodWeekly, p), nil
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Period{}, fmt.Errorf("period %q: want YYYY-MM or YYYY-Www", s)
	}
	return PeriodOf(connectors.PeriodMonthly, hours.DateOf(t)), nil
}

// Schedule says when a client's periods close and when each gets its final
// run, in the client's time zone.
type Schedule struct {
	Kind string // connectors.PeriodMonthly (default) or connectors.PeriodWeekly
	// FinalRunDay is the day of the month after a monthly period on which
	// its final run is due (report.final_run_day).
	FinalRunDay int
	// Weekday is the day after a weekly period on which its final run is
	// due (report.weekday): the first such day after the week's Sunday.
	Weekday time.Weekday
	// Location is the client's time zone; UTC when nil.
	Location *time.Location
}

func (s Schedule) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// Current returns the period holding now's date in the client's zone.
func (s Schedule) Current(now time.Time) Period {
	return PeriodOf(s.Kind, hours.DateOf(now.In(s.loc())))
}

// FinalRun returns the day of p's final run: report.final_run_day of the
// next month for a monthly period (default 5), the first configured
// weekday after the week for a weekly one.
func (s Schedule) FinalRun(p Period) hours.Date {
	if p.Kind == connectors.PeriodWeekly {
		d := p.To.AddDays(1)
		for d.Weekday() != s.Weekday {
			d = d.AddDays(1)
		}
		return d
	}
	day := s.FinalRunDay
	if day < 1 {
		day = 5
	}
	return p.To.AddDays(day)
}

// FinalRunAt returns the instant p's final run becomes due: the start of
// its final run day in the client's zone.
func (s Schedule) FinalRunAt(p Period) time.Time { return s.FinalRun(p).Start(s.loc()) }

// Action is what a run does with a period's report.
type Action int

// Actions of Plan.
const (
	// Refresh rewrites the report with today's data; it is not final.
	Refresh Action = iota
	// Final writes the report for the last time and marks it final.
	Final
)

func (a Action) String() string {
	if a == Final {
		return "final"
	}
	return "refresh"
}

// ErrFinalised is returned (wrapped in a *FinalisedError) by Plan for a
// period whose final run is done: its figures were handed to the client
// and are not rewritten unless forced.
var ErrFinalised = errors.New("report already final")

// FinalisedError says which period is final, and since when.
type FinalisedError struct {
	Period Period
	Since  time.Time
}

func (e *FinalisedError) Error() string {
	return fmt.Sprintf("report for %s is final since %s; rerun with -force to rewrite it", e.Period, e.Since.UTC().Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrFinalised) hold.
func (e *FinalisedError) Unwrap() error { return ErrFinalised }

// ErrNotStarted is returned by Plan for a period that has not begun.
var ErrNotStarted = errors.New("period has not begun")

// Plan says what a run at now does with p's report. finalisedAt is when
// its final run happened (zero if never). A period that has not begun is
// an error; a finalised one is a *FinalisedError unless force is set, in
// which case it is rewritten as final again. A period whose final run is
// due gets it; any other is refreshed.
func (s Schedule) Plan(p Period, now time.Time, finalisedAt time.Time, force bool) (Action, error) {
	if now.Before(p.From.Start(s.loc())) {
		return Refresh, fmt.Errorf("report for %s: %w (it starts %s)", p, ErrNotStarted, p.From)
	}
	if !finalisedAt.IsZero() {
		if !force {
			return Final, &FinalisedError{Period: p, Since: finalisedAt}
		}
		return Final, nil
	}
	if !now.Before(s.FinalRunAt(p)) {
		return Final, nil
	}
	return Refresh, nil
}

// Due returns the periods a daily run at now works on, oldest first: the
// previous period until its final run is done (finalised reports whether a
// period is), and the current one.
func (s Schedule) Due(now time.Time, finalised func(Period) bool) []Period {
	cur := s.Current(now)
	prev := cur.Previous()
	var out []Period
	if !finalised(prev) {
		out = append(out, prev)
	}
	return append(out, cur)
}
