package hours

import (
	"strings"
	"testing"
	"time"
)

func TestParseRecurrenceErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", `recurrence "": empty`},
		{"every", `want "every <days> HH:MM-HH:MM"`},
		{"every mon", `want "every <days> HH:MM-HH:MM"`},
		{"every funday 10:00-11:00", `day "funday"`},
		{"every mon 10:00-10:00", `range 10:00-10:00: end equals start`},
		{"every mon 10:00", `range "10:00": want HH:MM-HH:MM`},
		{"fifth mon of month 10:00-11:00", `"fifth": want "every", "day", or first|second|third|fourth|last`},
		{"first mon of year 10:00-11:00", `want "first <day> of month HH:MM-HH:MM"`},
		{"first mon-fri of month 10:00-11:00", `day "mon-fri"`},
		{"last fri of month", `want "last <day> of month HH:MM-HH:MM"`},
		{"day 0 of month 09:00-12:00", `day "0": want 1..31, or -1 for the last day`},
		{"day 32 of month 09:00-12:00", `day "32"`},
		{"day -2 of month 09:00-12:00", `day "-2"`},
		{"day x of month 09:00-12:00", `day "x"`},
		{"day 1 month 09:00-12:00", `want "day N of month HH:MM-HH:MM"`},
		{"day 1 of month 09:00-25:00", `time "25:00": out of range`},
	}
	for _, tt := range tests {
		_, err := ParseRecurrence(tt.spec)
		if err == nil {
			t.Errorf("ParseRecurrence(%q) accepted", tt.spec)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseRecurrence(%q) error %q\ndoes not contain %q", tt.spec, err, tt.want)
		}
	}
}

func TestRecurrenceContains(t *testing.T) {
	kyiv := mustLoc(t, "Europe/Kyiv")
	tests := []struct {
		spec string
		at   map[string]bool // Kyiv wall time → inside
	}{
		{"first mon of month 10:00-11:00", map[string]bool{
			"2024-06-03 10:00": true, "2024-06-03 10:59": true, "2024-06-03 11:00": false,
			"2024-06-03 09:59": false, "2024-06-10 10:30": false, "2024-07-01 10:30": true,
		}},
		{"Second TUE of month 10:00-11:00", map[string]bool{
			"2024-06-11 10:30": true, "2024-06-04 10:30": false, "2024-06-18 10:30": false,
		}},
		{"fourth thu of month 10:00-11:00", map[string]bool{
			"2024-02-22 10:30": true, "2024-02-29 10:30": false,
		}},
		{"last fri of month 16:00-18:00", map[string]bool{
			"2024-05-31 17:00": true, "2024-05-24 17:00": false, "2024-06-28 16:00": true, "2024-06-21 17:00": false,
		}},
		{"every tue,thu 15:00-16:00, 18:00-19:00", map[string]bool{
			"2024-06-11 15:30": true, "2024-06-13 18:30": true, "2024-06-12 15:30": false, "2024-06-11 17:00": false,
		}},
		{"every fri-mon 22:00-02:00", map[string]bool{
			"2024-06-14 23:00": true, "2024-06-15 01:00": true, "2024-06-18 01:59": true,
			"2024-06-18 02:00": false, "2024-06-14 01:00": false, "2024-06-19 01:00": false,
		}},
		{"day 1 of month 09:00-12:00", map[string]bool{
			"2024-06-01 09:00": true, "2024-06-02 09:00": false, "2024-05-31 09:00": false,
		}},
		{"day 31 of month 09:00-12:00", map[string]bool{
			"2024-05-31 10:00": true, "2024-04-30 10:00": false, "2024-05-01 10:00": false,
		}},
		{"day -1 of month 09:00-12:00", map[string]bool{
			"2024-02-29 10:00": true, "2024-02-28 10:00": false, "2023-02-28 10:00": true, "2024-12-31 10:00": true,
		}},
	}
	for _, tt := range tests {
		r, err := ParseRecurrence(tt.spec)
		if err != nil {
			t.Fatalf("ParseRecurrence(%q): %v", tt.spec, err)
		}
		w := Window{Name: "test", Recurring: r}
		for at, want := range tt.at {
			if got := w.Contains(wall(t, kyiv, at), kyiv); got != want {
				t.Errorf("%q.Contains(%s) = %v, want %v", tt.spec, at, got, want)
			}
		}
	}
}

