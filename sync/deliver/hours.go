package deliver

import (
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules/hours"
)

// calendarOf returns a person recipient's calendar; channels have none,
// and so do people the configuration no longer knows.
func calendarOf(dir Directory, recipient string) *hours.Calendar {
	if isChannel(recipient) {
		return nil
	}
	return dir.Calendar(recipient)
}

// nextWorking moves t into the calendar's working time. Without a calendar,
// or one with no working time ahead, t stands: a message that is late is
// better than one never sent.
func nextWorking(cal *hours.Calendar, t time.Time) time.Time {
	if cal == nil {
		return t
	}
	if n, ok := cal.NextWorking(t); ok {
		return n.UTC()
	}
	return t
}

// addWorking returns the instant d of the calendar's working time after t,
// or d of wall time without a calendar.
func addWorking(cal *hours.Calendar, t time.Time, d time.Duration) time.Time {
	if cal == nil {
		return t.Add(d)
	}
	if n, ok := cal.AddWorking(t, d); ok {
		return n.UTC()
	}
	return t.Add(d)
}

// digestAt returns when the next daily digest at or after now goes out:
// at digestTime ("HH:MM" in the recipient's zone) on the recipient's next
// working day, or, without digestTime, at the start of their next working
// day. Channels (cal == nil) get theirs every day in loc, at digestTime or
// 09:00.
func digestAt(cal *hours.Calendar, loc *time.Location, digestTime string, now time.Time) time.Time {
	minute, hasTime := parseClock(digestTime)
	if cal != nil && cal.Location != nil {
		loc = cal.Location
	}
	if loc == nil {
		loc = time.UTC
	}
	if cal == nil && !hasTime {
		minute, hasTime = 9*60, true
	}
	day := hours.DateOf(now.In(loc))
	for i := 0; i <= hours.HorizonDays; i++ {
		d := day.AddDays(i)
		if cal != nil && !cal.IsWorkingDay(d) {
			continue
		}
		var at time.Time
		if hasTime {
			at = d.At(minute, loc)
		} else {
			n, ok := cal.NextWorking(d.Start(loc))
			if !ok {
				break
			}
			if hours.DateOf(n.In(loc)) != d {
				continue
			}
			at = n
		}
		if !at.Before(now) {
			return at.UTC()
		}
	}
	return now
}

// parseClock parses "HH:MM" into minutes after midnight.
func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}
