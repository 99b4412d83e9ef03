package slackfake

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// Tier is a Slack Web API rate-limit tier.
type Tier int

// Slack's tiers. TierPostMessage is chat.postMessage's special limit of about
// one message per second per channel, with short bursts allowed.
const (
	Tier1 Tier = iota + 1
	Tier2
	Tier3
	Tier4
	TierSpecial
	TierPostMessage
)

// Limit is a token bucket: Burst calls at once, refilled at PerMinute.
type Limit struct {
	PerMinute float64
	Burst     int
}

// tierLimits follows Slack's published tiers (1+, 20+, 50+, 100+ per minute);
// each tier allows a burst of one minute's worth.
func tierLimit(t Tier) Limit {
	switch t {
	case Tier1:
		return Limit{PerMinute: 1, Burst: 1}
	case Tier2:
		return Limit{PerMinute: 20, Burst: 20}
	case Tier3:
		return Limit{PerMinute: 50, Burst: 50}
	case Tier4:
		return Limit{PerMinute: 100, Burst: 100}
	case TierPostMessage:
		return Limit{PerMinute: 60, Burst: 5}
	default:
		return Limit{PerMinute: 600, Burst: 600}
	}
}

// RateLimitMode selects how the fake applies tier limits.
type RateLimitMode int

const (
	// RateLimitsReal applies each method's tier as token buckets on the
	// injected clock.
	RateLimitsReal RateLimitMode = iota
	// RateLimitsOff never limits; scripted faults still apply.
	RateLimitsOff
)

// Fault is a scripted answer for the next calls of a method, used to make
// 429 storms, 5xx and auth failures happen exactly when a test wants.
type Fault struct {
	// Method is the Web API method, or "*" for any.
	Method string
	// Times is how many calls the fault answers; 0 means 1.
	Times int
	// Status is the HTTP status; 429 sends Retry-After and
	// {"ok":false,"error":"ratelimited"}. 0 means 200 with Error.
	Status int
	// RetryAfter is sent with a 429 (whole seconds, at least 1).
	RetryAfter time.Duration
	// Error is the Slack error code for a 200 answer (e.g. "invalid_auth").
	Error string
}

type bucket struct {
	tokens float64
	last   time.Time
}

type limiter struct {
	clk    clock.Clock
	mode   RateLimitMode
	over   map[string]Limit
	mu     sync.Mutex
	b      map[string]*bucket
	script []Fault
}

func newLimiter(clk clock.Clock, mode RateLimitMode, over map[string]Limit) *limiter {
	return &limiter{clk: clk, mode: mode, over: over, b: map[string]*bucket{}}
}

// Script queues faults; each answers the next matching calls in order,
// before any real limit is looked at.
func (s *Server) Script(faults ...Fault) {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	for _, f := range faults {
		if f.Times <= 0 {
			f.Times = 1
		}
		s.limiter.script = append(s.limiter.script, f)
	}
}

// SetRateLimits switches the limit mode and forgets all buckets.
func (s *Server) SetRateLimits(mode RateLimitMode) {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	s.limiter.mode = mode
	s.limiter.b = map[string]*bucket{}
}

func (l *limiter) admit(req *request, spec methodSpec) *apiError {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.script {
		f := &l.script[i]
		if f.Method != "*" && f.Method != req.method {
			continue
		}
		f.Times--
		hit := *f
		if f.Times == 0 {
			l.script = append(l.script[:i], l.script[i+1:]...)
		}
		return faultError(hit)
	}
	if l.mode == RateLimitsOff {
		return nil
	}
	lim, ok := l.over[req.method]
	if !ok {
		lim = tierLimit(spec.tier)
	}
	key := req.method
	if spec.perChannel {
		key += "/" + req.arg("channel")
	}
	now := l.clk.Now()
	b := l.b[key]
	if b == nil {
		b = &bucket{tokens: float64(lim.Burst), last: now}
		l.b[key] = b
	}
	perSec := lim.PerMinute / 60
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(float64(lim.Burst), b.tokens+el*perSec)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return nil
	}
	wait := math.Ceil((1 - b.tokens) / perSec)
	return ratelimited(time.Duration(wait) * time.Second)
}

func faultError(f Fault) *apiError {
	switch {
	case f.Status == http.StatusTooManyRequests:
		return ratelimited(f.RetryAfter)
	case f.Status != 0 && f.Status != http.StatusOK:
		code := f.Error
		if code == "" {
			code = "fatal_error"
		}
		return &apiError{code: code, status: f.Status}
	default:
		return errCode(f.Error)
	}
}

func ratelimited(after time.Duration) *apiError {
	secs := max(int64(math.Ceil(after.Seconds())), 1)
	h := http.Header{}
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
	return &apiError{code: "ratelimited", status: http.StatusTooManyRequests, header: h}
}
