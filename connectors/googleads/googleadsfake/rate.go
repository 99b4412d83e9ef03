package googleadsfake

import (
	"math"
	"strconv"
	"time"
)

// RateLimit is a token bucket on the developer token's requests: Burst at
// once, refilled at PerSecond. Google's documentation says requests are
// metered in queries per second per developer token and per account, and
// answered RESOURCE_TEMPORARILY_EXHAUSTED past the limit, without giving
// the limit; callers choose it.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

type tokenBucket struct {
	tokens float64
	last   time.Time
	primed bool
}

// takeToken takes one token of the rate limit, or says how long until one
// is there.
func (f *Fake) takeToken() (time.Duration, bool) {
	if f.rate.PerSecond <= 0 || f.rate.Burst <= 0 {
		return 0, true
	}
	now := f.clk.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	b := &f.bucket
	if !b.primed {
		*b = tokenBucket{tokens: float64(f.rate.Burst), last: now, primed: true}
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(float64(f.rate.Burst), b.tokens+elapsed*f.rate.PerSecond)
	}
	b.last = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / f.rate.PerSecond * float64(time.Second)), false
	}
	b.tokens--
	return 0, true
}

// rateExhausted is the GoogleAdsError of a request over the rate limit,
// with the retry delay in quotaErrorDetails (whole seconds, at least 1, as
// Google gives it).
func rateExhausted(retry time.Duration) adsError {
	secs := max(1, int(math.Ceil(retry.Seconds())))
	return adsError{ErrorCode: map[string]string{"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"},
		Message: "Too many requests. Retry in " + strconv.Itoa(secs) + " seconds.",
		Details: map[string]any{"quotaErrorDetails": map[string]any{
			"rateScope": "DEVELOPER", "rateName": "Requests per second",
			"retryDelay": strconv.Itoa(secs) + "s"}}}
}