func TestRecurrenceReadsLocation(t *testing.T) {
	r, err := ParseRecurrence("every mon 09:00-10:00")
	if err != nil {
		t.Fatal(err)
	}
	instant := utc(t, "2024-06-10T06:30:00Z") // 09:30 in Kyiv, 06:30 in UTC
	w := Window{Recurring: r}
	if !w.Contains(instant, mustLoc(t, "Europe/Kyiv")) {
		t.Error("not inside when read in Kyiv")
	}
	if w.Contains(instant, nil) {
		t.Error("inside when read in UTC")
	}
}

func TestRecurrenceLiteralIsParsedOnUse(t *testing.T) {
	w := Window{Recurring: &Recurrence{Spec: "every mon 09:00-10:00"}}
	if !w.Contains(utc(t, "2024-06-10T09:30:00Z"), time.UTC) {
		t.Error("unparsed literal recurrence does not match")
	}
	bad := Window{Recurring: &Recurrence{Spec: "every blue moon"}}
	if bad.Contains(utc(t, "2024-06-10T09:30:00Z"), time.UTC) {
		t.Error("unparseable recurrence matched")
	}
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepted an unparseable recurrence")
	}
}

func TestRecurrenceText(t *testing.T) {
	var r Recurrence
	if err := r.UnmarshalText([]byte("last fri of month 16:00-18:00")); err != nil {
		t.Fatal(err)
	}
	if !r.Contains(utc(t, "2024-05-31T17:00:00Z"), nil) {
		t.Error("unmarshalled recurrence does not match")
	}
	if b, _ := r.MarshalText(); string(b) != "last fri of month 16:00-18:00" {
		t.Errorf("MarshalText = %q", b)
	}
	if err := r.UnmarshalText([]byte("sometimes")); err == nil {
		t.Error("UnmarshalText accepted a bad spec")
	}
}

func TestFixedWindow(t *testing.T) {
	from, to := utc(t, "2024-06-10T10:00:00+03:00"), utc(t, "2024-06-10T12:00:00+03:00")
	w := Window{Name: "launch", From: from, To: to}
	tests := []struct {
		at   time.Time
		want bool
	}{
		{from, true},
		{to.Add(-time.Nanosecond), true},
		{to, false},
		{from.Add(-time.Nanosecond), false},
	}
	for _, tt := range tests {
		// The location is irrelevant to a fixed window.
		if got := w.Contains(tt.at, mustLoc(t, "America/New_York")); got != tt.want {
			t.Errorf("Contains(%s) = %v, want %v", tt.at, got, tt.want)
		}
	}
	if (Window{}).Contains(from, nil) {
		t.Error("the zero window contains something")
	}
}

func TestWindowValidate(t *testing.T) {
	from, to := utc(t, "2024-06-10T10:00:00Z"), utc(t, "2024-06-10T12:00:00Z")
	r, _ := ParseRecurrence("every mon 09:00-10:00")
	tests := []struct {
		name string
		w    Window
		want string
	}{
		{"fixed", Window{Name: "a", From: from, To: to}, ""},
		{"recurring", Window{Name: "a", Recurring: r}, ""},
		{"reversed", Window{Name: "a", From: to, To: from}, `window "a": to 2024-06-10T10:00:00Z not after from 2024-06-10T12:00:00Z`},
		{"half open", Window{Name: "a", From: from}, "needs both from and to"},
		{"nothing", Window{Name: "a"}, "needs both from and to"},
		{"both", Window{Name: "a", From: from, To: to, Recurring: r}, "both fixed bounds and a recurrence"},
	}
	for _, tt := range tests {
		err := tt.w.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// FuzzParseRecurrence checks that parsing and matching never panic and that
// accepted specs stay accepted when re-parsed.
func FuzzParseRecurrence(f *testing.F) {
	for _, s := range []string{
		"first mon of month 10:00-11:00", "every tue,thu 15:00-16:00",
		"day 1 of month 09:00-12:00", "day -1 of month 22:00-02:00", "last fri of month 16:00-18:00",
	} {
		f.Add(s, int64(1717999200))
	}
	loc := mustLoc(f, "America/New_York")
	f.Fuzz(func(t *testing.T, spec string, unix int64) {
		r, err := ParseRecurrence(spec)
		if err != nil {
			return
		}
		if _, err := ParseRecurrence(r.String()); err != nil {
			t.Fatalf("re-parsing %q: %v", spec, err)
		}
		r.Contains(time.Unix(unix%(1<<40), 0), loc)
	})
}
