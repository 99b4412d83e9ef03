package deliver

import (
	"sync"
	"time"
)

// pacer keeps writes under Slack's limits without sleeping: about one post
// per second per channel, within a workspace-wide token bucket. It answers
// "not before t"; the sender defers the delivery to t. Channels Slack
// rate-limited are paused until the time Slack named.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     map[string]time.Time // channel → earliest next write

	rate   float64 // workspace tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newPacer(interval time.Duration, perSecond float64, burst int) *pacer {
	return &pacer{interval: interval, next: map[string]time.Time{}, rate: perSecond,
		burst: float64(burst), tokens: float64(burst)}
}

// reserve takes a write slot for channel at now, or reports the earliest
// instant one will be free (ok false, nothing taken).
func (p *pacer) reserve(channel string, now time.Time) (notBefore time.Time, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n, has := p.next[channel]; has && now.Before(n) {
		return n, false
	}
	if !p.last.IsZero() && now.After(p.last) {
		p.tokens += now.Sub(p.last).Seconds() * p.rate
		if p.tokens > p.burst {
			p.tokens = p.burst
		}
	}
	if p.last.IsZero() || now.After(p.last) {
		p.last = now
	}
	if p.tokens < 1 {
		wait := time.Duration((1 - p.tokens) / p.rate * float64(time.Second))
		return now.Add(wait), false
	}
	p.tokens--
	p.next[channel] = now.Add(p.interval)
	if len(p.next) > 4096 {
		for ch, t := range p.next {
			if !t.After(now) {
				delete(p.next, ch)
			}
		}
	}
	return time.Time{}, true
}

// pause stops writes to channel until until.
func (p *pacer) pause(channel string, until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until.After(p.next[channel]) {
		p.next[channel] = until
	}
}
