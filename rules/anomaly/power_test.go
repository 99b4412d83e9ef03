package anomaly

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// The best any detector can do with conversions alone: for a count with
// expected value lambda a day, the Neyman–Pearson test of "the rate is
// lambda" against "the rate fell by 40%" alerts when the count is at most
// a threshold (the likelihood ratio falls with the count), and no test
// with the same false-alarm rate α catches the fall more often. These
// tests compute its power exactly, for a Poisson count and for the
// synthetic accounts' bursty (negative binomial) one, over one day and
// over two days (the drop's first two final days, summed).

// falseAlarmBudget is the target: at most one false alert per account per
// quarter, over everything the rule watches.
const falseAlarmBudget = 1.0 / 91

// accountTests is how many one-sided tests of an account the rule makes
// each day and the budget is shared by: spend, clicks, cost per click and
// conversions, each for a fall and a rise. Campaigns and "stopped
// serving" make more; leaving them out favours the conversions test.
const accountTests = 8

// countModel is a daily count: Poisson (dispersion 0) or negative
// binomial with relative extra spread dispersion (a Poisson count whose
// daily rate is a gamma variate of mean lambda and relative spread
// dispersion).
type countModel struct {
	name       string
	dispersion float64
}

// logPMF returns log P(X = k) for a count with mean lambda.
func (m countModel) logPMF(k int, lambda float64) float64 {
	x := float64(k)
	if m.dispersion == 0 {
		lg, _ := math.Lgamma(x + 1)
		return x*math.Log(lambda) - lambda - lg
	}
	r := 1 / (m.dispersion * m.dispersion)
	a, _ := math.Lgamma(x + r)
	b, _ := math.Lgamma(r)
	c, _ := math.Lgamma(x + 1)
	return a - b - c + r*math.Log(r/(r+lambda)) + x*math.Log(lambda/(r+lambda))
}

// pmf returns P(X = k) for k = 0..n of the sum of days independent daily
// counts of mean lambda each.
func (m countModel) pmf(lambda float64, days, n int) []float64 {
	one := make([]float64, n+1)
	for k := range one {
		one[k] = math.Exp(m.logPMF(k, lambda))
	}
	sum := one
	for d := 1; d < days; d++ {
		next := make([]float64, n+1)
		for i, p := range sum {
			for j := 0; i+j <= n; j++ {
				next[i+j] += p * one[j]
			}
		}
		sum = next
	}
	return sum
}

// npPower is the Neyman–Pearson test of a fall from lambda to
// (1-drop)·lambda a day, summed over days, at false-alarm rate alpha: the
// largest threshold c with P(X ≤ c) ≤ alpha under the usual rate, and its
// power P(X ≤ c) under the fallen one. randomised is the power of the
// test that also alerts with a probability at the count c+1 to use up
// alpha exactly: the bound no test of that rate exceeds.
func npPower(m countModel, lambda, drop float64, days int, alpha float64) (c int, power, randomised float64) {
	// The threshold lies below the usual mean: counts above it are never
	// needed.
	n := int(lambda*float64(days)) + 10
	p0 := m.pmf(lambda, days, n)
	p1 := m.pmf(lambda*(1-drop), days, n)
	c = -1
	var f0, f1 float64
	for k := 0; k <= n && f0+p0[k] <= alpha; k++ {
		f0 += p0[k]
		f1 += p1[k]
		c = k
	}
	power = f1
	randomised = f1
	if c+1 <= n && p0[c+1] > 0 {
		randomised += (alpha - f0) / p0[c+1] * p1[c+1]
	}
	return c, power, randomised
}

// gammaCDF is the regularised lower incomplete gamma function P(a, x),
// by its series (accurate for the shapes and arguments used here).
func gammaCDF(a, x float64) float64 {
	if x <= 0 {
		return 0
	}
	lg, _ := math.Lgamma(a)
	sum, term := 1/a, 1/a
	for n := 1; n < 10000; n++ {
		term *= x / (a + float64(n))
		sum += term
		if term < sum*1e-15 {
			break
		}
	}
	return math.Min(1, sum*math.Exp(-x+a*math.Log(x)-lg))
}

