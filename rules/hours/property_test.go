package hours

import (
	"math/rand/v2"
	"testing"
	"time"
)

// propertyCalendars covers split days, overnight shifts over DST changes,
// midnight swallowed by a gap, and a weekend-only week.
func propertyCalendars(t *testing.T) map[string]*Calendar {
	return map[string]*Calendar{
		"kyiv office": kyivOffice(t),
		"new york nights": {
			Location: mustLoc(t, "America/New_York"),
			Week:     mustWeek(t, "sun-thu 22:00-06:00", "sat 10:00-14:00"),
			Holidays: []Date{mustDate(t, "2024-03-10"), mustDate(t, "2024-07-04"), mustDate(t, "2024-11-03")},
		},
		"beirut around midnight": {
			Location: mustLoc(t, "Asia/Beirut"),
			Week:     mustWeek(t, "mon-sun 00:00-03:00,20:00-24:00"),
		},
		"almaty weekends": {
			Location: mustLoc(t, "Asia/Almaty"),
			Week:     mustWeek(t, "sat-sun 10:00-16:00"),
		},
	}
}

// TestAddWorkingMatchesWorkingDuration checks, over many random instants,
// that AddWorking and WorkingDuration are inverse and AddWorking picks the
// earliest instant, and that Intervals, NextWorking and Working agree.
func TestAddWorkingMatchesWorkingDuration(t *testing.T) {
	base := utc(t, "2024-01-01T00:00:00Z")
	const year = 366 * 24 * 3600
	for name, c := range propertyCalendars(t) {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range 1500 {
				from := base.Add(time.Duration(rng.Int64N(year)) * time.Second)
				d := time.Duration(1+rng.Int64N(60*3600)) * time.Second
				to, ok := c.AddWorking(from, d)
				if !ok {
					t.Fatalf("#%d AddWorking(%s, %s) ok = false", i, from, d)
				}
				if got := c.WorkingDuration(from, to); got != d {
					t.Fatalf("#%d WorkingDuration(%s, AddWorking = %s) = %s, want %s", i, from, to, got, d)
				}
				if got := c.WorkingDuration(from, to.Add(-time.Nanosecond)); got >= d {
					t.Fatalf("#%d AddWorking(%s, %s) = %s is not the earliest", i, from, d, to)
				}
				if !c.Working(to.Add(-time.Nanosecond)) {
					t.Fatalf("#%d the instant before AddWorking's result %s is not working", i, to)
				}
				mid := from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)) + 1)))
				if a, b := c.WorkingDuration(from, mid), c.WorkingDuration(mid, to); a+b != d {
					t.Fatalf("#%d split at %s: %s + %s != %s", i, mid, a, b, d)
				}
				var sum time.Duration
				for _, iv := range c.Intervals(from, to) {
					if !c.Working(iv.Start) || !c.Working(iv.End.Add(-time.Nanosecond)) {
						t.Fatalf("#%d interval %v has non-working ends", i, iv)
					}
					sum += iv.Duration()
				}
				if sum != d {
					t.Fatalf("#%d Intervals(%s, %s) sum to %s, want %s", i, from, to, sum, d)
				}
				next, ok := c.NextWorking(from)
				if !ok || !c.Working(next) || c.WorkingDuration(from, next) != 0 {
					t.Fatalf("#%d NextWorking(%s) = %s, %v", i, from, next, ok)
				}
				if next.After(from) && c.Working(next.Add(-time.Nanosecond)) {
					t.Fatalf("#%d NextWorking(%s) = %s is not the first working instant", i, from, next)
				}
			}
		})
	}
}

// TestWorkingMatchesWallClockOracle compares Working with a direct reading of
// the wall clock, which is exact in zones without DST.
func TestWorkingMatchesWallClockOracle(t *testing.T) {
	for _, zone := range []string{"Asia/Kolkata", "Asia/Almaty", "UTC"} {
		loc := mustLoc(t, zone)
		c := &Calendar{
			Location:  loc,
			Week:      mustWeek(t, "mon-thu 09:00-13:00,14:00-18:30", "fri 09:00-13:00,21:00-03:00", "sun 23:00-01:00"),
			Holidays:  []Date{mustDate(t, "2024-06-14"), mustDate(t, "2024-06-17")},
			Vacations: []DateRange{{From: mustDate(t, "2024-06-23"), To: mustDate(t, "2024-06-26")}},
		}
		oracle := func(x time.Time) bool {
			l := x.In(loc)
			m := l.Hour()*60 + l.Minute()
			today := DateOf(l)
			for back, d := range []Date{today, today.AddDays(-1)} {
				if c.dayOff(d) {
					continue
				}
				for _, r := range c.Week[d.Weekday()] {
					if mm := m + back*minutesPerDay; r.Start <= mm && mm < r.End {
						return true
					}
				}
			}
			return false
		}
		rng := rand.New(rand.NewPCG(3, 4))
		base := utc(t, "2024-06-01T00:00:00Z")
		for range 20000 {
			x := base.Add(time.Duration(rng.Int64N(35*24*60)) * time.Minute)
			if got, want := c.Working(x), oracle(x); got != want {
				t.Fatalf("%s: Working(%s) = %v, oracle says %v", zone, x.In(loc), got, want)
			}
		}
	}
}
