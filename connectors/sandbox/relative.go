package sandbox

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

const dateLayout = "2006-01-02"

// parseOffset reads an offset from the start: "+5m", "-2h", "+1d12h",
// "-1w", "0", "now". A day is 24 hours and a week 7 days.
func parseOffset(s string) (time.Duration, error) {
	return parseUnits(s, map[byte]time.Duration{
		'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second,
	}, true)
}

// parseJiraDuration reads a time-tracking value the way Jira does, where a
// day is 8 hours and a week 5 days: "8h", "1d 4h", "30m".
func parseJiraDuration(s string) (time.Duration, error) {
	return parseUnits(strings.ReplaceAll(s, " ", ""), map[byte]time.Duration{
		'w': 40 * time.Hour, 'd': 8 * time.Hour, 'h': time.Hour, 'm': time.Minute,
	}, false)
}

func parseUnits(s string, units map[byte]time.Duration, signed bool) (time.Duration, error) {
	orig := s
	if s == "" {
		return 0, errors.New("is empty")
	}
	if signed && (s == "now" || s == "0") {
		return 0, nil
	}
	sign := time.Duration(1)
	if signed {
		switch s[0] {
		case '+':
			s = s[1:]
		case '-':
			sign, s = -1, s[1:]
		}
		if s == "0" {
			return 0, nil
		}
	}
	if s == "" {
		return 0, fmt.Errorf("%q has no amount", orig)
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("%q is not a duration such as %s", orig, example(signed))
		}
		n, err := strconv.Atoi(s[:i])
		unit, ok := units[s[i]]
		if err != nil || !ok {
			return 0, fmt.Errorf("%q is not a duration such as %s", orig, example(signed))
		}
		total += time.Duration(n) * unit
		s = s[i+1:]
	}
	return sign * total, nil
}

func example(signed bool) string {
	if signed {
		return `"+5m", "-2h" or "+1d"`
	}
	return `"8h", "1d 4h" or "30m"`
}

// checkDate accepts what resolveDate resolves.
func checkDate(s string) error {
	_, err := resolveDate(s, time.Unix(0, 0).UTC())
	return err
}

// resolveDate turns "today", relative days ("+1d", "-3d", "+2w") or an
// absolute YYYY-MM-DD into a date, counted from now's calendar day in now's
// location. Units below a day are refused: a due date has no time.
func resolveDate(s string, now time.Time) (string, error) {
	if s == "today" {
		return now.Format(dateLayout), nil
	}
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t.Format(dateLayout), nil
	}
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return "", fmt.Errorf("%q is not a date: write YYYY-MM-DD, today, or days from today such as +1d, -3d, +2w", s)
	}
	d, err := parseUnits(s, map[byte]time.Duration{'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour}, true)
	if err != nil {
		return "", fmt.Errorf("%q is not a date: write YYYY-MM-DD, today, or days from today such as +1d, -3d, +2w", s)
	}
	days := int(d / (24 * time.Hour))
	y, m, dd := now.Date()
	return time.Date(y, m, dd+days, 12, 0, 0, 0, now.Location()).Format(dateLayout), nil
}

// resolveWindowBound turns an exception bound into agency.yaml's
// "YYYY-MM-DD HH:MM" in loc: an offset from now ("-30m", "+1h") or an
// absolute value, which is kept. Offsets round outwards to whole minutes so
// that the window still covers the instant it was written for.
func resolveWindowBound(s string, now time.Time, loc *time.Location, end bool) (string, error) {
	if s == "" || (s[0] != '+' && s[0] != '-' && s != "now") {
		return s, nil
	}
	d, err := parseOffset(s)
	if err != nil {
		return "", err
	}
	t := now.Add(d).In(loc)
	if end && t.Truncate(time.Minute) != t {
		t = t.Add(time.Minute)
	}
	return t.Truncate(time.Minute).Format("2006-01-02 15:04"), nil
}
