package anomaly

import (
	"math"
	"slices"
	"strings"
)

// minWeeks is the fewest same-weekday values a baseline is read from.
const minWeeks = 4

// rateDays is how many days a conversion rate is read over.
const rateDays = 28

// firstActive returns the index of s's first day with metric m, or -1:
// days before an account or campaign started are not a baseline of zeros.
func firstActive(s *series, m int) int {
	for i, v := range s.v[m] {
		if v > 0 {
			return i
		}
	}
	return -1
}

// levelDays is how many recent days the level of a baseline is read from.
const levelDays = 28

// weekday reads the baseline of day i: a weekly pattern times the recent
// level. The pattern is each weekday's median share of its week over up to
// weeks whole weeks before i; the level is every one of the last 28 days
// rescaled to day i's weekday by that pattern, and the baseline is their
// median and scaled MAD. Compared with the median of the same weekday
// alone, it reads four times as many days, so it follows a trend within
// two weeks and its spread is less often fooled by a quiet stretch. Days
// before start (the account's first day) are not read; value says whether
// a day counts at all (a day without clicks has no cost per click).
func weekday(value func(j int) (float64, bool), i, start, weeks int) baseline {
	return weeklyPattern(value, i-1, start, weeks).baseline(value, i, start)
}

// pattern is each weekday's usual share of its week, indexed by day
// index mod 7.
type pattern struct {
	f  [7]float64
	ok bool
}

// weeklyPattern reads the pattern from up to weeks whole weeks, the
// newest ending at index end. One pattern serves the baselines of the few
// days after end: reading it once per series halves the rule's time.
func weeklyPattern(value func(j int) (float64, bool), end, start, weeks int) pattern {
	var p pattern
	var ratios [7][8]float64
	var nr [7]int
	for k := 0; k < weeks && k < 8; k++ {
		e := end - 7*k
		if e-6 < start {
			break
		}
		var vs [7]float64
		sum := 0.0
		full := true
		for d := 0; d < 7; d++ {
			v, ok := value(e - d)
			if !ok {
				full = false
				break
			}
			vs[d] = v
			sum += v
		}
		if !full || sum <= 0 {
			continue
		}
		mean := sum / 7
		for d := 0; d < 7; d++ {
			w := (e - d) % 7
			ratios[w][nr[w]] = vs[d] / mean
			nr[w]++
		}
	}
	for w := range p.f {
		if nr[w] < minWeeks {
			return pattern{}
		}
		p.f[w] = median(sortSmall(ratios[w][:nr[w]]))
		if p.f[w] <= 0 {
			// A weekday with usually nothing: the level cannot be read
			// through it, and there is nothing usual to fall from.
			return pattern{}
		}
	}
	p.ok = true
	return p
}

// baseline of day i under the pattern: the last levelDays days rescaled
// to day i's weekday.
func (p pattern) baseline(value func(j int) (float64, bool), i, start int) baseline {
	if !p.ok || i < 0 {
		return baseline{}
	}
	var buf [levelDays]float64
	vs := buf[:0]
	for j := i - 1; j >= i-levelDays && j >= start; j-- {
		if v, ok := value(j); ok {
			vs = append(vs, v*p.f[i%7]/p.f[j%7])
		}
	}
	if len(vs) < levelDays/2 {
		return baseline{}
	}
	return robust(vs)
}

func sortSmall(vs []float64) []float64 {
	for a := 1; a < len(vs); a++ {
		for b := a; b > 0 && vs[b] < vs[b-1]; b-- {
			vs[b], vs[b-1] = vs[b-1], vs[b]
		}
	}
	return vs
}

// point is one day's value against its baseline.
type point struct {
	obs, exp, sigma float64
	ok              bool
}

