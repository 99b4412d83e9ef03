package deadline

import (
	"time"

	"github.com/liaisonhq/liaison/rules/hours"
)

// Dates are handled as day numbers (days since 1970-01-01) inside the rule:
// comparing and subtracting them is plain integer arithmetic, and a date's
// number does not depend on any zone, so DST can never shift a boundary.

// dayNumber returns the day number of a civil date.
func dayNumber(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayOf returns the day number of t's civil date in loc.
func dayOf(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return dayNumber(y, m, d)
}

// dateOf is the inverse of dayNumber.
func dateOf(n int) hours.Date {
	return hours.DateOf(time.Unix(int64(n)*86400, 0).UTC())
}

// parseDay parses a Jira due date ("2006-01-02") into a day number. It is
// hand-rolled because it runs once per task with a due date, and rejects
// what time.Parse would reject: wrong shape and impossible dates.
func parseDay(s string) (int, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return 0, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // time.Date normalises 02-30 to March
		return 0, false
	}
	return int(t.Unix() / 86400), true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// workdays counts an AM's working days over ranges of day numbers.
//
// Every task of every client of the AM asks about nearly the same few weeks,
// so the answers are kept as a prefix sum that grows (both ways) to cover
// what has been asked; each day's calendar lookup then happens once per
// Evaluate instead of once per task.
type workdays struct {
	cal  *hours.Calendar // nil: every day is a working day
	base int             // day number of cum[0]
	cum  []int32         // cum[i]: working days in [base, base+i)
}

// between returns the number of working days in the half-open range
// [from, to) of day numbers; 0 when to is not after from.
func (w *workdays) between(from, to int) int {
	if to <= from {
		return 0
	}
	if w.cal == nil {
		return to - from
	}
	w.cover(from, to)
	return int(w.cum[to-w.base] - w.cum[from-w.base])
}

// cover grows cum so that both from and to are valid indexes. Growth at
// least doubles the span so that a run of slightly wider requests costs
// amortised constant time.
func (w *workdays) cover(from, to int) {
	if len(w.cum) == 0 {
		w.base = from
		w.cum = append(w.cum, 0)
	}
	if from < w.base {
		span := len(w.cum) - 1
		newBase := min(from, w.base-span)
		pre := make([]int32, w.base-newBase, w.base-newBase+len(w.cum))
		var n int32
		for d := newBase; d < w.base; d++ {
			pre[d-newBase] = n
			if w.isWorking(d) {
				n++
			}
		}
		for _, v := range w.cum {
			pre = append(pre, v+n)
		}
		w.base, w.cum = newBase, pre
	}
	if last := w.base + len(w.cum) - 1; to > last {
		target := max(to, w.base+2*(len(w.cum)-1))
		n := w.cum[len(w.cum)-1]
		for d := last; d < target; d++ {
			if w.isWorking(d) {
				n++
			}
			w.cum = append(w.cum, n)
		}
	}
}

func (w *workdays) isWorking(day int) bool {
	return w.cal.IsWorkingDay(dateOf(day))
}
