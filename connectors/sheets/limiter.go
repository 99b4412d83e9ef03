package sheets

import (
	"context"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// Limiter keeps Sheets writes under Google's quota (per user and per
// project, per minute) for every spreadsheet Liaison writes: one Limiter
// is shared by all clients. Google counts requests per minute, so the
// Limiter allows at most that many writes in any minute — a burst up to
// the quota goes out at once, the next write waits until the oldest of
// them is a minute old — rather than provoking a 429. After a 429 it holds
// that user's writes for the server's Retry-After, so that other
// spreadsheets do not hit the same wall.
type Limiter struct {
	clk        clock.Clock
	perUser    int
	perProject int

	mu      sync.Mutex
	project []time.Time            // start times of the last writes, oldest first
	users   map[string][]time.Time // the same per user
	paused  map[string]time.Time
}

// NewLimiter returns a Limiter allowing perUser writes a minute for each
// user and perProject for all of them together, timed by clk (clock.Real
// when nil).
func NewLimiter(perUser, perProject int, clk clock.Clock) *Limiter {
	if clk == nil {
		clk = clock.Real{}
	}
	return &Limiter{clk: clk, perUser: max(perUser, 1), perProject: max(perProject, 1),
		users: map[string][]time.Time{}, paused: map[string]time.Time{}}
}

// Wait blocks until user may send one write, or ctx ends, and counts the
// write.
func (l *Limiter) Wait(ctx context.Context, user string) error {
	for {
		l.mu.Lock()
		now := l.clk.Now()
		wait := max(l.untilFree(l.users[user], l.perUser, now), l.untilFree(l.project, l.perProject, now))
		if until := l.paused[user]; until.After(now) {
			wait = max(wait, until.Sub(now))
		}
		if wait <= 0 {
			l.users[user] = record(l.users[user], l.perUser, now)
			l.project = record(l.project, l.perProject, now)
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		select {
		case <-l.clk.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// untilFree is how long until a window holding sent (oldest first) has
// room for one more write.
func (l *Limiter) untilFree(sent []time.Time, limit int, now time.Time) time.Duration {
	if len(sent) < limit {
		return 0
	}
	return sent[len(sent)-limit].Add(time.Minute).Sub(now)
}

// record adds a write at now, keeping only the last limit.
func record(sent []time.Time, limit int, now time.Time) []time.Time {
	sent = append(sent, now)
	if len(sent) > limit {
		sent = append(sent[:0], sent[len(sent)-limit:]...)
	}
	return sent
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
