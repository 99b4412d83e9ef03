package hours

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseWeek(t *testing.T) {
	r := func(s, e int) Range { return Range{Start: s, End: e} }
	h := func(hh, mm int) int { return hh*60 + mm }
	tests := []struct {
		name  string
		lines []string
		want  Week
	}{
		{
			name:  "weekdays with a break",
			lines: []string{"mon-fri 09:00-13:00,14:00-18:00"},
			want: Week{
				time.Monday:    {r(h(9, 0), h(13, 0)), r(h(14, 0), h(18, 0))},
				time.Tuesday:   {r(h(9, 0), h(13, 0)), r(h(14, 0), h(18, 0))},
				time.Wednesday: {r(h(9, 0), h(13, 0)), r(h(14, 0), h(18, 0))},
				time.Thursday:  {r(h(9, 0), h(13, 0)), r(h(14, 0), h(18, 0))},
				time.Friday:    {r(h(9, 0), h(13, 0)), r(h(14, 0), h(18, 0))},
			},
		},
		{
			name:  "list, mixed case, spaces after commas, one-digit hour",
			lines: []string{"MON,Wed,fri 8:00-12:00, 13:00-15:30"},
			want: Week{
				time.Monday:    {r(h(8, 0), h(12, 0)), r(h(13, 0), h(15, 30))},
				time.Wednesday: {r(h(8, 0), h(12, 0)), r(h(13, 0), h(15, 30))},
				time.Friday:    {r(h(8, 0), h(12, 0)), r(h(13, 0), h(15, 30))},
			},
		},
		{
			name:  "wrapping day range",
			lines: []string{"fri-mon 10:00-12:00"},
			want: Week{
				time.Friday: {r(h(10, 0), h(12, 0))}, time.Saturday: {r(h(10, 0), h(12, 0))},
				time.Sunday: {r(h(10, 0), h(12, 0))}, time.Monday: {r(h(10, 0), h(12, 0))},
			},
		},
		{
			name:  "overnight",
			lines: []string{"sun-thu 22:00-06:00"},
			want: Week{
				time.Sunday: {r(h(22, 0), h(30, 0))}, time.Monday: {r(h(22, 0), h(30, 0))},
				time.Tuesday: {r(h(22, 0), h(30, 0))}, time.Wednesday: {r(h(22, 0), h(30, 0))},
				time.Thursday: {r(h(22, 0), h(30, 0))},
			},
		},
		{
			name:  "24:00 end and a next-day range touching an overnight one",
			lines: []string{"sat 10:00-24:00", "sun 00:00-02:00", "mon 22:00-00:00", "tue 00:00-01:00"},
			want: Week{
				time.Saturday: {r(h(10, 0), h(24, 0))}, time.Sunday: {r(0, h(2, 0))},
				time.Monday: {r(h(22, 0), h(24, 0))}, time.Tuesday: {r(0, h(1, 0))},
			},
		},
		{
			name:  "same day on several lines is sorted",
			lines: []string{"mon 14:00-18:00", "mon-tue 09:00-13:00"},
			want: Week{
				time.Monday:  {r(h(9, 0), h(13, 0)), r(h(14, 0), h(18, 0))},
				time.Tuesday: {r(h(9, 0), h(13, 0))},
			},
		},
		{
			name:  "day named twice in a list",
			lines: []string{"mon,mon-tue 09:00-10:00"},
			want:  Week{time.Monday: {r(h(9, 0), h(10, 0))}, time.Tuesday: {r(h(9, 0), h(10, 0))}},
		},
		{
			// Consecutive overnight ranges on one line never collide: each
			// ends before its own start time on the next day.
			name:  "23-hour overnight shifts on consecutive days",
			lines: []string{"mon-tue 20:00-19:00"},
			want:  Week{time.Monday: {r(h(20, 0), h(43, 0))}, time.Tuesday: {r(h(20, 0), h(43, 0))}},
		},
		{name: "no lines", lines: nil, want: Week{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWeek(tt.lines)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseWeek(%q) =\n%v\nwant\n%v", tt.lines, got.String(), tt.want.String())
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			again, err := ParseWeek(got.Lines())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("round trip through Lines %q = %v, %v", got.Lines(), again.String(), err)
			}
		})
	}
}

