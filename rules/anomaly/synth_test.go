package anomaly

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// The synthetic Google Ads accounts the quality test and the benchmark
// run on: weekly seasonality, a trend, day-to-day market noise, Poisson
// clicks, bursty (negative binomial) conversions, several campaigns of
// uneven size, and anomalies injected at known days and sizes.

// size is an account's scale.
type size int

const (
	sizeSmall size = iota
	sizeMedium
	sizeLarge
	nSizes
)

var sizeNames = [nSizes]string{"small", "medium", "large"}

// profile is an account size's typical day: clicks, cost per click,
// conversion rate and click-through rate.
var profiles = [nSizes]struct{ clicks, cpc, convRate, ctr float64 }{
	sizeSmall:  {clicks: 15, cpc: 1.2, convRate: 0.03, ctr: 0.04},
	sizeMedium: {clicks: 150, cpc: 1.5, convRate: 0.05, ctr: 0.05},
	sizeLarge:  {clicks: 1500, cpc: 0.8, convRate: 0.02, ctr: 0.06},
}

// scenario is what is injected from day at on.
type scenario int

const (
	scNone     scenario = iota
	scTraffic           // clicks (and with them spend and conversions) fall by magnitude
	scTracking          // conversions alone fall by magnitude (tracking broke)
	scStopped           // the largest campaign stops serving
)

type synthSpec struct {
	seed      uint64
	size      size
	days      int
	scenario  scenario
	at        int     // day index the anomaly starts
	magnitude float64 // 0.4 is a 40% drop
}

// synth generates one account's dense series: the total and its campaigns.
func synth(sp synthSpec) (*series, []*series) {
	rng := rand.New(rand.NewPCG(sp.seed, 0x5eed))
	p := profiles[sp.size]
	level := p.clicks * math.Exp(rng.NormFloat64()*0.4)
	// Weekly pattern: B2C accounts dip mildly at weekends, B2B ones deeply.
	weekend := 0.8 + rng.Float64()*0.15
	if rng.IntN(3) == 0 {
		weekend = 0.45 + rng.Float64()*0.15
	}
	var week [7]float64
	for d := range week {
		week[d] = 1 + rng.NormFloat64()*0.04
		if d >= 5 {
			week[d] *= weekend
		}
	}
	trend := (rng.Float64()*0.4 - 0.2) / 91 // ±20% a quarter
	nc := 2 + rng.IntN(4)
	shares := make([]float64, nc)
	sum := 0.0
	for i := range shares {
		shares[i] = 0.3 + rng.Float64()
		sum += shares[i]
	}
	largest := 0
	for i := range shares {
		shares[i] /= sum
		if shares[i] > shares[largest] {
			largest = i
		}
	}
	cpc := make([]float64, nc)
	for i := range cpc {
		cpc[i] = p.cpc * math.Exp(rng.NormFloat64()*0.3)
	}
	total := newSeries("", sp.days)
	parts := make([]*series, nc)
	for i := range parts {
		parts[i] = newSeries("campaign:"+strconv.Itoa(1000+i), sp.days)
	}
	for d := 0; d < sp.days; d++ {
		market := math.Exp(rng.NormFloat64() * 0.07)
		base := level * week[d%7] * (1 + trend*float64(d)) * market
		for i := range parts {
			mean := base * shares[i]
			convFactor := 1.0
			if d >= sp.at {
				switch sp.scenario {
				case scTraffic:
					mean *= 1 - sp.magnitude
				case scTracking:
					convFactor = 1 - sp.magnitude
				case scStopped:
					if i == largest {
						mean = 0
					}
				}
			}
			clicks := poisson(rng, mean)
			dayCPC := cpc[i] * math.Exp(rng.NormFloat64()*0.08)
			conv := poisson(rng, clicks*p.convRate*convFactor*gamma(rng, 1/(conversionsDispersion*conversionsDispersion)))
			impr := 0.0
			if mean > 0 {
				impr = poisson(rng, math.Max(clicks, 1)/p.ctr)
			}
			s := parts[i]
			s.v[mClicks][d] = clicks
			s.v[mCost][d] = math.Round(clicks*dayCPC*100) / 100
			s.v[mConversions][d] = conv
			s.v[mImpressions][d] = impr
			for m := range total.v {
				total.v[m][d] += s.v[m][d]
			}
		}
	}
	return total, parts
}

// poisson draws a Poisson count; a normal approximation above 60.
func poisson(rng *rand.Rand, mean float64) float64 {
	if mean <= 0 {
		return 0
	}
	if mean > 60 {
		return math.Max(0, math.Round(mean+math.Sqrt(mean)*rng.NormFloat64()))
	}
	l, k, p := math.Exp(-mean), 0.0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// gamma draws a gamma variate of mean 1 and the given shape (Marsaglia–Tsang).
func gamma(rng *rand.Rand, shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if u := rng.Float64(); math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v / shape
		}
	}
}

// rowsOf turns dense series into the days the store would return, dated
// so that index last is day number lastDay.
func rowsOf(total *series, parts []*series, lastDay int) []Day {
	n := len(total.v[0])
	var days []Day
	add := func(s *series, dim string) {
		for d := 0; d < n; d++ {
			if s.v[mImpressions][d] == 0 && s.v[mClicks][d] == 0 {
				continue // Google Ads omits days without traffic
			}
			days = append(days, Day{Date: dateString(lastDay - (n - 1) + d), Dimension: dim,
				Impressions: s.v[mImpressions][d], Clicks: s.v[mClicks][d], Cost: s.v[mCost][d], Conversions: s.v[mConversions][d]})
		}
	}
	add(total, "")
	for _, p := range parts {
		add(p, p.dim)
	}
	return days
}
