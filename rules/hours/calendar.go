package hours

import (
	"iter"
	"time"
)

// HorizonDays bounds every search for working time: a calendar with no
// working time for this many consecutive days is treated as never working
// again, so lookups on an empty schedule or an endless vacation terminate.
const HorizonDays = 366

// Calendar is one person's working time.
type Calendar struct {
	// Location is the person's time zone; schedules, holidays and vacations are read in it.
	Location *time.Location
	// Week is the weekly schedule.
	Week Week
	// Holidays are whole days off (public holidays of the person's calendar).
	Holidays []Date
	// Vacations are inclusive ranges of days off.
	Vacations []DateRange
}

// Interval is a half-open span of working time [Start, End).
type Interval struct {
	Start, End time.Time
}

// Duration returns the length of i.
func (i Interval) Duration() time.Duration { return i.End.Sub(i.Start) }

// loc returns the calendar's zone; a nil Location means UTC, as in time.Time.
func (c *Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// dayOff reports whether d is a holiday or inside a vacation.
func (c *Calendar) dayOff(d Date) bool {
	for _, h := range c.Holidays {
		if h == d {
			return true
		}
	}
	for _, v := range c.Vacations {
		if v.Contains(d) {
			return true
		}
	}
	return false
}

// appendDay appends the working intervals of the ranges that start on d,
// resolved in the calendar's zone. Ranges swallowed by a DST gap are dropped.
func (c *Calendar) appendDay(buf []Interval, d Date) []Interval {
	rs := c.Week[d.Weekday()]
	if len(rs) == 0 || c.dayOff(d) {
		return buf
	}
	loc := c.loc()
	for _, r := range rs {
		s, e := d.At(r.Start, loc), d.At(r.End, loc)
		if s.Before(e) {
			buf = append(buf, Interval{Start: s, End: e})
		}
	}
	return buf
}

// dayWork is one day's intervals, tagged with the day they belong to.
type dayWork struct {
	day       Date
	intervals []Interval
}

// days yields each day from start on (or backwards when step is -1) with its
// working intervals, until HorizonDays consecutive days without work have
// passed. The intervals slice is reused between days.
func (c *Calendar) days(start Date, step int) iter.Seq[dayWork] {
	return func(yield func(dayWork) bool) {
		if c.Week.IsEmpty() {
			return
		}
		var buf []Interval
		idle := 0
		for d := start; idle < HorizonDays; d = d.AddDays(step) {
			buf = c.appendDay(buf[:0], d)
			if len(buf) == 0 {
				idle++
				continue
			}
			idle = 0
			if !yield(dayWork{day: d, intervals: buf}) {
				return
			}
		}
	}
}

// from yields, in order, the working intervals that end after t; the first
// may start before t. It stops after HorizonDays days without work.
func (c *Calendar) from(t time.Time) iter.Seq[Interval] {
	return func(yield func(Interval) bool) {
		// The previous day's overnight range may still be running at t.
		start := DateOf(t.In(c.loc())).AddDays(-1)
		var prevEnd time.Time
		for dw := range c.days(start, 1) {
			for _, iv := range dw.intervals {
				// Weeks built in code may break the no-overlap invariant;
				// clipping keeps working time from being counted twice.
				if iv.Start.Before(prevEnd) {
					iv.Start = prevEnd
				}
				if !iv.Start.Before(iv.End) || !iv.End.After(t) {
					continue
				}
				prevEnd = iv.End
				if !yield(iv) {
					return
				}
			}
		}
	}
}

// Working reports whether t falls in working time.
func (c *Calendar) Working(t time.Time) bool {
	for iv := range c.from(t) {
		return !iv.Start.After(t)
	}
	return false
}

// NextWorking returns the first working instant at or after t, in the
// calendar's zone. ok is false when there is none within a bounded horizon
// (e.g. an empty schedule).
//
// The horizon is HorizonDays days without any working time, so a calendar
// whose only work is beyond a longer vacation also reports ok=false.
func (c *Calendar) NextWorking(t time.Time) (next time.Time, ok bool) {
	for iv := range c.from(t) {
		if iv.Start.After(t) {
			return iv.Start.In(c.loc()), true
		}
		return t.In(c.loc()), true
	}
	return time.Time{}, false
}

// WorkingDuration returns how much working time lies in [from, to).
// Working time beyond a stretch of more than HorizonDays days off is not counted.
func (c *Calendar) WorkingDuration(from, to time.Time) time.Duration {
	var sum time.Duration
	for iv := range c.from(from) {
		if !iv.Start.Before(to) {
			break
		}
		sum += clip(iv, from, to).Duration()
	}
	return sum
}

// clip returns iv restricted to [from, to).
func clip(iv Interval, from, to time.Time) Interval {
	if iv.Start.Before(from) {
		iv.Start = from
	}
	if iv.End.After(to) {
		iv.End = to
	}
	return iv
}

// AddWorking returns the instant at which d of working time has elapsed since t.
//
// The result is in the calendar's zone. It is the earliest such instant, so WorkingDuration(t, result) == d: work
// that ends exactly at the end of a range returns that end, not the start of
// the next range. d == 0 returns t unchanged (use NextWorking to move into
// working time). ok is false for a negative d, or when the working time runs
// out within the horizon (see HorizonDays).
func (c *Calendar) AddWorking(t time.Time, d time.Duration) (time.Time, bool) {
	switch {
	case d < 0:
		return time.Time{}, false
	case d == 0:
		return t.In(c.loc()), true
	}
	left := d
	for iv := range c.from(t) {
		if iv.Start.Before(t) {
			iv.Start = t
		}
		if n := iv.Duration(); left > n {
			left -= n
			continue
		}
		return iv.Start.Add(left).In(c.loc()), true
	}
	return time.Time{}, false
}

// IsWorkingDay reports whether d has any working time for this calendar:
// a scheduled weekday that is neither a holiday nor in a vacation, and whose
// ranges are not wholly swallowed by a DST gap.
func (c *Calendar) IsWorkingDay(d Date) bool {
	var buf [4]Interval
	return len(c.appendDay(buf[:0], d)) > 0
}

// WorkingDaysBetween counts working days in the half-open date range [from, to).
// It returns 0 when to is not after from.
func (c *Calendar) WorkingDaysBetween(from, to Date) int {
	if c.Week.IsEmpty() {
		return 0
	}
	var buf [4]Interval
	n := 0
	for d := from; d.Before(to); d = d.AddDays(1) {
		if len(c.appendDay(buf[:0], d)) > 0 {
			n++
		}
	}
	return n
}

// Intervals returns the working intervals that overlap [from, to), clipped to
// it, in order. Intervals that touch (a range ending at 24:00 followed by one
// starting at 00:00) are merged into one.
func (c *Calendar) Intervals(from, to time.Time) []Interval {
	var out []Interval
	if !from.Before(to) {
		return nil
	}
	loc := c.loc()
	for iv := range c.from(from) {
		if !iv.Start.Before(to) {
			break
		}
		iv = clip(iv, from, to)
		iv.Start, iv.End = iv.Start.In(loc), iv.End.In(loc)
		if n := len(out); n > 0 && out[n-1].End.Equal(iv.Start) {
			out[n-1].End = iv.End
			continue
		}
		out = append(out, iv)
	}
	return out
}