func TestParseWeekErrors(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"end equals start", []string{"mon-fri 09:00-18:00", "sat 10:00-10:00"},
			`line 2 ("sat 10:00-10:00"): range 10:00-10:00: end equals start`},
		{"malformed time", []string{"mon 9:0-10:00"}, `line 1 ("mon 9:0-10:00"): range 9:0-10:00: start: time "9:0": want HH:MM`},
		{"hour out of range", []string{"mon 09:00-25:00"}, `line 1 ("mon 09:00-25:00"): range 09:00-25:00: end: time "25:00": out of range`},
		{"minute out of range", []string{"mon 09:60-10:00"}, `time "09:60": out of range`},
		{"start at 24:00", []string{"mon 24:00-02:00"}, `range 24:00-02:00: start 24:00 is the next day's 00:00`},
		{"no dash", []string{"mon 0900"}, `range "0900": want HH:MM-HH:MM`},
		{"unknown day", []string{"funday 09:00-10:00"}, `line 1 ("funday 09:00-10:00"): day "funday"`},
		{"full day name", []string{"monday 09:00-10:00"}, `day "monday"`},
		{"empty list item", []string{"mon,,tue 09:00-10:00"}, `days "mon,,tue": empty day list item`},
		{"trailing comma in days", []string{"mon, 09:00-10:00"}, `empty day list item`},
		{"empty line", []string{"mon 09:00-10:00", "  "}, `line 2 ("  "): empty day list`},
		{"no ranges", []string{"mon"}, `line 1 ("mon"): days "mon": no time ranges`},
		{"ranges without commas", []string{"mon 09:00-13:00 14:00-18:00"}, `separate ranges with commas`},
		{"empty range", []string{"mon 09:00-13:00,,14:00-18:00"}, `empty range between commas`},
		{"overlap on one line", []string{"mon 09:00-13:00,12:00-18:00"},
			`line 1 ("mon 09:00-13:00,12:00-18:00"): range 12:00-18:00 on mon overlaps 09:00-13:00 from line 1`},
		{"overlap across lines", []string{"mon-fri 09:00-18:00", "wed 17:00-19:00"},
			`line 2 ("wed 17:00-19:00"): range 17:00-19:00 on wed overlaps 09:00-18:00 from line 1`},
		{"later line starts earlier", []string{"mon 12:00-18:00", "mon 09:00-13:00"},
			`line 2 ("mon 09:00-13:00"): range 09:00-13:00 on mon overlaps 12:00-18:00 from line 1`},
		{"overnight into the next day", []string{"sun 22:00-06:00", "mon 05:00-10:00"},
			`line 2 ("mon 05:00-10:00"): overnight range 22:00-06:00 on sun runs into 05:00-10:00 on mon from line 1`},
		{"overnight wraps from sun to mon", []string{"mon 05:00-10:00", "sat-sun 22:00-06:00"},
			`line 2 ("sat-sun 22:00-06:00"): overnight range 22:00-06:00 on sun runs into 05:00-10:00 on mon from line 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWeek(tt.lines)
			if err == nil {
				t.Fatalf("ParseWeek(%q) accepted", tt.lines)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
		})
	}
}

func TestWeekValidate(t *testing.T) {
	tests := []struct {
		name string
		week Week
		want string // "" for valid
	}{
		{"valid", Week{time.Monday: {{540, 780}, {840, 1080}}}, ""},
		{"unsorted", Week{time.Monday: {{840, 1080}, {540, 780}}}, "overlaps or precedes"},
		{"overlap", Week{time.Monday: {{540, 900}, {840, 1080}}}, "overlaps or precedes"},
		{"empty range", Week{time.Monday: {{540, 540}}}, "end not after start"},
		{"start past midnight", Week{time.Monday: {{1500, 1600}}}, "outside"},
		{"longer than a day", Week{time.Monday: {{60, 1600}}}, "longer than a day"},
		{"spill", Week{time.Saturday: {{1320, 1800}}, time.Sunday: {{300, 600}}}, "sat range 22:00-06:00: runs into sun range 05:00-10:00"},
	}
	for _, tt := range tests {
		err := tt.week.Validate()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// FuzzParseWeek checks that whatever ParseWeek accepts satisfies Week's
// invariants and survives a round trip through Lines.
func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{
		"mon-fri 09:00-13:00,14:00-18:00",
		"sat 10:00-14:00\nsun 10:00-12:00",
		"sun-thu 22:00-06:00",
		"fri-mon 23:00-01:00",
		"mon 22:00-24:00\ntue 00:00-01:00",
		"mon,wed,fri 08:00-12:00, 13:00-14:00",
		"mon 10:00-10:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeek(strings.Split(s, "\n"))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("error without a line number: %v", err)
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("ParseWeek(%q) broke an invariant: %v", s, err)
		}
		again, err := ParseWeek(w.Lines())
		if err != nil || !reflect.DeepEqual(again, w) {
			t.Fatalf("round trip of %q through %q = %v, %v", s, w.Lines(), again.String(), err)
		}
	})
}
