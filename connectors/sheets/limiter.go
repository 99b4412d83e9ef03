package sheets

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/liaisonhq/liaison/clock"
)

// Limiter keeps Sheets writes under Google's quota (per user and per
// project, per minute) for every spreadsheet Liaison writes: one Limiter
// is shared by all clients. It waits before a write rather than provoking
// a 429, and after a 429 it holds that user's writes for the server's
// Retry-After so that other spreadsheets do not hit the same wall.
type Limiter struct {
	clk     clock.Clock
	perUser rate.Limit
	burst   int

	mu      sync.Mutex
	project *rate.Limiter
	users   map[string]*rate.Limiter
	paused  map[string]time.Time
}

// NewLimiter returns a Limiter allowing perUser writes a minute for each
// user and perProject for all of them together, timed by clk (clock.Real
// when nil).
func NewLimiter(perUser, perProject int, clk clock.Clock) *Limiter {
	if clk == nil {
		clk = clock.Real{}
	}
	perUser, perProject = max(perUser, 1), max(perProject, 1)
	// A small burst lets a spreadsheet's two or three writes go out
	// together while keeping any minute near the quota.
	burst := max(1, perUser/12)
	return &Limiter{clk: clk, perUser: rate.Limit(float64(perUser) / 60), burst: burst,
		project: rate.NewLimiter(rate.Limit(float64(perProject)/60), max(1, perProject/12)),
		users:   map[string]*rate.Limiter{}, paused: map[string]time.Time{}}
}

// Wait blocks until user may send one write, or ctx ends.
func (l *Limiter) Wait(ctx context.Context, user string) error {
	l.mu.Lock()
	now := l.clk.Now()
	ul := l.users[user]
	if ul == nil {
		ul = rate.NewLimiter(l.perUser, l.burst)
		l.users[user] = ul
	}
	ru, rp := ul.ReserveN(now, 1), l.project.ReserveN(now, 1)
	delay := max(ru.DelayFrom(now), rp.DelayFrom(now))
	if until := l.paused[user]; until.After(now) {
		delay = max(delay, until.Sub(now))
	}
	l.mu.Unlock()
	if delay <= 0 {
		return nil
	}
	select {
	case <-l.clk.After(delay):
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		ru.CancelAt(l.clk.Now())
		rp.CancelAt(l.clk.Now())
		l.mu.Unlock()
		return ctx.Err()
	}
}

// Pause holds user's writes for d, after Sheets answered 429.
func (l *Limiter) Pause(user string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until := l.clk.Now().Add(d)
	if until.After(l.paused[user]) {
		l.paused[user] = until
	}
}
