package hours

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

const minutesPerDay = 24 * 60

// Range is a span of local wall-clock time within a day, in minutes since
// midnight. End may exceed 24*60: such a range runs overnight into the next day
// and belongs to the day it starts on.
type Range struct {
	Start, End int
}

// String formats r as "HH:MM-HH:MM", with an overnight end shown as the next
// day's clock time, the way ParseWeek reads it.
func (r Range) String() string {
	end := r.End
	if end > minutesPerDay {
		end -= minutesPerDay
	}
	return formatMinute(r.Start) + "-" + formatMinute(end)
}

// validate checks r's bounds: a start within the day, a non-empty span and at
// most one day's length, so an overnight range spills only into the next day.
func (r Range) validate() error {
	switch {
	case r.Start < 0 || r.Start >= minutesPerDay:
		return fmt.Errorf("start %d outside 00:00-23:59", r.Start)
	case r.End <= r.Start:
		return errors.New("end not after start")
	case r.End-r.Start > minutesPerDay:
		return errors.New("longer than a day")
	}
	return nil
}

// Week is a weekly schedule indexed by time.Weekday; each day's ranges are
// sorted and do not overlap (including overnight spill into the next day).
type Week [7][]Range

// IsEmpty reports whether w has no working time at all.
func (w *Week) IsEmpty() bool {
	for _, rs := range w {
		if len(rs) > 0 {
			return false
		}
	}
	return true
}

// Validate checks the invariants ParseWeek guarantees, for weeks built in code:
// ranges in bounds, sorted, and not overlapping within a day or through an
// overnight spill into the next day.
func (w *Week) Validate() error {
	for day, rs := range w {
		wd := time.Weekday(day)
		for i, r := range rs {
			if err := r.validate(); err != nil {
				return fmt.Errorf("%s range %s: %w", dayName(wd), r, err)
			}
			if i > 0 && rs[i-1].End > r.Start {
				return fmt.Errorf("%s range %s: overlaps or precedes %s", dayName(wd), r, rs[i-1])
			}
		}
		next := w[(day+1)%7]
		if n := len(rs); n > 0 && len(next) > 0 && rs[n-1].End-minutesPerDay > next[0].Start {
			return fmt.Errorf("%s range %s: runs into %s range %s",
				dayName(wd), rs[n-1], dayName((wd+1)%7), next[0])
		}
	}
	return nil
}

// String formats w as schedule lines, one per day with work, in ParseWeek's syntax.
func (w *Week) String() string {
	var b strings.Builder
	for day, rs := range w {
		if len(rs) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(dayName(time.Weekday(day)))
		for i, r := range rs {
			if i == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(r.String())
		}
	}
	return b.String()
}

// Lines formats w as schedule lines that ParseWeek reads back into w.
func (w *Week) Lines() []string {
	s := w.String()
	if s == "" {
		return nil
	}
	return strings.Split(s, "; ")
}

// origin remembers where a parsed range came from, for overlap errors.
type origin struct {
	r     Range
	line  int
	token string
}

// ParseWeek parses schedule lines such as "mon-fri 09:00-13:00,14:00-18:00",
// "sat 10:00-14:00" or "sun-thu 22:00-06:00" (overnight). Each line names days
// (a day, a range "mon-fri", or a list "mon,wed,fri") then comma-separated
// HH:MM-HH:MM ranges. Errors name the offending line (1-based index) and part.
//
// Day names are mon..sun in any case, and day ranges may wrap ("fri-mon").
// An end of "24:00" means midnight at the end of the day. An end before the
// start means the range runs overnight into the next day; an end equal to the
// start is an error rather than a 24-hour shift. A day may appear on several
// lines as long as its ranges do not overlap, including an overnight range
// reaching into the next day's first range. Days not named are days off.
func ParseWeek(lines []string) (Week, error) {
	var byDay [7][]origin
	for i, line := range lines {
		n := i + 1
		lineErr := func(format string, args ...any) error {
			return fmt.Errorf("line %d (%q): %s", n, line, fmt.Sprintf(format, args...))
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			return Week{}, lineErr("empty day list")
		}
		days, err := parseDays(fields[0])
		if err != nil {
			return Week{}, lineErr("%v", err)
		}
		if len(fields) == 1 {
			return Week{}, lineErr("days %q: no time ranges", fields[0])
		}
		ranges, err := parseRanges(strings.Join(fields[1:], " "))
		if err != nil {
			return Week{}, lineErr("%v", err)
		}
		for _, d := range days {
			for _, r := range ranges {
				byDay[d] = append(byDay[d], origin{r: r, line: n, token: r.String()})
			}
		}
	}

	var w Week
	for day := range byDay {
		rs := byDay[day]
		slices.SortStableFunc(rs, func(a, b origin) int { return a.r.Start - b.r.Start })
		for i := 1; i < len(rs); i++ {
			if prev, cur := rs[i-1], rs[i]; prev.r.End > cur.r.Start {
				// Name the line that came later in the input: that is where the
				// reader will look for the mistake.
				a, b := prev, cur
				if a.line > b.line {
					a, b = b, a
				}
				return Week{}, fmt.Errorf("line %d (%q): range %s on %s overlaps %s from line %d",
					b.line, lines[b.line-1], b.token, dayName(time.Weekday(day)), a.token, a.line)
			}
		}
		for _, o := range rs {
			w[day] = append(w[day], o.r)
		}
	}
	// An overnight range must end before the next day's first range begins.
	for day := range byDay {
		rs, next := byDay[day], byDay[(day+1)%7]
		if len(rs) == 0 || len(next) == 0 {
			continue
		}
		last, first := rs[len(rs)-1], next[0]
		if last.r.End-minutesPerDay > first.r.Start {
			a, b := last, first
			if a.line > b.line {
				a, b = b, a
			}
			return Week{}, fmt.Errorf("line %d (%q): overnight range %s on %s runs into %s on %s from line %d",
				b.line, lines[b.line-1], last.token, dayName(time.Weekday(day)),
				first.token, dayName(time.Weekday((day+1)%7)), a.line)
		}
	}
	return w, nil
}

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func dayName(d time.Weekday) string { return dayNames[d%7] }

