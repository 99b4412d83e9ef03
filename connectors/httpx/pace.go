package httpx

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"sync/atomic"

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

// retryPace is one request's pacer, the done of the first attempt's
// wait, and how many attempts the request has made.
type retryPace struct {
	p        *Pacer
	answered func()
	attempts atomic.Int32
}

// retryPaceKey marks a request context with PaceRetries.
type retryPaceKey struct{}

// PaceRetries returns ctx marked so that a client made by NewClient waits
// for p before each retry of the request made with it. The caller waits
// for p before the first attempt and passes that wait's done, which the
// client calls once the first attempt is answered (the first request of
// a Pacer holds the others until then); the caller still calls done after
// the request, as without retries. Without it a retry after a 429 goes out
// beside the paced requests, finds the vendor's bucket as full as the
// first attempt did, and a pull paced at the vendor's rate runs out of
// retries (Search Console's first pull at 2,000 properties).
func PaceRetries(ctx context.Context, p *Pacer, done func()) context.Context {
	if p == nil {
		return ctx
	}
	return context.WithValue(ctx, retryPaceKey{}, &retryPace{p: p, answered: sync.OnceFunc(done)})
}

// pacedRetries is the round tripper under the retrying client: it lets a
// request's first attempt through and waits for the request's pacer before
// every later one.
type pacedRetries struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t pacedRetries) RoundTrip(req *http.Request) (*http.Response, error) {
	rp, ok := req.Context().Value(retryPaceKey{}).(*retryPace)
	if !ok {
		return t.base.RoundTrip(req)
	}
	if rp.attempts.Add(1) == 1 {
		defer rp.answered()
		return t.base.RoundTrip(req)
	}
	done, err := rp.p.Wait(req.Context())
	if err != nil {
		return nil, err
	}
	defer done()
	return t.base.RoundTrip(req)
}

// CloseIdleConnections closes the idle connections of the round tripper
// underneath, as http.Client.CloseIdleConnections expects.
func (t pacedRetries) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
