package hours

import (
	"strings"
	"testing"
	"time"
)

// kyivOffice is a Kyiv account manager: weekdays with a lunch break, a Monday
// public holiday and a week of vacation.
func kyivOffice(t testing.TB) *Calendar {
	return &Calendar{
		Location:  mustLoc(t, "Europe/Kyiv"),
		Week:      mustWeek(t, "mon-fri 09:00-13:00,14:00-18:00"),
		Holidays:  []Date{mustDate(t, "2024-06-17")},
		Vacations: []DateRange{{From: mustDate(t, "2024-07-29"), To: mustDate(t, "2024-08-02")}},
	}
}

func TestWorking(t *testing.T) {
	c := kyivOffice(t)
	night := &Calendar{
		Location: c.Location,
		Week:     mustWeek(t, "sun-thu 22:00-06:00"),
		Holidays: []Date{mustDate(t, "2024-06-17")}, // a Monday
	}
	tests := []struct {
		name string
		cal  *Calendar
		at   string
		want bool
	}{
		{"morning", c, "2024-06-10 10:00", true},
		{"first minute", c, "2024-06-10 09:00", true},
		{"before work", c, "2024-06-10 08:59", false},
		{"last minute before lunch", c, "2024-06-10 12:59", true},
		{"lunch starts", c, "2024-06-10 13:00", false},
		{"lunch", c, "2024-06-10 13:30", false},
		{"after lunch", c, "2024-06-10 14:00", true},
		{"end of day is not working", c, "2024-06-10 18:00", false},
		{"saturday", c, "2024-06-15 10:00", false},
		{"holiday", c, "2024-06-17 10:00", false},
		{"vacation first day", c, "2024-07-29 10:00", false},
		{"vacation last day", c, "2024-08-02 10:00", false},
		{"after vacation", c, "2024-08-05 10:00", true},
		{"overnight before midnight", night, "2024-06-09 23:00", true},
		{"overnight after midnight", night, "2024-06-10 02:00", true},
		{"overnight end", night, "2024-06-10 06:00", false},
		{"thursday shift runs into friday", night, "2024-06-14 05:59", true},
		{"no friday shift", night, "2024-06-14 23:00", false},
		{"no friday shift on saturday", night, "2024-06-15 02:00", false},
		{"sunday shift runs into the holiday", night, "2024-06-17 03:00", true},
		{"holiday shift is skipped", night, "2024-06-17 23:00", false},
		{"holiday shift is skipped past midnight", night, "2024-06-18 03:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.Working(wall(t, tt.cal.Location, tt.at)); got != tt.want {
				t.Errorf("Working(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestNextWorking(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	office := kyivOffice(t)
	weekend := &Calendar{Location: kyiv, Week: mustWeek(t, "sat-sun 10:00-16:00")}
	almaty := &Calendar{Location: mustLoc(t, "Asia/Almaty"), Week: mustWeek(t, "mon-fri 09:00-18:00")}
	kolkata := &Calendar{Location: mustLoc(t, "Asia/Kolkata"), Week: mustWeek(t, "mon-fri 09:30-18:30")}
	tests := []struct {
		name     string
		cal      *Calendar
		from     time.Time
		want     time.Time
		wantNone bool
	}{
		{"already working", office, wall(t, kyiv, "2024-06-10 10:00"), wall(t, kyiv, "2024-06-10 10:00"), false},
		{"lunch", office, wall(t, kyiv, "2024-06-10 13:30"), wall(t, kyiv, "2024-06-10 14:00"), false},
		{"friday evening to monday", office, wall(t, kyiv, "2024-06-07 18:30"), wall(t, kyiv, "2024-06-10 09:00"), false},
		{"monday holiday pushes to tuesday", office, wall(t, kyiv, "2024-06-14 18:30"), wall(t, kyiv, "2024-06-18 09:00"), false},
		{"vacation", office, wall(t, kyiv, "2024-07-26 19:00"), wall(t, kyiv, "2024-08-05 09:00"), false},
		{"weekend-only week from wednesday", weekend, wall(t, kyiv, "2024-06-12 12:00"), wall(t, kyiv, "2024-06-15 10:00"), false},
		{"weekend-only week saturday evening", weekend, wall(t, kyiv, "2024-06-15 16:00"), wall(t, kyiv, "2024-06-16 10:00"), false},
		{"almaty is utc+5 in 2024", almaty, utc(t, "2024-06-03T03:30:00Z"), utc(t, "2024-06-03T04:00:00Z"), false},
		{"almaty friday after work", almaty, utc(t, "2024-06-07T13:00:00Z"), utc(t, "2024-06-10T04:00:00Z"), false},
		{"kolkata half-hour offset", kolkata, utc(t, "2024-06-03T00:00:00Z"), utc(t, "2024-06-03T04:00:00Z"), false},
		{"empty week", &Calendar{Location: kyiv}, wall(t, kyiv, "2024-06-10 10:00"), time.Time{}, true},
		{"vacation beyond the horizon", &Calendar{
			Location:  kyiv,
			Week:      office.Week,
			Vacations: []DateRange{{From: mustDate(t, "2024-01-01"), To: mustDate(t, "2025-12-31")}},
		}, wall(t, kyiv, "2024-06-10 10:00"), time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.cal.NextWorking(tt.from)
			if ok == tt.wantNone {
				t.Fatalf("NextWorking ok = %v, want %v (got %s)", ok, !tt.wantNone, got)
			}
			if !ok {
				return
			}
			sameInstant(t, "NextWorking", got, tt.want, tt.cal.loc())
			if got.Location() != tt.cal.loc() {
				t.Errorf("NextWorking returned location %s, want %s", got.Location(), tt.cal.loc())
			}
			if !tt.cal.Working(got) {
				t.Errorf("NextWorking returned %s, which is not working", got)
			}
		})
	}
}

func TestNilLocationIsUTC(t *testing.T) {
	c := &Calendar{Week: mustWeek(t, "mon-fri 09:00-18:00")}
	got, ok := c.NextWorking(utc(t, "2024-06-08T12:00:00+03:00"))
	if !ok || !got.Equal(utc(t, "2024-06-10T09:00:00Z")) {
		t.Errorf("NextWorking = %s, %v; want monday 09:00 UTC", got, ok)
	}
}

func TestAddWorking(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	kyiv := mustLoc(t, "Europe/Kyiv")
	nyOffice := &Calendar{
		Location: ny,
		Week:     mustWeek(t, "mon-fri 09:00-18:00"),
		Holidays: []Date{mustDate(t, "2024-05-27")}, // Memorial Day, a Monday
	}
	office := kyivOffice(t)
	nights := &Calendar{Location: kyiv, Week: mustWeek(t, "sat 22:00-06:00")}
	tests := []struct {
		name string
		cal  *Calendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"across the weekend", nyOffice, wall(t, ny, "2024-06-07 17:30"), 2 * time.Hour, wall(t, ny, "2024-06-10 10:30")},
		{"across weekend and holiday", nyOffice, wall(t, ny, "2024-05-24 17:30"), 2 * time.Hour, wall(t, ny, "2024-05-28 10:30")},
		{"ends exactly at the end of the day", nyOffice, wall(t, ny, "2024-06-07 17:00"), time.Hour, wall(t, ny, "2024-06-07 18:00")},
		{"from outside working time", nyOffice, wall(t, ny, "2024-06-08 12:00"), 30 * time.Minute, wall(t, ny, "2024-06-10 09:30")},
		{"a working week", nyOffice, wall(t, ny, "2024-06-10 09:00"), 45 * time.Hour, wall(t, ny, "2024-06-14 18:00")},
		{"over the lunch break", office, wall(t, kyiv, "2024-06-10 12:00"), 2 * time.Hour, wall(t, kyiv, "2024-06-10 15:00")},
		{"into lunch stops at its start", office, wall(t, kyiv, "2024-06-10 12:00"), time.Hour, wall(t, kyiv, "2024-06-10 13:00")},
		{"seconds count", office, wall(t, kyiv, "2024-06-10 12:59").Add(30 * time.Second), 45 * time.Second, wall(t, kyiv, "2024-06-10 14:00").Add(15 * time.Second)},
		{"zero is t", office, wall(t, kyiv, "2024-06-08 12:00"), 0, wall(t, kyiv, "2024-06-08 12:00")},
		// Clocks go forward at 03:00 on 2024-03-31: the night has 7 real hours.
		{"short night", nights, wall(t, kyiv, "2024-03-30 22:00"), 7 * time.Hour, wall(t, kyiv, "2024-03-31 06:00")},
		{"short night overflow", nights, wall(t, kyiv, "2024-03-30 22:00"), 8 * time.Hour, wall(t, kyiv, "2024-04-06 23:00")},
		// Clocks go back at 04:00 on 2024-10-27: the night has 9 real hours.
		{"long night", nights, wall(t, kyiv, "2024-10-26 22:00"), 9 * time.Hour, wall(t, kyiv, "2024-10-27 06:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.cal.AddWorking(tt.from, tt.d)
			if !ok {
				t.Fatal("AddWorking ok = false")
			}
			sameInstant(t, "AddWorking", got, tt.want, tt.cal.loc())
			if wd := tt.cal.WorkingDuration(tt.from, got); wd != tt.d {
				t.Errorf("WorkingDuration(from, AddWorking) = %s, want %s", wd, tt.d)
			}
		})
	}

	if _, ok := nyOffice.AddWorking(wall(t, ny, "2024-06-07 17:30"), -time.Hour); ok {
		t.Error("AddWorking accepted a negative duration")
	}
	if _, ok := (&Calendar{Location: ny}).AddWorking(wall(t, ny, "2024-06-07 17:30"), time.Hour); ok {
		t.Error("AddWorking found time in an empty week")
	}
}

func TestDST(t *testing.T) {
	tests := []struct {
		name     string
		zone     string
		week     string
		from, to string // RFC 3339 bounds of the window examined
		want     []string
	}{
		{
			name: "kyiv spring forward inside an overnight range",
			zone: "Europe/Kyiv", week: "sat 22:00-06:00",
			from: "2024-03-30T00:00:00Z", to: "2024-04-01T00:00:00Z",
			want: []string{"2024-03-30T22:00:00+02:00", "2024-03-31T06:00:00+03:00"},
		},
		{
			name: "kyiv fall back inside an overnight range",
			zone: "Europe/Kyiv", week: "sat 22:00-06:00",
			from: "2024-10-26T00:00:00Z", to: "2024-10-28T00:00:00Z",
			want: []string{"2024-10-26T22:00:00+03:00", "2024-10-27T06:00:00+02:00"},
		},
		{
			name: "new york spring forward inside an overnight range",
			zone: "America/New_York", week: "sat 22:00-06:00",
			from: "2024-03-09T00:00:00Z", to: "2024-03-11T00:00:00Z",
			want: []string{"2024-03-09T22:00:00-05:00", "2024-03-10T06:00:00-04:00"},
		},
		{
			name: "new york fall back inside an overnight range",
			zone: "America/New_York", week: "sat 22:00-06:00",
			from: "2024-11-02T00:00:00Z", to: "2024-11-04T00:00:00Z",
			want: []string{"2024-11-02T22:00:00-04:00", "2024-11-03T06:00:00-05:00"},
		},
		{
			name: "a day range keeps its wall-clock length across the change",
			zone: "Europe/Kyiv", week: "sat-mon 09:00-18:00",
			from: "2024-03-30T12:00:00+02:00", to: "2024-03-31T23:00:00+03:00",
			want: []string{"2024-03-30T12:00:00+02:00", "2024-03-30T18:00:00+02:00", "2024-03-31T09:00:00+03:00", "2024-03-31T18:00:00+03:00"},
		},
		{
			name: "start in the gap starts after it",
			zone: "America/New_York", week: "sun 02:30-04:00",
			from: "2024-03-10T00:00:00-05:00", to: "2024-03-11T00:00:00-04:00",
			want: []string{"2024-03-10T03:00:00-04:00", "2024-03-10T04:00:00-04:00"},
		},
		{
			name: "range inside the gap vanishes",
			zone: "Europe/Kyiv", week: "sun 03:10-03:50",
			from: "2024-03-31T00:00:00+02:00", to: "2024-04-01T00:00:00+03:00",
			want: nil,
		},
		{
			name: "repeated hour: start at the first occurrence, end after the second",
			zone: "America/New_York", week: "sun 01:30-02:30",
			from: "2024-11-03T00:00:00-04:00", to: "2024-11-04T00:00:00-05:00",
			want: []string{"2024-11-03T01:30:00-04:00", "2024-11-03T02:30:00-05:00"},
		},
		{
			name: "midnight swallowed by the gap",
			zone: "Asia/Beirut", week: "sat-sun 00:00-02:00",
			from: "2024-03-30T00:00:00+02:00", to: "2024-04-01T00:00:00+03:00",
			want: []string{"2024-03-30T00:00:00+02:00", "2024-03-30T02:00:00+02:00", "2024-03-31T01:00:00+03:00", "2024-03-31T02:00:00+03:00"},
		},
		{
			name: "touching ranges across midnight merge",
			zone: "Asia/Kolkata", week: "mon 20:00-24:00\ntue 00:00-02:00,09:00-10:00",
			from: "2024-06-10T00:00:00+05:30", to: "2024-06-12T00:00:00+05:30",
			want: []string{"2024-06-10T20:00:00+05:30", "2024-06-11T02:00:00+05:30", "2024-06-11T09:00:00+05:30", "2024-06-11T10:00:00+05:30"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustLoc(t, tt.zone)
			c := &Calendar{Location: loc, Week: mustWeek(t, strings.Split(tt.week, "\n")...)}
			from, to := utc(t, tt.from), utc(t, tt.to)
			got := c.Intervals(from, to)
			if len(got)*2 != len(tt.want) {
				t.Fatalf("Intervals = %v, want %v", got, tt.want)
			}
			var total time.Duration
			for i, iv := range got {
				sameInstant(t, "start", iv.Start, utc(t, tt.want[2*i]), loc)
				sameInstant(t, "end", iv.End, utc(t, tt.want[2*i+1]), loc)
				total += iv.Duration()
			}
			if wd := c.WorkingDuration(from, to); wd != total {
				t.Errorf("WorkingDuration = %s, intervals sum to %s", wd, total)
			}
		})
	}
}

func TestWorkingDuration(t *testing.T) {
	c := kyivOffice(t)
	kyiv := c.Location
	tests := []struct {
		name     string
		from, to string
		want     time.Duration
	}{
		{"one day", "2024-06-10 00:00", "2024-06-11 00:00", 8 * time.Hour},
		{"part of the morning", "2024-06-10 10:15", "2024-06-10 12:00", 105 * time.Minute},
		{"over lunch", "2024-06-10 12:00", "2024-06-10 15:00", 2 * time.Hour},
		{"a week", "2024-06-10 00:00", "2024-06-17 00:00", 40 * time.Hour},
		{"a week with a holiday", "2024-06-17 00:00", "2024-06-24 00:00", 32 * time.Hour},
		{"weekend", "2024-06-08 00:00", "2024-06-10 00:00", 0},
		{"reversed", "2024-06-11 00:00", "2024-06-10 00:00", 0},
		{"empty", "2024-06-10 10:00", "2024-06-10 10:00", 0},
		{"vacation week", "2024-07-29 00:00", "2024-08-05 00:00", 0},
	}
	for _, tt := range tests {
		if got := c.WorkingDuration(wall(t, kyiv, tt.from), wall(t, kyiv, tt.to)); got != tt.want {
			t.Errorf("%s: WorkingDuration = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestWorkingDays(t *testing.T) {
	c := kyivOffice(t)
	ny := mustLoc(t, "America/New_York")
	gap := &Calendar{Location: ny, Week: mustWeek(t, "sun 02:00-03:00")}
	tests := []struct {
		name string
		cal  *Calendar
		day  string
		want bool
	}{
		{"monday", c, "2024-06-10", true},
		{"saturday", c, "2024-06-15", false},
		{"holiday", c, "2024-06-17", false},
		{"vacation", c, "2024-07-31", false},
		{"sunday range inside the gap", gap, "2024-03-10", false},
		{"ordinary sunday", gap, "2024-03-17", true},
	}
	for _, tt := range tests {
		if got := tt.cal.IsWorkingDay(mustDate(t, tt.day)); got != tt.want {
			t.Errorf("%s: IsWorkingDay(%s) = %v, want %v", tt.name, tt.day, got, tt.want)
		}
	}

	between := []struct {
		from, to string
		want     int
	}{
		{"2024-06-10", "2024-06-17", 5},
		{"2024-06-10", "2024-06-24", 9}, // the 17th is a holiday
		{"2024-06-10", "2024-06-10", 0},
		{"2024-06-17", "2024-06-10", 0},
		{"2024-06-08", "2024-06-10", 0},
		{"2024-07-22", "2024-08-12", 10}, // a week of vacation
	}
	for _, tt := range between {
		if got := c.WorkingDaysBetween(mustDate(t, tt.from), mustDate(t, tt.to)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestIntervalsClipAndMergeNothingElse(t *testing.T) {
	c := kyivOffice(t)
	kyiv := c.Location
	got := c.Intervals(wall(t, kyiv, "2024-06-10 10:00"), wall(t, kyiv, "2024-06-11 10:00"))
	want := []string{"2024-06-10 10:00", "2024-06-10 13:00", "2024-06-10 14:00", "2024-06-10 18:00", "2024-06-11 09:00", "2024-06-11 10:00"}
	if len(got)*2 != len(want) {
		t.Fatalf("Intervals = %v", got)
	}
	for i, iv := range got {
		sameInstant(t, "start", iv.Start, wall(t, kyiv, want[2*i]), kyiv)
		sameInstant(t, "end", iv.End, wall(t, kyiv, want[2*i+1]), kyiv)
	}
	if got := c.Intervals(wall(t, kyiv, "2024-06-11 10:00"), wall(t, kyiv, "2024-06-10 10:00")); got != nil {
		t.Errorf("reversed Intervals = %v, want nil", got)
	}
}

// TestHandBuiltOverlapCountsOnce checks that a week built in code that breaks
// the no-overlap invariant does not count the same time twice.
func TestHandBuiltOverlapCountsOnce(t *testing.T) {
	c := &Calendar{Week: Week{time.Monday: {{540, 780}, {720, 900}}}}
	from, to := utc(t, "2024-06-10T00:00:00Z"), utc(t, "2024-06-11T00:00:00Z")
	if got := c.WorkingDuration(from, to); got != 6*time.Hour {
		t.Errorf("WorkingDuration = %s, want 6h", got)
	}
}
