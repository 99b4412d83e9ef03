package deliver

import (
	"testing"
	"time"
)

func TestDigestAt(t *testing.T) {
	loc := Kyiv(t)
	cal := WorkCalendar(t, loc, "2026-10-12")
	at := func(d, h, m int) time.Time { return time.Date(2026, 10, d, h, m, 0, 0, loc) }
	for _, tc := range []struct {
		name       string
		cal        bool
		digestTime string
		now, want  time.Time
	}{
		{"before the working day: today's start", true, "", at(6, 7, 0), at(6, 9, 0)},
		{"during the day: tomorrow's start", true, "", at(6, 11, 0), at(7, 9, 0)},
		{"friday evening, monday holiday: tuesday", true, "", at(9, 19, 0), at(13, 9, 0)},
		{"digest_time later today", true, "09:30", at(6, 9, 10), at(6, 9, 30)},
		{"digest_time passed: next working day", true, "09:30", at(9, 10, 0), at(13, 9, 30)},
		{"channel: 09:00 every day", false, "", at(10, 10, 0), at(11, 9, 0)},
		{"channel with digest_time", false, "17:45", at(10, 10, 0), at(10, 17, 45)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cal
			if !tc.cal {
				c = nil
			}
			if got := digestAt(c, loc, tc.digestTime, tc.now); !got.Equal(tc.want) {
				t.Errorf("digestAt(%s) = %s, want %s", tc.now, got.In(loc), tc.want)
			}
		})
	}
}

func TestWorkingArithmetic(t *testing.T) {
	loc := Kyiv(t)
	cal := WorkCalendar(t, loc)
	fri := time.Date(2026, 10, 9, 17, 0, 0, 0, loc)
	if got, want := addWorking(cal, fri, 2*time.Hour), time.Date(2026, 10, 12, 10, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("addWorking = %s, want %s", got.In(loc), want)
	}
	if got := addWorking(nil, fri, 2*time.Hour); !got.Equal(fri.Add(2 * time.Hour)) {
		t.Errorf("channel addWorking = %s, want wall time", got)
	}
	if got, want := nextWorking(cal, fri.Add(3*time.Hour)), time.Date(2026, 10, 12, 9, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("nextWorking = %s, want %s", got.In(loc), want)
	}
}
