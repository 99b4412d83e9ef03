package hours

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Window is a span of time in which something is allowed or suppressed, such
// as a client's exception windows: either a fixed span or a recurring one.
type Window struct {
	// Name is a human label, e.g. "monthly planning".
	Name string
	// From and To bound a fixed window (both set) in the window's location.
	From, To time.Time
	// Recurring is set for recurring windows.
	Recurring *Recurrence
}

// Validate reports a window that can never match as intended: neither fixed
// nor recurring, a fixed window with To not after From, or both kinds at once.
func (w Window) Validate() error {
	fixed := !w.From.IsZero() || !w.To.IsZero()
	switch {
	case fixed && w.Recurring != nil:
		return fmt.Errorf("window %q: both fixed bounds and a recurrence", w.Name)
	case w.Recurring != nil:
		if _, err := ParseRecurrence(w.Recurring.Spec); err != nil {
			return fmt.Errorf("window %q: %w", w.Name, err)
		}
	case w.From.IsZero() || w.To.IsZero():
		return fmt.Errorf("window %q: fixed window needs both from and to", w.Name)
	case !w.To.After(w.From):
		return fmt.Errorf("window %q: to %s not after from %s", w.Name,
			w.To.Format(time.RFC3339), w.From.Format(time.RFC3339))
	}
	return nil
}

// Contains reports whether t is inside the window, reading recurring windows in loc.
//
// A fixed window is the half-open span [From, To) and ignores loc. A recurring
// window takes precedence when set. A nil loc means UTC.
func (w Window) Contains(t time.Time, loc *time.Location) bool {
	if w.Recurring != nil {
		return w.Recurring.Contains(t, loc)
	}
	if w.From.IsZero() || w.To.IsZero() {
		return false
	}
	return !t.Before(w.From) && t.Before(w.To)
}

// recurKind tells which of the spec forms a Recurrence was parsed from.
type recurKind int

const (
	recurUnparsed   recurKind = iota
	recurEvery                // every <days> ...
	recurNthWeekday           // first|second|third|fourth|last <day> of month ...
	recurDayOfMonth           // day N of month ...
)

// Recurrence is a repeating window such as "first mon of month 10:00-11:00",
// "every tue,thu 15:00-16:00", "day 1 of month 09:00-12:00" or
// "last fri of month 16:00-18:00".
//
// Several comma-separated ranges may follow the days, and an end before the
// start runs overnight, as in ParseWeek; a range belongs to the day it starts
// on. "day 31 of month" does not occur in shorter months; use "day -1 of
// month" for the last day.
type Recurrence struct {
	Spec string

	kind     recurKind
	weekdays [7]bool      // recurEvery
	weekday  time.Weekday // recurNthWeekday
	nth      int          // recurNthWeekday: 1..4, or -1 for last
	day      int          // recurDayOfMonth: 1..31, or -1 for the last day
	ranges   []Range
}

var ordinals = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}

// ParseRecurrence parses a recurring window spec (see Recurrence).
func ParseRecurrence(spec string) (*Recurrence, error) {
	r := &Recurrence{Spec: spec}
	fail := func(format string, args ...any) (*Recurrence, error) {
		return nil, fmt.Errorf("recurrence %q: %s", spec, fmt.Sprintf(format, args...))
	}
	f := strings.Fields(strings.ToLower(spec))
	if len(f) == 0 {
		return fail("empty")
	}
	var rest []string
	switch head := f[0]; {
	case head == "every":
		if len(f) < 3 {
			return fail(`want "every <days> HH:MM-HH:MM"`)
		}
		days, err := parseDays(f[1])
		if err != nil {
			return fail("%v", err)
		}
		r.kind = recurEvery
		for _, d := range days {
			r.weekdays[d] = true
		}
		rest = f[2:]
	case head == "day":
		if len(f) < 5 || f[2] != "of" || f[3] != "month" {
			return fail(`want "day N of month HH:MM-HH:MM"`)
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n == 0 || n > 31 || n < -1 {
			return fail("day %q: want 1..31, or -1 for the last day", f[1])
		}
		r.kind, r.day = recurDayOfMonth, n
		rest = f[4:]
	case ordinals[head] != 0:
		if len(f) < 5 || f[2] != "of" || f[3] != "month" {
			return fail(`want "%s <day> of month HH:MM-HH:MM"`, head)
		}
		wd, err := ParseDay(f[1])
		if err != nil {
			return fail("%v", err)
		}
		r.kind, r.nth, r.weekday = recurNthWeekday, ordinals[head], wd
		rest = f[4:]
	default:
		return fail(`%q: want "every", "day", or first|second|third|fourth|last`, f[0])
	}
	ranges, err := parseRanges(strings.Join(rest, " "))
	if err != nil {
		return fail("%v", err)
	}
	r.ranges = ranges
	return r, nil
}

// String returns the spec.
func (r *Recurrence) String() string { return r.Spec }

// MarshalText returns the spec, so recurrences round-trip through YAML and JSON.
func (r *Recurrence) MarshalText() ([]byte, error) { return []byte(r.Spec), nil }

// UnmarshalText parses a spec with ParseRecurrence.
func (r *Recurrence) UnmarshalText(b []byte) error {
	p, err := ParseRecurrence(string(b))
	if err != nil {
		return err
	}
	*r = *p
	return nil
}

// parsed returns r's parsed form, parsing Spec when r was built as a literal.
// It never writes to r, so a shared Recurrence is safe for concurrent use.
func (r *Recurrence) parsed() (*Recurrence, error) {
	if r.kind != recurUnparsed {
		return r, nil
	}
	return ParseRecurrence(r.Spec)
}

// Contains reports whether t is inside one of the recurrence's windows, read
// in loc (nil means UTC). A Recurrence whose Spec does not parse contains nothing.
func (r *Recurrence) Contains(t time.Time, loc *time.Location) bool {
	p, err := r.parsed()
	if err != nil {
		return false
	}
	if loc == nil {
		loc = time.UTC
	}
	today := DateOf(t.In(loc))
	// Yesterday's overnight window may still be open.
	for _, d := range [2]Date{today.AddDays(-1), today} {
		if !p.matches(d) {
			continue
		}
		for _, rg := range p.ranges {
			if !t.Before(d.At(rg.Start, loc)) && t.Before(d.At(rg.End, loc)) {
				return true
			}
		}
	}
	return false
}

// matches reports whether the recurrence's windows start on d.
func (r *Recurrence) matches(d Date) bool {
	switch r.kind {
	case recurEvery:
		return r.weekdays[d.Weekday()]
	case recurNthWeekday:
		if d.Weekday() != r.weekday {
			return false
		}
		if r.nth < 0 {
			return d.AddDays(7).Month != d.Month
		}
		return (d.Day-1)/7+1 == r.nth
	case recurDayOfMonth:
		if r.day < 0 {
			return d.AddDays(1).Month != d.Month
		}
		return d.Day == r.day
	}
	return false
}