// decide tells whether t (the newest day) is an anomaly, alone or with
// the day before (t0), and its direction. The newest day must itself be
// off by at least MinChange, so a finding resolves as soon as the metric
// is back within its band; the day before only adds evidence, so that a
// drop too small to be sure of in one day is caught on the second.
func decide(cfg Config, t, t0 point, pooled bool) (int, bool) {
	if !t.ok || t.exp <= 0 {
		return 0, false
	}
	rel := (t.obs - t.exp) / t.exp
	dir, least := 1, cfg.MinRise
	if rel < 0 {
		dir, least = -1, cfg.MinChange
	}
	if math.Abs(rel) < least {
		return 0, false
	}
	if z := (t.obs - t.exp) / t.sigma; float64(dir)*z >= cfg.MinZ {
		return dir, true
	}
	if !t0.ok || t0.exp <= 0 {
		return 0, false
	}
	obs, exp, sigma := t.obs+t0.obs, t.exp+t0.exp, math.Hypot(t.sigma, t0.sigma)
	if pooled {
		// Ratios (cost per click) average rather than add.
		obs, exp, sigma = obs/2, exp/2, sigma/2
	}
	rel2 := (obs - exp) / exp
	z2 := (obs - exp) / sigma
	if float64(dir)*rel2 >= least && float64(dir)*z2 >= cfg.MinZ {
		return dir, true
	}
	return 0, false
}

// judgeAds looks at one Ads account and its campaigns above the minimum
// size.
func (e *evaluation) judgeAds(acc *account) {
	cfg := e.in.Clients[acc.client].Config
	start := firstActive(acc.total, mImpressions)
	if start < 0 {
		return
	}
	if e.stopped(acc, acc.total, start, cfg) {
		// Every metric of a stopped account fell; the one finding says it.
		return
	}
	// Campaigns above the minimum size, and which of them stopped: a
	// stopped campaign is the most urgent news, and the account's fall it
	// causes is not reported again.
	type watched struct {
		s     *series
		start int
	}
	var live []watched
	e.stoppedParts = map[string]bool{}
	defer func() { e.stoppedParts, e.covered = nil, nil }()
	t := acc.last
	accCost := acc.total.sum(mCost, t-rateDays, t-1)
	accImpr := acc.total.sum(mImpressions, t-rateDays, t-1)
	parts := slices.Clone(acc.parts)
	slices.SortFunc(parts, func(a, b *series) int { return strings.Compare(a.dim, b.dim) })
	for _, p := range parts {
		var share float64
		switch {
		case accCost > 0:
			share = p.sum(mCost, t-rateDays, t-1) / accCost
		case accImpr > 0:
			share = p.sum(mImpressions, t-rateDays, t-1) / accImpr
		}
		if share < cfg.MinCampaignShare || share == 0 {
			continue
		}
		ps := firstActive(p, mImpressions)
		switch {
		case ps < 0:
		case e.stopped(acc, p, ps, cfg):
			e.stoppedParts[p.dim] = true
		default:
			live = append(live, watched{p, ps})
		}
	}
	n0 := len(e.out)
	e.adsMetrics(acc, acc.total, start, cfg)
	// A campaign moving with its account adds nothing to the account's
	// finding, which names the campaign that moved most.
	e.covered = map[string]bool{}
	for _, f := range e.out[n0:] {
		e.covered[f.Fields[FieldMetric]+":"+f.Fields[FieldKind]] = true
	}
	// Campaigns need one more standard deviation: an account has several,
	// and each is one more chance of a false alarm.
	campaignCfg := cfg
	campaignCfg.MinZ++
	campaignCfg.ConversionsP /= 10
	for _, w := range live {
		e.adsMetrics(acc, w.s, w.start, campaignCfg)
	}
}

// stopped reports (and emits) an account or campaign whose impressions
// fell to zero after a normal day: zero since day s0 through the newest
// day, at least MinDailyImpressions a day on average over the four weeks
// before (above the minimum size), and serving on the day before s0.
func (e *evaluation) stopped(acc *account, s *series, start int, cfg Config) bool {
	t := acc.last
	if t < 0 || s.v[mImpressions][t] > 0 {
		return false
	}
	s0 := t
	for s0 > start && s0 > t-rateDays && s.v[mImpressions][s0-1] == 0 {
		s0--
	}
	prev := s0 - 1
	if prev < start {
		return false
	}
	b := weekday(func(j int) (float64, bool) { return s.v[mImpressions][j], true }, prev, start, cfg.BaselineWeeks)
	usual := s.sum(mImpressions, max(prev-rateDays+1, start), prev) / float64(prev-max(prev-rateDays+1, start)+1)
	if b.n == 0 || usual < cfg.MinDailyImpressions || s.v[mImpressions][prev] == 0 {
		return false
	}
	e.emit(verdict{acc: acc, part: s, metric: MetricServing, kind: KindStopped, severity: cfg.StoppedSeverity,
		observed: 0, expected: b.expected, day: t, since: s0, unit: unitCount})
	return true
}