// burstLimit is the power with unlimited volume for a negative binomial
// count: the Poisson noise vanishes and the daily bursts remain, so the
// count per lambda is a gamma variate (shape days/dispersion² for the sum
// of days); the test alerts below its α-quantile.
func burstLimit(dispersion, drop float64, days int, alpha float64) float64 {
	shape := float64(days) / (dispersion * dispersion)
	// The α-quantile q of Gamma(shape, scale 1), by bisection.
	lo, hi := 0.0, shape*4
	for range 200 {
		mid := (lo + hi) / 2
		if gammaCDF(shape, mid) < alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	return gammaCDF(shape, lo/(1-drop))
}

// smallestVolume returns the smallest expected daily count at which the
// randomised Neyman–Pearson test reaches power, on a grid of steps of 0.5
// or 2% (whichever is larger), or 0 if it does not up to limit.
func smallestVolume(m countModel, drop float64, days int, alpha, power, limit float64) float64 {
	for lambda := 0.5; lambda <= limit; lambda += math.Max(0.5, math.Round(lambda*0.04)/2) {
		if _, _, p := npPower(m, lambda, drop, days, alpha); p >= power {
			return lambda
		}
	}
	return 0
}

// TestConversionsDetectability: with 5 expected conversions a day, no
// detector catches a 40% fall of conversions alone within one day in 95%
// of accounts at the false-alarm budget; the log has the figures for
// docs/ANOMALIES.md.
func TestConversionsDetectability(t *testing.T) {
	const drop, lambda, target = 0.4, 5.0, 0.95
	models := []countModel{{"Poisson", 0}, {"negative binomial (bursts ±15%)", conversionsDispersion}}
	alphas := []struct {
		name  string
		alpha float64
	}{
		{fmt.Sprintf("fair share 1/(91·%d)", accountTests), falseAlarmBudget / accountTests},
		{"whole budget 1/91", falseAlarmBudget},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| count | per-test α | days | alerts at ≤ | P(detect) at 5/day | randomised bound | 95%% possible from (per day) |\n|---|---|---|---|---|---|---|\n")
	for _, m := range models {
		for _, a := range alphas {
			for _, days := range []int{1, 2} {
				c, p, pr := npPower(m, lambda, drop, days, a.alpha)
				if pr >= target {
					t.Errorf("%s, α %g, %d days: power %.3f at 5 conversions a day, want below %.2f", m.name, a.alpha, days, pr, target)
				}
				if p > pr+1e-12 {
					t.Errorf("%s: the threshold test's power %.4f exceeds the randomised bound %.4f", m.name, p, pr)
				}
				thr := "never alerts"
				if c >= 0 {
					thr = fmt.Sprint(c)
				}
				from := "not up to 1,000"
				if m.dispersion > 0 {
					lim := burstLimit(m.dispersion, drop, days, a.alpha)
					switch v := smallestVolume(m, drop, days, a.alpha, target, 1000); {
					case lim < target:
						from = fmt.Sprintf("never (%.0f%% at unlimited volume)", 100*lim)
					case v > 0:
						from = fmt.Sprintf("%.1f (%.0f%% at unlimited volume)", v, 100*lim)
					default:
						from = fmt.Sprintf("not up to 1,000 (%.0f%% at unlimited volume)", 100*lim)
					}
				} else if v := smallestVolume(m, drop, days, a.alpha, target, 1000); v > 0 {
					from = fmt.Sprintf("%.1f", v)
				}
				fmt.Fprintf(&b, "| %s | %s = %.2g | %d | %s | %.1f%% | %.1f%% | %s |\n", m.name, a.name, a.alpha, days, thr, 100*p, 100*pr, from)
			}
		}
	}
	// A check of the arithmetic: P(X = 0) for a Poisson count of mean 5 is e⁻⁵.
	if got := math.Exp(countModel{}.logPMF(0, 5)); math.Abs(got-math.Exp(-5)) > 1e-15 {
		t.Errorf("Poisson P(0) = %g, want e⁻⁵", got)
	}
	t.Log("Neyman–Pearson test of a 40% fall of conversions alone, 5 expected a day:\n" + b.String())

	// The same bound for the 3- and 7-day windows the rule judges, at
	// their per-test rate (5 × conversions_p), for a medium account's 7
	// conversions a day: what the windows could reach if the usual rate
	// were known exactly.
	alpha := DefaultConfig().ConversionsP * windowPFactor
	var w strings.Builder
	fmt.Fprintf(&w, "| count | drop | days | P(detect) at 7 a day | randomised bound |\n|---|---|---|---|---|\n")
	for _, m := range models {
		for _, dr := range []float64{0.4, 0.6} {
			for _, days := range []int{3, 7} {
				_, p, pr := npPower(m, 7, dr, days, alpha)
				fmt.Fprintf(&w, "| %s | −%.0f%% | %d | %.0f%% | %.0f%% |\n", m.name, dr*100, days, 100*p, 100*pr)
			}
		}
	}
	t.Logf("Neyman–Pearson bound over several days, α = %g, 7 expected a day:\n%s", alpha, w.String())
}
