package daemon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/sync/store"
)

// EventRetention is how long a handled Slack event id is remembered. Slack
// retries an Events API delivery for about five minutes and redelivers
// Socket Mode envelopes within seconds; a day covers a long outage of the
// receiving side too.
const EventRetention = 24 * time.Hour

// eventPruneEvery is how often FirstTime also prunes expired ids.
const eventPruneEvery = time.Hour

// storeEventLog is the Slack connector's EventLog over the store, shared by
// successive processes on one data directory and by replicas on one
// PostgreSQL. It prunes ids older than EventRetention at most once per
// eventPruneEvery, on the way.
type storeEventLog struct {
	st  store.Events
	clk clock.Clock
	log *slog.Logger

	mu        sync.Mutex
	lastPrune time.Time
}

var _ slackconn.EventLog = (*storeEventLog)(nil)

func newStoreEventLog(st store.Events, clk clock.Clock, log *slog.Logger) *storeEventLog {
	return &storeEventLog{st: st, clk: clk, log: log}
}

// FirstTime implements slackconn.EventLog.
func (l *storeEventLog) FirstTime(ctx context.Context, key string) (bool, error) {
	now := l.clk.Now()
	l.prune(ctx, now)
	return l.st.MarkEventSeen(ctx, key, now)
}

// Forget implements slackconn.EventLog.
func (l *storeEventLog) Forget(ctx context.Context, key string) error {
	return l.st.ForgetEvent(ctx, key)
}

// prune drops expired ids when the last prune is older than
// eventPruneEvery. A failure is logged and retried next time: keeping ids
// longer loses nothing.
func (l *storeEventLog) prune(ctx context.Context, now time.Time) {
	l.mu.Lock()
	due := now.Sub(l.lastPrune) >= eventPruneEvery
	if due {
		l.lastPrune = now
	}
	l.mu.Unlock()
	if !due {
		return
	}
	n, err := l.st.PruneEvents(ctx, now.Add(-EventRetention))
	if err != nil {
		l.log.Warn("pruning handled slack event ids", "err", err)
		return
	}
	if n > 0 {
		l.log.Debug("pruned handled slack event ids", "count", n)
	}
}