// adsMetrics judges spend, clicks, cost per click and conversions of one
// account total or campaign.
func (e *evaluation) adsMetrics(acc *account, s *series, start int, cfg Config) {
	t := acc.last
	plain := func(m int) func(j int) (float64, bool) {
		return func(j int) (float64, bool) { return s.v[m][j], true }
	}
	cpc := func(j int) (float64, bool) {
		if c := s.v[mClicks][j]; c > 0 {
			return s.v[mCost][j] / c, true
		}
		return 0, false
	}
	clicksPat := weeklyPattern(plain(mClicks), t-2, start, cfg.BaselineWeeks)
	c1, c0 := clicksPat.baseline(plain(mClicks), t, start), clicksPat.baseline(plain(mClicks), t-1, start)
	if c1.n > 0 && c1.expected >= cfg.MinDailyClicks {
		// Spend and cost per click vary with the number of clicks: their
		// relative noise is at least that of a Poisson count of clicks.
		countFloor := func(exp float64) float64 { return math.Max(exp*noiseFloor, math.Sqrt(exp)) }
		relFloor := func(clicks float64) func(float64) float64 {
			return func(exp float64) float64 { return exp * math.Max(noiseFloor, 1/math.Sqrt(math.Max(clicks, 1))) }
		}
		for _, m := range [...]struct {
			metric string
			value  func(j int) (float64, bool)
			floor1 func(float64) float64
			floor0 func(float64) float64
			pooled bool
			unit   unit
		}{
			{MetricSpend, plain(mCost), relFloor(c1.expected), relFloor(c0.expected), false, unitMoney},
			{MetricClicks, plain(mClicks), countFloor, countFloor, false, unitCount},
			{MetricCPC, cpc, relFloor(math.Min(c1.expected, s.v[mClicks][t])), relFloor(c0.expected), true, unitMoney},
		} {
			pat := weeklyPattern(m.value, t-2, start, cfg.BaselineWeeks)
			p1 := e.point(m.value, pat, t, start, m.floor1)
			p0 := e.point(m.value, pat, t-1, start, m.floor0)
			if dir, ok := decide(cfg, p1, p0, m.pooled); ok && !e.covered[m.metric+":"+kindOf(dir)] {
				c := e.contributor(acc, s, m.metric, t, dir, cfg)
				if e.stoppedParts[c.dim] {
					continue // the campaign's "stopped serving" says it
				}
				e.emit(verdict{acc: acc, part: s, metric: m.metric, kind: kindOf(dir), severity: cfg.Severity,
					observed: p1.obs, expected: p1.exp, unit: m.unit, day: t,
					since:       e.since(m.value, t, start, dir, cfg),
					contributor: c})
			}
		}
	}
	if !e.conversions(acc, s, start, cfg) && s == acc.total {
		e.conversionsWindow(acc, s, start, cfg)
	}
}

// point reads day i of value against its baseline under pat, the noise
// floored by floor(expected).
func (e *evaluation) point(value func(j int) (float64, bool), pat pattern, i, start int, floor func(float64) float64) point {
	if i < 0 {
		return point{}
	}
	v, ok := value(i)
	if !ok {
		return point{}
	}
	b := pat.baseline(value, i, start)
	if b.n == 0 {
		return point{}
	}
	return point{obs: v, exp: b.expected, sigma: math.Max(b.sigma, floor(b.expected)), ok: true}
}

