package anomaly

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// weekTotal sums metric m of s over the seven days ending at index end.
func weekTotal(s *series, m, end int) float64 { return s.sum(m, end-6, end) }

// judgeSearch looks at one Search Console property: its clicks and
// impressions, and the average position of its top queries, a week at a
// time (a single day of organic traffic is too noisy to judge).
func (e *evaluation) judgeSearch(acc *account) {
	cfg := e.in.Clients[acc.client].Config
	start := firstActive(acc.total, mImpressions)
	t := acc.last
	if start < 0 || t < 0 {
		return
	}
	for _, m := range [...]struct {
		metric string
		m      int
		min    float64
	}{
		{MetricClicks, mClicks, 7 * cfg.MinDailyClicks},
		{MetricImpressions, mImpressions, 7 * cfg.MinDailyImpressions},
	} {
		b := weeks(acc.total, m.m, t, start, cfg.BaselineWeeks)
		if b.n == 0 || b.expected < m.min {
			continue
		}
		obs := weekTotal(acc.total, m.m, t)
		p := point{obs: obs, exp: b.expected, sigma: math.Max(b.sigma, math.Max(b.expected*noiseFloor/2, math.Sqrt(b.expected))), ok: true}
		dir, ok := decide(cfg, p, point{}, false)
		if !ok {
			continue
		}
		e.emit(verdict{acc: acc, part: acc.total, metric: m.metric, kind: kindOf(dir), severity: cfg.Severity,
			observed: obs, expected: b.expected, unit: unitCount, day: t, days: 7,
			since: e.since(func(j int) (float64, bool) { return acc.total.v[m.m][j], true }, t, start, dir, cfg),
			contributor: pickContributor(acc.parts, func(p *series) float64 {
				n, sum := 0, 0.0
				for k := 1; k <= cfg.BaselineWeeks && t-7*k-6 >= start; k++ {
					sum += weekTotal(p, m.m, t-7*k)
					n++
				}
				if n == 0 {
					return 0
				}
				return weekTotal(p, m.m, t) - sum/float64(n)
			}, dir)})
	}
	e.positions(acc, start, cfg)
}

// weeks reads the baseline of the week ending at index t from up to n
// earlier weeks that lie wholly after start.
func weeks(s *series, m, t, start, n int) baseline {
	var buf [8]float64
	vs := buf[:0]
	for k := 1; k <= n && k <= len(buf); k++ {
		end := t - 7*k
		if end-6 < start {
			break
		}
		vs = append(vs, weekTotal(s, m, end))
	}
	if len(vs) < minWeeks {
		return baseline{}
	}
	return robust(vs)
}

// minQueryImpressions is the least weekly impressions a query needs for
// its average position to mean something.
const minQueryImpressions = 20

// positions judges the weekly average position of the property's top
// queries (by clicks over the baseline weeks). Only a worsening alerts: a
// query climbing is good news the report tells.
func (e *evaluation) positions(acc *account, start int, cfg Config) {
	if cfg.TopQueries == 0 {
		return
	}
	t := acc.last
	type ranked struct {
		s      *series
		clicks float64
	}
	var qs []ranked
	from := max(t-7*cfg.BaselineWeeks-6, start)
	for _, p := range acc.parts {
		if !strings.HasPrefix(p.dim, "query:") {
			continue
		}
		if c := p.sum(mClicks, from, t-7); c > 0 {
			qs = append(qs, ranked{p, c})
		}
	}
	slices.SortFunc(qs, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(b.clicks, a.clicks), strings.Compare(a.s.dim, b.s.dim))
	})
	if len(qs) > cfg.TopQueries {
		qs = qs[:cfg.TopQueries]
	}
	avg := func(s *series, end int) (float64, bool) {
		imp := weekTotal(s, mImpressions, end)
		if imp < minQueryImpressions {
			return 0, false
		}
		return weekTotal(s, mPositionSum, end) / imp, true
	}
	for _, q := range qs {
		obs, ok := avg(q.s, t)
		if !ok {
			continue
		}
		var buf [8]float64
		vs := buf[:0]
		for k := 1; k <= cfg.BaselineWeeks && t-7*k-6 >= start; k++ {
			if v, ok := avg(q.s, t-7*k); ok {
				vs = append(vs, v)
			}
		}
		if len(vs) < minWeeks {
			continue
		}
		b := robust(vs)
		worse := obs - b.expected
		if worse < cfg.MinPositionChange || worse < cfg.MinChange*b.expected || worse/math.Max(b.sigma, 0.5) < cfg.MinZ {
			continue
		}
		e.emit(verdict{acc: acc, part: q.s, metric: MetricPosition, kind: KindDrop, severity: cfg.Severity,
			observed: obs, expected: b.expected, unit: unitPosition, day: t, days: 7, since: t - 6})
	}
}
