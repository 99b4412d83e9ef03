package anomaly

import (
	"math"
	"time"
)

// judgePacing projects the client's Google Ads spend to the end of the
// month and compares it with the monthly budget. The month so far is what
// was spent; each remaining day is expected to cost what the same weekday
// cost over the last four weeks (the median), so a client who spends
// little at weekends is not told they are under budget on a Friday.
func (e *evaluation) judgePacing(ci int, accs []*account) {
	c := &e.in.Clients[ci]
	cfg := c.Config
	if c.MonthlyBudget <= 0 || len(accs) == 0 {
		return
	}
	// Accounts of one client may have been pulled to different days; the
	// month is judged up to the oldest of their final days.
	end := accs[0].first + accs[0].last
	for _, a := range accs[1:] {
		end = min(end, a.first+a.last)
	}
	spend := func(day int) float64 {
		t := 0.0
		for _, a := range accs {
			t += a.total.at(mCost, day-a.first)
		}
		return t
	}
	date := civilDate(end)
	monthStart := daysFromCivil(date.Year(), int(date.Month()), 1)
	monthEnd := daysFromCivil(date.Year(), int(date.Month())+1, 1) - 1
	if date.Month() == time.December {
		monthEnd = daysFromCivil(date.Year()+1, 1, 1) - 1
	}
	spent := 0.0
	for d := monthStart; d <= end; d++ {
		spent += spend(d)
	}
	projected := spent
	for d := end + 1; d <= monthEnd; d++ {
		var buf [4]float64
		vs := buf[:0]
		for k := 1; len(vs) < 4; k++ {
			j := d - 7*k
			if j > end {
				continue
			}
			if j < end-34 {
				break
			}
			vs = append(vs, spend(j))
		}
		if len(vs) > 0 {
			projected += robust(vs).expected
		}
	}
	off := projected/c.MonthlyBudget - 1
	if math.Abs(off) <= cfg.PacingTolerance {
		return
	}
	kind := KindUnderBudget
	if off > 0 {
		kind = KindOverBudget
	}
	e.emit(verdict{acc: accs[0], client: ci, pacing: true, metric: MetricSpend, kind: kind, severity: cfg.PacingSeverity,
		observed: projected, expected: c.MonthlyBudget, unit: unitMoney, day: end - accs[0].first, spent: spent,
		month: date.Format("2006-01")})
}