// conversions judges conversions as counts. What a day should bring is its
// usual clicks (same weekday) times the conversion rate of the four weeks
// before; the chance of a count at least as far off comes from a negative
// binomial around it, so a day with none where 0.7 were expected is
// ordinary. They are judged ConversionsDelayDays before the newest day,
// once most late conversions have arrived. It reports whether it emitted
// a finding.
func (e *evaluation) conversions(acc *account, s *series, start int, cfg Config) bool {
	t := acc.last - cfg.ConversionsDelayDays
	if t-1 < start {
		return false
	}
	clicks := s.sum(mClicks, max(t-rateDays, start), t-1)
	if clicks <= 0 {
		return false
	}
	rate := s.sum(mConversions, max(t-rateDays, start), t-1) / clicks
	clicksOf := func(j int) (float64, bool) { return s.v[mClicks][j], true }
	pat := weeklyPattern(clicksOf, t-2, start, cfg.BaselineWeeks)
	expected := func(i int) float64 {
		if i >= t-1 {
			return pat.baseline(clicksOf, i, start).expected * rate
		}
		return weekday(clicksOf, i, start, cfg.BaselineWeeks).expected * rate
	}
	l1, l0 := expected(t), expected(t-1)
	if l1 < cfg.MinExpectedConversions {
		return false
	}
	o1, o0 := s.v[mConversions][t], s.v[mConversions][t-1]
	rel := (o1 - l1) / l1
	upper := rel > 0
	dir, least := kindOf(1), cfg.MinRise
	if !upper {
		dir, least = kindOf(-1), cfg.MinChange
	}
	if math.Abs(rel) < least {
		return false
	}
	fire := negBinomTail(o1, l1, upper) < cfg.ConversionsP
	if !fire && l0 > 0 {
		rel2 := (o1 + o0 - l1 - l0) / (l1 + l0)
		fire = (rel2 > 0) == upper && math.Abs(rel2) >= least && negBinomTail(o1+o0, l1+l0, upper) < cfg.ConversionsP
	}
	if !fire || e.covered[MetricConversions+":"+dir] {
		return false
	}
	sign := -1
	if upper {
		sign = 1
	}
	value := func(j int) (float64, bool) { return s.v[mConversions][j], true }
	c := e.contributor(acc, s, MetricConversions, t, sign, cfg)
	if e.stoppedParts[c.dim] && t == acc.last {
		return false
	}
	e.emit(verdict{acc: acc, part: s, metric: MetricConversions, kind: dir, severity: cfg.Severity,
		observed: o1, expected: l1, unit: unitCount, day: t,
		since:       e.sinceRate(value, expected, t, start, sign, cfg),
		contributor: c})
	return true
}

// since walks back from day t while each day is off by MinChange in
// direction dir, and returns the first such day.
func (e *evaluation) since(value func(j int) (float64, bool), t, start, dir int, cfg Config) int {
	return e.sinceRate(value, func(i int) float64 {
		b := weekday(value, i, start, cfg.BaselineWeeks)
		return b.expected
	}, t, start, dir, cfg)
}

func (e *evaluation) sinceRate(value func(j int) (float64, bool), expected func(i int) float64, t, start, dir int, cfg Config) int {
	s := t
	for i := t - 1; i > t-rateDays && i >= start; i-- {
		v, ok := value(i)
		exp := expected(i)
		if !ok || exp <= 0 || float64(dir)*(v-exp)/exp < cfg.least(dir) {
			break
		}
		s = i
	}
	return s
}

// contributor names the campaign whose change against its own usual level
// (the mean of the same weekday) moved the account's metric most in the
// anomaly's direction. Cost per click is traced through cost.
func (e *evaluation) contributor(acc *account, s *series, metric string, t, dir int, cfg Config) contribution {
	if s != acc.total {
		return contribution{}
	}
	m := mCost
	switch metric {
	case MetricClicks:
		m = mClicks
	case MetricConversions:
		m = mConversions
	}
	return pickContributor(acc.parts, func(p *series) float64 {
		n, sum := 0, 0.0
		for k := 1; k <= cfg.BaselineWeeks; k++ {
			if j := t - 7*k; j >= 0 {
				sum += p.v[m][j]
				n++
			}
		}
		if n == 0 {
			return 0
		}
		return p.at(m, t) - sum/float64(n)
	}, dir)
}

// contribution is the part that moved a total most.
type contribution struct {
	dim   string
	delta float64
}

func pickContributor(parts []*series, delta func(p *series) float64, dir int) contribution {
	var best contribution
	for _, p := range parts {
		d := delta(p)
		if float64(dir)*d <= 0 {
			continue
		}
		if best.dim == "" || math.Abs(d) > math.Abs(best.delta) || (math.Abs(d) == math.Abs(best.delta) && p.dim < best.dim) {
			best = contribution{dim: p.dim, delta: d}
		}
	}
	return best
}

// least is the smallest relative change that may alert in direction dir.
func (c Config) least(dir int) float64 {
	if dir > 0 {
		return c.MinRise
	}
	return c.MinChange
}

func kindOf(dir int) string {
	if dir < 0 {
		return KindDrop
	}
	return KindRise
}