// ParseDay reads a day name (mon..sun, any case), as schedules, digest days
// and weekly checklists write it.
func ParseDay(s string) (time.Weekday, error) {
	ls := strings.ToLower(s)
	for i, n := range dayNames {
		if ls == n {
			return time.Weekday(i), nil
		}
	}
	return 0, fmt.Errorf("day %q: want one of mon, tue, wed, thu, fri, sat, sun", s)
}

// parseDays reads "mon", "mon-fri", "fri-mon" (wrapping) or a comma list of
// those. A day named twice is kept once: overlapping ranges are what matter.
func parseDays(s string) ([]time.Weekday, error) {
	var seen [7]bool
	var out []time.Weekday
	add := func(d time.Weekday) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for item := range strings.SplitSeq(s, ",") {
		if item == "" {
			return nil, fmt.Errorf("days %q: empty day list item", s)
		}
		from, to, isRange := strings.Cut(item, "-")
		a, err := ParseDay(from)
		if err != nil {
			return nil, err
		}
		if !isRange {
			add(a)
			continue
		}
		b, err := ParseDay(to)
		if err != nil {
			return nil, err
		}
		for d := a; ; d = (d + 1) % 7 {
			add(d)
			if d == b {
				break
			}
		}
	}
	return out, nil
}

// parseRanges reads comma-separated HH:MM-HH:MM ranges; spaces after the
// commas are allowed, ranges separated only by spaces are not.
func parseRanges(s string) ([]Range, error) {
	var out []Range
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
			return nil, fmt.Errorf("ranges %q: empty range between commas", s)
		case strings.ContainsAny(item, " \t"):
			return nil, fmt.Errorf("ranges %q: separate ranges with commas", s)
		}
		r, err := parseRange(item)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// parseRange reads one "HH:MM-HH:MM". An end before the start runs overnight.
func parseRange(s string) (Range, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return Range{}, fmt.Errorf("range %q: want HH:MM-HH:MM", s)
	}
	start, err := parseMinute(from)
	if err != nil {
		return Range{}, fmt.Errorf("range %s: start: %w", s, err)
	}
	if start == minutesPerDay {
		return Range{}, fmt.Errorf("range %s: start 24:00 is the next day's 00:00", s)
	}
	end, err := parseMinute(to)
	if err != nil {
		return Range{}, fmt.Errorf("range %s: end: %w", s, err)
	}
	switch {
	case end == start:
		return Range{}, fmt.Errorf("range %s: end equals start", s)
	case end < start:
		end += minutesPerDay
	}
	return Range{Start: start, End: end}, nil
}

// parseMinute reads "HH:MM" (or "H:MM") as minutes since midnight; "24:00" is
// allowed and callers decide whether it makes sense where it stands.
func parseMinute(s string) (int, error) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !digits(hs) || !digits(ms) {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	switch {
	case h == 24 && m == 0:
		return minutesPerDay, nil
	case h > 23 || m > 59:
		return 0, fmt.Errorf("time %q: out of range", s)
	}
	return h*60 + m, nil
}

func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func formatMinute(m int) string {
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}
