package hours

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "2024-03-31", want: Date{2024, time.March, 31}},
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "2023-02-29", wantErr: true},
		{in: "2024-3-31", wantErr: true},
		{in: "31.03.2024", wantErr: true},
		{in: "", wantErr: true},
		{in: "2024-03-31T00:00:00Z", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseDate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := Date{2024, time.February, 28}
	tests := []struct {
		n    int
		want string
		wd   time.Weekday
	}{
		{0, "2024-02-28", time.Wednesday},
		{1, "2024-02-29", time.Thursday},
		{2, "2024-03-01", time.Friday},
		{-59, "2023-12-31", time.Sunday},
		{366, "2025-02-28", time.Friday},
	}
	for _, tt := range tests {
		got := d.AddDays(tt.n)
		if got.String() != tt.want || got.Weekday() != tt.wd {
			t.Errorf("AddDays(%d) = %s %s, want %s %s", tt.n, got, got.Weekday(), tt.want, tt.wd)
		}
		if back := got.AddDays(-tt.n); back != d {
			t.Errorf("AddDays(%d).AddDays(%d) = %s, want %s", tt.n, -tt.n, back, d)
		}
	}
	if !d.Before(d.AddDays(1)) || d.Before(d) || d.AddDays(1).Before(d) {
		t.Error("Before is not a strict order")
	}
	if !(Date{2023, time.December, 31}).Before(Date{2024, time.January, 1}) {
		t.Error("Before ignores the year")
	}
	if !(Date{}).IsZero() || d.IsZero() {
		t.Error("IsZero")
	}
}

func TestDateOfUsesLocation(t *testing.T) {
	instant := utc(t, "2024-06-03T20:30:00Z")
	if got := DateOf(instant); got.String() != "2024-06-03" {
		t.Errorf("DateOf in UTC = %s", got)
	}
	if got := DateOf(instant.In(mustLoc(t, "Asia/Almaty"))); got.String() != "2024-06-04" {
		t.Errorf("DateOf in Almaty = %s, want the next day", got)
	}
}

func TestDateStart(t *testing.T) {
	tests := []struct {
		zone, date string
		want       string // RFC 3339 instant
	}{
		{"Europe/Kyiv", "2024-03-31", "2024-03-31T00:00:00+02:00"},
		{"America/New_York", "2024-11-03", "2024-11-03T00:00:00-04:00"},
		{"Asia/Kolkata", "2024-06-03", "2024-06-03T00:00:00+05:30"},
		// Clocks went from 00:00 to 01:00: the day began at 01:00.
		{"America/Sao_Paulo", "2018-11-04", "2018-11-04T01:00:00-02:00"},
		{"Asia/Beirut", "2024-03-31", "2024-03-31T01:00:00+03:00"},
		{"America/Havana", "2024-03-10", "2024-03-10T01:00:00-04:00"},
		// Clocks went from 00:00 back to 23:00 the day before: midnight happened once.
		{"America/Sao_Paulo", "2019-02-17", "2019-02-17T00:00:00-03:00"},
	}
	for _, tt := range tests {
		loc := mustLoc(t, tt.zone)
		got := mustDate(t, tt.date).Start(loc)
		sameInstant(t, tt.zone+" "+tt.date+" Start", got, utc(t, tt.want), loc)
		if DateOf(got.In(loc)).String() != tt.date {
			t.Errorf("%s %s: start %s lies on another day", tt.zone, tt.date, got)
		}
		if prev := got.Add(-time.Second).In(loc); DateOf(prev).String() == tt.date {
			t.Errorf("%s %s: a second before the start (%s) is already the same day", tt.zone, tt.date, prev)
		}
	}
}

