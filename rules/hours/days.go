package hours

import "time"

// AddWorkingDays returns the instant n working days after t: the same offset
// into the n-th following working day, clamped to that day's working time.
//
// Precisely: t belongs to the day D whose range it falls in (an overnight
// range keeps t on the day it started), or else to its local date. The offset
// is the working time of D done before t, 0 when D is not a working day. The
// target day W is the n-th working day after D (before D for negative n), and
// the result is the earliest instant at which that much of W's working time
// has elapsed, or the end of W's last range when W has less work than the
// offset. So for a 09:00-18:00 week, Mon 15:00 + 1 is Tue 15:00, Fri 15:00 + 1
// is Mon 15:00, Sat 12:00 + 1 is Mon 09:00 (Monday is the first working day
// after Saturday), and Mon 20:00 + 1 is Tue 18:00.
//
// n == 0 returns NextWorking(t). ok is false when fewer than |n| working days
// lie within the horizon (see HorizonDays).
func (c *Calendar) AddWorkingDays(t time.Time, n int) (time.Time, bool) {
	if n == 0 {
		return c.NextWorking(t)
	}
	if c.Week.IsEmpty() {
		return time.Time{}, false
	}
	day, offset := c.dayOffset(t)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for dw := range c.days(day.AddDays(step), step) {
		if n--; n > 0 {
			continue
		}
		ivs := dw.intervals
		for _, iv := range ivs {
			if d := iv.Duration(); offset > d {
				offset -= d
				continue
			}
			return iv.Start.Add(offset).In(c.loc()), true
		}
		return ivs[len(ivs)-1].End.In(c.loc()), true
	}
	return time.Time{}, false
}

// dayOffset returns the day t's work belongs to and how much of that day's
// working time lies before t.
func (c *Calendar) dayOffset(t time.Time) (Date, time.Duration) {
	loc := c.loc()
	today := DateOf(t.In(loc))
	var buf []Interval
	// An overnight range from yesterday that is still running claims t.
	yesterday := today.AddDays(-1)
	buf = c.appendDay(buf, yesterday)
	for _, iv := range buf {
		if !t.Before(iv.Start) && t.Before(iv.End) {
			return yesterday, workBefore(buf, t)
		}
	}
	buf = c.appendDay(buf[:0], today)
	return today, workBefore(buf, t)
}

// workBefore sums the parts of ivs before t.
func workBefore(ivs []Interval, t time.Time) time.Duration {
	var sum time.Duration
	for _, iv := range ivs {
		if iv.End.After(t) {
			iv.End = t
		}
		if iv.End.After(iv.Start) {
			sum += iv.Duration()
		}
	}
	return sum
}
