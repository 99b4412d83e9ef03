package httpx

import (
	"context"
	"fmt"
	"math"
	"sync"

	"golang.org/x/time/rate"
)

// Pacer keeps a client under a vendor's token bucket (vendorBurst requests
// at once, refilled at perSecond) by waiting before each request instead
// of being answered 429, which costs the request and a Retry-After of
// whole seconds. It goes through golang.org/x/time/rate, with two margins:
//
//   - its own bucket starts only when the first request has been answered,
//     so it never runs ahead of the vendor's, which starts when that
//     request arrives;
//   - it holds 50 ms of the vendor's rate (at least one request) less than
//     the vendor's bucket, for requests that arrive closer together than
//     they left (a loaded machine, a busy network).
//
// A nil Pacer does not wait. It is safe for concurrent use.
type Pacer struct {
	perSecond float64
	burst     int

	mu      sync.Mutex
	started bool          // the first request has been let through
	ready   chan struct{} // closed once the first request was answered
	lim     *rate.Limiter
}

// NewPacer returns a Pacer for a vendor bucket of vendorBurst refilled at
// perSecond; nil (no pacing) when perSecond ≤ 0.
func NewPacer(perSecond float64, vendorBurst int) *Pacer {
	if perSecond <= 0 {
		return nil
	}
	reserve := max(1, int(math.Ceil(perSecond*0.05)))
	return &Pacer{perSecond: perSecond, burst: max(1, vendorBurst-reserve), ready: make(chan struct{})}
}

// Wait blocks until a request may be sent; the caller calls done once the
// request is answered (or failed), whatever the answer.
func (p *Pacer) Wait(ctx context.Context) (done func(), err error) {
	if p == nil {
		return func() {}, nil
	}
	p.mu.Lock()
	if !p.started {
		p.started = true
		p.mu.Unlock()
		var once sync.Once
		return func() {
			once.Do(func() {
				lim := rate.NewLimiter(rate.Limit(p.perSecond), p.burst)
				lim.Allow() // the first request's token
				p.mu.Lock()
				p.lim = lim
				p.mu.Unlock()
				close(p.ready)
			})
		}, nil
	}
	p.mu.Unlock()
	select {
	case <-p.ready:
	case <-ctx.Done():
		return func() {}, fmt.Errorf("waiting for the rate limit: %w", ctx.Err())
	}
	p.mu.Lock()
	lim := p.lim
	p.mu.Unlock()
	if err := lim.Wait(ctx); err != nil {
		return func() {}, fmt.Errorf("waiting for the rate limit: %w", err)
	}
	return func() {}, nil
}