func TestDateAt(t *testing.T) {
	tests := []struct {
		name   string
		zone   string
		date   string
		minute int
		want   string
	}{
		{"plain", "Europe/Kyiv", "2024-06-03", 9 * 60, "2024-06-03T09:00:00+03:00"},
		{"next day", "Europe/Kyiv", "2024-06-03", 30 * 60, "2024-06-04T06:00:00+03:00"},
		{"previous day", "Europe/Kyiv", "2024-06-03", -60, "2024-06-02T23:00:00+03:00"},
		{"gap Kyiv", "Europe/Kyiv", "2024-03-31", 3*60 + 30, "2024-03-31T04:00:00+03:00"},
		{"gap end Kyiv", "Europe/Kyiv", "2024-03-31", 4 * 60, "2024-03-31T04:00:00+03:00"},
		{"before gap Kyiv", "Europe/Kyiv", "2024-03-31", 2*60 + 59, "2024-03-31T02:59:00+02:00"},
		{"repeat Kyiv first", "Europe/Kyiv", "2024-10-27", 3*60 + 30, "2024-10-27T03:30:00+03:00"},
		{"after repeat Kyiv", "Europe/Kyiv", "2024-10-27", 4 * 60, "2024-10-27T04:00:00+02:00"},
		{"gap New York", "America/New_York", "2024-03-10", 2*60 + 30, "2024-03-10T03:00:00-04:00"},
		{"repeat New York", "America/New_York", "2024-11-03", 60 + 30, "2024-11-03T01:30:00-04:00"},
		{"repeat Sao Paulo", "America/Sao_Paulo", "2019-02-16", 23*60 + 30, "2019-02-16T23:30:00-02:00"},
		{"Almaty 2024", "Asia/Almaty", "2024-06-03", 9 * 60, "2024-06-03T04:00:00Z"},
		{"Kolkata", "Asia/Kolkata", "2024-06-03", 9 * 60, "2024-06-03T03:30:00Z"},
		{"Auckland gap", "Pacific/Auckland", "2024-09-29", 2*60 + 30, "2024-09-29T03:00:00+13:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustLoc(t, tt.zone)
			got := mustDate(t, tt.date).At(tt.minute, loc)
			sameInstant(t, "At", got, utc(t, tt.want), loc)
			if got.Location() != loc {
				t.Errorf("At returned location %s, want %s", got.Location(), loc)
			}
		})
	}
}

// TestDateAtMonotonic checks that resolution never reorders wall times,
// the property the calendar relies on to keep ranges in order.
func TestDateAtMonotonic(t *testing.T) {
	for _, zone := range []string{"Europe/Kyiv", "America/New_York", "America/Sao_Paulo", "Asia/Beirut", "Australia/Lord_Howe"} {
		loc := mustLoc(t, zone)
		for _, day := range []string{"2018-11-04", "2019-02-16", "2024-03-10", "2024-03-31", "2024-04-07", "2024-10-06", "2024-10-27", "2024-11-03"} {
			d := mustDate(t, day)
			prev := d.At(-60, loc)
			for m := -59; m <= 25*60; m++ {
				cur := d.At(m, loc)
				if cur.Before(prev) {
					t.Fatalf("%s %s: At(%d) = %s before At(%d) = %s", zone, day, m, cur, m-1, prev)
				}
				prev = cur
			}
		}
	}
}

func TestDateRangeContains(t *testing.T) {
	r := DateRange{From: mustDate(t, "2024-07-29"), To: mustDate(t, "2024-08-02")}
	for day, want := range map[string]bool{
		"2024-07-28": false, "2024-07-29": true, "2024-07-31": true,
		"2024-08-02": true, "2024-08-03": false, "2023-07-30": false,
	} {
		if got := r.Contains(mustDate(t, day)); got != want {
			t.Errorf("%s.Contains(%s) = %v, want %v", r, day, got, want)
		}
	}
}

func TestDateText(t *testing.T) {
	var d Date
	if err := d.UnmarshalText([]byte("2024-12-25")); err != nil || d != (Date{2024, time.December, 25}) {
		t.Fatalf("UnmarshalText = %v, %v", d, err)
	}
	if b, _ := d.MarshalText(); string(b) != "2024-12-25" {
		t.Errorf("MarshalText = %s", b)
	}
	if err := d.UnmarshalText([]byte("christmas")); err == nil {
		t.Error("UnmarshalText accepted a bad date")
	}
}
