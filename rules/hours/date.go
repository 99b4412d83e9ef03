package hours

import (
	"fmt"
	"time"
)

// Date is a civil date (no time, no zone).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parsing date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String formats d as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText formats d as "2006-01-02", so dates round-trip through YAML and JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses "2006-01-02".
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// utc is d's midnight in UTC, where every day has 24 hours: the base for
// calendar arithmetic that must not be disturbed by DST.
func (d Date) utc() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	return DateOf(d.utc().AddDate(0, 0, n))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// daysUntil returns the number of days from d to e (negative when e is earlier).
func (d Date) daysUntil(e Date) int {
	return int(e.utc().Sub(d.utc()) / (24 * time.Hour))
}

// Start returns the first instant of d in loc (midnight, or the first instant
// after a DST gap that swallows midnight).
func (d Date) Start(loc *time.Location) time.Time { return d.At(0, loc) }

// At returns the instant at which the wall clock in loc shows minute minutes
// past midnight of d. minute may be negative or exceed 24*60; it then counts
// into earlier or later days. A wall time shown twice (clocks going back)
// resolves to its first occurrence; one skipped by a gap (clocks going
// forward) resolves to the first instant after the gap.
func (d Date) At(minute int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	// Work on the naive wall time as seconds since the epoch, as if it were UTC;
	// an instant i shows that wall time iff i + offset(i) == wall.
	wall := d.utc().Unix() + int64(minute)*60
	_, off := time.Unix(wall, 0).In(loc).Zone()
	// The instant under the offset in force a few hours away lies within one
	// DST shift of the answer. Candidate offsets are those in force there and
	// half a day either side: transitions are further apart than that.
	guess := time.Unix(wall-int64(off), 0).In(loc)
	var offs [3]int
	_, offs[0] = guess.Zone()
	_, offs[1] = guess.Add(-12 * time.Hour).Zone()
	_, offs[2] = guess.Add(12 * time.Hour).Zone()
	if offs[0] == off && offs[1] == off && offs[2] == off {
		// No transition nearby: the guess shows the wall time and is the only one.
		return guess
	}

	best := int64(0)
	found := false
	lo, hi := offs[0], offs[0]
	for _, o := range offs {
		lo, hi = min(lo, o), max(hi, o)
		i := wall - int64(o)
		if _, oi := time.Unix(i, 0).In(loc).Zone(); oi != o {
			continue
		}
		if !found || i < best {
			best, found = i, true
		}
	}
	if found {
		return time.Unix(best, 0).In(loc)
	}
	// The wall time falls in a gap: the transition lies between the instant
	// it would be under the later (larger) offset and under the earlier one.
	// Binary search for the first instant whose wall time is past the gap.
	a, b := wall-int64(hi), wall-int64(lo) // a is before the transition, b after it
	for a+1 < b {
		m := a + (b-a)/2
		if _, om := time.Unix(m, 0).In(loc).Zone(); m+int64(om) > wall {
			b = m
		} else {
			a = m
		}
	}
	return time.Unix(b, 0).In(loc)
}

// DateRange is an inclusive range of civil dates.
type DateRange struct {
	From, To Date
}

// Contains reports whether d lies in r.
func (r DateRange) Contains(d Date) bool {
	return !d.Before(r.From) && !r.To.Before(d)
}

// String formats r as "2006-01-02..2006-01-02".
func (r DateRange) String() string { return r.From.String() + ".." + r.To.String() }
