package anomaly

import "math"

// Conversions that fall while clicks do not — tracking broke, a form
// stopped sending, a thank-you page lost its tag — are rarely visible in
// one day: a day of 7 conversions that brings 4 is ordinary. Summed over
// several days the same fall is not, so the rule also judges the account's
// conversions over its last few final days against what their clicks
// should have brought at the conversion rate of the weeks before.

// windowDays are the stretches of final days judged, shortest first: the
// shortest that shows the fall is the one the alert names.
var windowDays = [...]int{3, 7}

// windowRateDays is how many days before a window its conversion rate is
// read from.
const windowRateDays = 56

// conversionsWindow judges the account total's conversions over the last
// 3 and 7 final days (ending ConversionsDelayDays before the newest day)
// and emits a drop over the shortest window that shows one. Expected
// conversions are the window's own clicks times the conversion rate of
// the windowRateDays before it, so a fall in traffic (which the other
// detectors report) does not count; only the conversions per click fell.
//
// The window alerts when its conversions are at least MinChange below
// expected and the chance of a count this low is below ConversionsP by a
// normal approximation whose variance adds up the Poisson count, its daily
// bursts and the uncertainty of the rate read from the weeks before (the
// approximation overstates the chance of a low count, which keeps it on
// the quiet side). The newest day judged must itself be below what its
// clicks should bring, so the alert resolves once conversions come back.
func (e *evaluation) conversionsWindow(acc *account, s *series, start int, cfg Config) {
	t := acc.last - cfg.ConversionsDelayDays
	if t < start || e.covered[MetricConversions+":"+KindDrop] {
		return
	}
	zMin := -1.0 // read once a window falls short enough to be judged
	const d2 = conversionsDispersion * conversionsDispersion
	for _, n := range windowDays {
		w0 := t - n + 1
		b0 := max(w0-windowRateDays, start)
		if w0-b0 < windowRateDays/2 {
			return
		}
		baseClicks, baseConv, baseBurst := 0.0, 0.0, 0.0
		for j := b0; j < w0; j++ {
			baseClicks += s.v[mClicks][j]
			baseConv += s.v[mConversions][j]
		}
		if baseClicks <= 0 || baseConv <= 0 {
			return
		}
		rate := baseConv / baseClicks
		for j := b0; j < w0; j++ {
			mu := rate * s.v[mClicks][j]
			baseBurst += mu * mu
		}
		exp, obs, burst := 0.0, 0.0, 0.0
		for i := w0; i <= t; i++ {
			mu := rate * s.v[mClicks][i]
			exp += mu
			burst += mu * mu
			obs += s.v[mConversions][i]
		}
		if exp/float64(n) < cfg.MinExpectedConversions || (exp-obs)/exp < cfg.MinChange {
			continue
		}
		if s.v[mConversions][t] >= rate*s.v[mClicks][t] {
			return // the newest day is back to normal
		}
		if zMin < 0 {
			zMin = normalQuantile(cfg.ConversionsP * windowPFactor)
		}
		rateVar := (baseConv + d2*baseBurst) / (baseConv * baseConv)
		v := exp + d2*burst + exp*exp*rateVar
		if (exp-obs)/math.Sqrt(v) < zMin {
			continue
		}
		c := windowContributor(acc.parts, b0, w0, t)
		e.emit(verdict{acc: acc, part: s, metric: MetricConversions, kind: KindDrop, severity: cfg.Severity,
			observed: obs, expected: exp, unit: unitCount, day: t, days: n,
			since:       deficitStart(s, rate, t, max(t-rateDays+1, w0-windowRateDays/2, start)),
			contributor: c})
		return
	}
}

// windowContributor names the campaign whose conversions over the window
// [w0, t] fell furthest below what its own clicks bring at its own rate
// over [b0, w0): the campaign whose tracking most likely broke.
func windowContributor(parts []*series, b0, w0, t int) contribution {
	return pickContributor(parts, func(p *series) float64 {
		clicks := p.sum(mClicks, b0, w0-1)
		if clicks <= 0 {
			return 0
		}
		rate := p.sum(mConversions, b0, w0-1) / clicks
		return p.sum(mConversions, w0, t) - rate*p.sum(mClicks, w0, t)
	}, -1)
}

// deficitStart returns the likeliest first day of the fall through day t
// (no earlier than from): the day from which conversions fell short of
// rate × clicks by the most standard deviations of a count, the shortfall
// over the square root of what was expected.
func deficitStart(s *series, rate float64, t, from int) int {
	best, bestZ, def, exp := t, 0.0, 0.0, 0.0
	for i := t; i >= from; i-- {
		mu := rate * s.v[mClicks][i]
		def += mu - s.v[mConversions][i]
		exp += mu
		if exp <= 0 {
			continue
		}
		if z := def / math.Sqrt(exp); z > bestZ {
			best, bestZ = i, z
		}
	}
	return best
}

// normalQuantile returns z with P(Z ≥ z) = p for a standard normal Z.
func normalQuantile(p float64) float64 {
	lo, hi := -10.0, 10.0
	for range 80 {
		mid := (lo + hi) / 2
		if 0.5*math.Erfc(mid/math.Sqrt2) > p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// windowPFactor is how much larger than conversions_p a window's chance
// of a count this low may be. A window is judged every day and overlaps
// the windows of the days before, so its false alarms come in runs that
// open one alert, not one each; 5 keeps the rule within its false-alert
// target with room to spare (docs/ANOMALIES.md).
const windowPFactor = 5
