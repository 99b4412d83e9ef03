package anomaly

import (
	"math"
	"slices"
)

// madScale turns a median absolute deviation into a standard deviation
// for normally distributed values.
const madScale = 1.4826

// noiseFloor is the least relative day-to-day noise the baseline assumes.
// Eight same-weekday values can agree by chance; without a floor a quiet
// stretch would make the next ordinary wobble look impossible.
const noiseFloor = 0.1

// conversionsDispersion is the extra relative spread of daily conversions
// beyond a Poisson count (negative binomial with shape 1/d²): conversions
// come in bursts (a sale, a B2B lead form shared inside one company).
const conversionsDispersion = 0.15

// baseline is what a value was expected to be and how much it usually moves.
type baseline struct {
	expected float64
	sigma    float64 // robust standard deviation of one value
	n        int     // values it was read from
}

// robust returns the median and scaled MAD of vs, reordering vs.
func robust(vs []float64) baseline {
	n := len(vs)
	if n == 0 {
		return baseline{}
	}
	slices.Sort(vs)
	med := median(vs)
	var buf [32]float64
	dev := buf[:0]
	if n > len(buf) {
		dev = make([]float64, 0, n)
	}
	for _, v := range vs {
		dev = append(dev, math.Abs(v-med))
	}
	slices.Sort(dev)
	return baseline{expected: med, sigma: madScale * median(dev), n: n}
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// negBinomTail returns the probability, for a count with mean lambda and
// relative extra spread d, of a value at most k (lower) or at least k
// (upper). Fractional counts (data-driven attribution) are rounded.
func negBinomTail(k, lambda float64, upper bool) float64 {
	if lambda <= 0 {
		if upper && k > 0 {
			return 0
		}
		return 1
	}
	x := int(math.Round(k))
	if x < 0 {
		x = 0
	}
	r := 1 / (conversionsDispersion * conversionsDispersion)
	if lambda > 2000 {
		// Far into the normal regime; the recurrence would underflow.
		sd := math.Sqrt(lambda + lambda*lambda/r)
		z := (float64(x) - lambda) / sd
		if upper {
			return 0.5 * math.Erfc((z-0.5/sd)/math.Sqrt2)
		}
		return 0.5 * math.Erfc(-(z+0.5/sd)/math.Sqrt2)
	}
	q := lambda / (r + lambda)
	logP0 := r * math.Log(r/(r+lambda))
	p := math.Exp(logP0)
	cdf := 0.0 // P(X < x)
	for i := 0; i < x; i++ {
		cdf += p
		p *= (float64(i) + r) / float64(i+1) * q
	}
	if upper {
		return math.Max(0, 1-cdf)
	}
	return math.Min(1, cdf+p)
}
