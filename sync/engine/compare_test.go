package engine

import (
	"testing"

	"github.com/liaisonhq/liaison/rules/hours"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestComparedThrough: a month in progress is set against as many days of
// the last month as it has data for, per source; a closed month against
// the whole of the last one.
func TestComparedThrough(t *testing.T) {
	dec, _ := report.ParsePeriod("2026-12")
	mar, _ := report.ParsePeriod("2026-03")
	rows := func(dates ...string) []store.MetricTotal {
		var out []store.MetricTotal
		for _, d := range dates {
			out = append(out, store.MetricTotal{Date: d})
		}
		return out
	}
	day := func(s string) hours.Date { d, _ := hours.ParseDate(s); return d }
	for _, c := range []struct {
		name  string
		p     report.Period
		rows  []store.MetricTotal
		today string
		want  string
	}{
		{"Ads through yesterday, 6 days", dec, rows("2026-11-30", "2026-12-01", "2026-12-06"), "2026-12-07", "2026-11-06"},
		{"Search Console 3 days behind", dec, rows("2026-11-15", "2026-12-03"), "2026-12-07", "2026-11-03"},
		{"no data yet: nothing to compare", dec, rows("2026-11-20"), "2026-12-01", "2026-10-31"},
		{"closed period: the whole previous one", dec, rows("2026-12-31"), "2027-01-03", "2026-11-30"},
		{"a running month longer than the last one", mar, rows("2026-03-30"), "2026-03-31", "2026-02-28"},
	} {
		if got := comparedThrough(c.p, c.rows, day(c.today)).String(); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestSplitDaysSameDays: the previous period's totals stop at prevTo.
func TestSplitDaysSameDays(t *testing.T) {
	dec, _ := report.ParsePeriod("2026-12")
	m := func(clicks float64) map[string]float64 { return map[string]float64{"clicks": clicks} }
	rows := []store.MetricTotal{{Date: "2026-11-01", Metrics: m(10)}, {Date: "2026-11-02", Metrics: m(20)},
		{Date: "2026-11-03", Metrics: m(40)}, {Date: "2026-12-01", Metrics: m(5)}, {Date: "2026-12-02", Metrics: m(7)}}
	to, _ := hours.ParseDate("2026-11-02")
	cur, prev, days := splitDays(rows, dec, to)
	if cur.Clicks != 12 || prev.Clicks != 30 || len(days) != 2 {
		t.Errorf("current %v, previous %v, %d days; want 12, 30 (Nov 1–2 only), 2", cur.Clicks, prev.Clicks, len(days))
	}
}
