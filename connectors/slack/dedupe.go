package slack

import (
	"container/list"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// Dedupe bounds. Slack retries an event for up to about five minutes (three
// retries over HTTP) and redelivers Socket Mode envelopes within seconds, so
// an hour of memory is ample; the size bounds memory under a flood.
const (
	DefaultDedupeTTL  = time.Hour
	DefaultDedupeSize = 50_000
)

// dedupe remembers recently seen keys (event ids, interaction ids) in
// memory, bounded by size and age, so that a repeat never reaches the
// queue. It is lost on restart; the EventLog, when one is given, catches
// repeats across restarts and replicas.
type dedupe struct {
	clk  clock.Clock
	ttl  time.Duration
	size int

	mu    sync.Mutex
	order *list.List // front is newest; values are *seenKey
	byKey map[string]*list.Element
}

type seenKey struct {
	key string
	at  time.Time
}

func newDedupe(clk clock.Clock, size int, ttl time.Duration) *dedupe {
	if size <= 0 {
		size = DefaultDedupeSize
	}
	if ttl <= 0 {
		ttl = DefaultDedupeTTL
	}
	return &dedupe{clk: clk, ttl: ttl, size: size, order: list.New(), byKey: map[string]*list.Element{}}
}

// firstTime records key and reports whether it was not seen within the TTL.
// An empty key is always new: without an id there is nothing to compare.
func (d *dedupe) firstTime(key string) bool {
	if key == "" {
		return true
	}
	now := d.clk.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expireLocked(now)
	if _, ok := d.byKey[key]; ok {
		return false
	}
	d.byKey[key] = d.order.PushFront(&seenKey{key: key, at: now})
	for d.order.Len() > d.size {
		d.removeLocked(d.order.Back())
	}
	return true
}

// forget drops key, so that a later delivery is handled: used when an event
// was refused before being handled.
func (d *dedupe) forget(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if el, ok := d.byKey[key]; ok {
		d.removeLocked(el)
	}
}

func (d *dedupe) expireLocked(now time.Time) {
	for el := d.order.Back(); el != nil; el = d.order.Back() {
		if now.Sub(el.Value.(*seenKey).at) < d.ttl {
			return
		}
		d.removeLocked(el)
	}
}

func (d *dedupe) removeLocked(el *list.Element) {
	delete(d.byKey, el.Value.(*seenKey).key)
	d.order.Remove(el)
}
