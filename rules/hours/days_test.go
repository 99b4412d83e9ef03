package hours

import "testing"

func TestAddWorkingDays(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	office := kyivOffice(t) // mon-fri 09:00-13:00,14:00-18:00, holiday Mon 2024-06-17
	shortFriday := &Calendar{Location: kyiv, Week: mustWeek(t, "mon-thu 09:00-18:00", "fri 09:00-13:00")}
	nights := &Calendar{Location: kyiv, Week: mustWeek(t, "sun-thu 22:00-06:00")}
	tests := []struct {
		name string
		cal  *Calendar
		from string
		n    int
		want string
	}{
		{"next day same time", office, "2024-06-10 15:00", 1, "2024-06-11 15:00"},
		{"friday to monday", office, "2024-06-07 15:00", 1, "2024-06-10 15:00"},
		{"holiday monday is skipped", office, "2024-06-14 15:00", 1, "2024-06-18 15:00"},
		{"three days across the weekend", office, "2024-06-06 10:00", 3, "2024-06-11 10:00"},
		{"saturday counts to monday start", office, "2024-06-08 12:00", 1, "2024-06-10 09:00"},
		{"before work keeps offset zero", office, "2024-06-10 08:00", 2, "2024-06-12 09:00"},
		{"after work keeps the full day", office, "2024-06-10 20:00", 1, "2024-06-11 18:00"},
		{"lunch maps to lunch start", office, "2024-06-10 13:30", 1, "2024-06-11 13:00"},
		{"vacation is skipped", office, "2024-07-26 11:00", 1, "2024-08-05 11:00"},
		{"backwards", office, "2024-06-11 10:00", -1, "2024-06-10 10:00"},
		{"backwards over weekend and holiday", office, "2024-06-18 10:00", -2, "2024-06-13 10:00"},
		{"zero is NextWorking", office, "2024-06-08 12:00", 0, "2024-06-10 09:00"},
		{"clamped to a shorter day", shortFriday, "2024-06-13 17:00", 1, "2024-06-14 13:00"},
		{"offset kept from a short day", shortFriday, "2024-06-14 12:00", 1, "2024-06-17 12:00"},
		{"overnight shift keeps its start day", nights, "2024-06-11 02:00", 1, "2024-06-12 02:00"},
		{"thursday night to sunday night", nights, "2024-06-13 23:00", 1, "2024-06-16 23:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.cal.AddWorkingDays(wall(t, kyiv, tt.from), tt.n)
			if !ok {
				t.Fatal("AddWorkingDays ok = false")
			}
			sameInstant(t, "AddWorkingDays", got, wall(t, kyiv, tt.want), kyiv)
		})
	}

	if _, ok := (&Calendar{Location: kyiv}).AddWorkingDays(wall(t, kyiv, "2024-06-10 10:00"), 1); ok {
		t.Error("AddWorkingDays found a day in an empty week")
	}
	stuck := &Calendar{
		Location:  kyiv,
		Week:      office.Week,
		Vacations: []DateRange{{From: mustDate(t, "2024-06-11"), To: mustDate(t, "2026-01-01")}},
	}
	if got, ok := stuck.AddWorkingDays(wall(t, kyiv, "2024-06-10 10:00"), 1); ok {
		t.Errorf("AddWorkingDays crossed a vacation longer than the horizon: %s", got)
	}
}

// TestAddWorkingDaysDST checks that the offset is working time, not clock
// time: an overnight shift shortened by the spring change still maps onto the
// same working offset the next night.
func TestAddWorkingDaysDST(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	c := &Calendar{Location: kyiv, Week: mustWeek(t, "sat-sun 22:00-06:00")}
	// Saturday 2024-03-30 22:00 +02:00; 5 h of work later is 04:00 +03:00.
	from := utc(t, "2024-03-31T04:00:00+03:00")
	got, ok := c.AddWorkingDays(from, 1)
	if !ok {
		t.Fatal("ok = false")
	}
	sameInstant(t, "AddWorkingDays", got, utc(t, "2024-04-01T03:00:00+03:00"), kyiv)
}
