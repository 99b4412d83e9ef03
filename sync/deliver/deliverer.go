package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

// Options tune a Deliverer. Zero values take the defaults shown.
type Options struct {
	// DryRun renders deliveries and logs them instead of calling Slack; it
	// adds to delivery.dry_run in the configuration.
	DryRun bool
	// Owner identifies this process in outbox leases; "deliver" by default.
	// Replicas sharing a database must use distinct owners.
	Owner string
	// Lease is how long a claimed delivery stays ours (2m). After a crash
	// another Deliverer reclaims it once the lease expires.
	Lease time.Duration
	// ClaimLimit bounds the deliveries one Send handles (100).
	ClaimLimit int
	// MaxFindingsPerMessage is how many findings a message lists before
	// "and K more" (10).
	MaxFindingsPerMessage int
	// MaxAttempts bounds tries after transient errors before a delivery is
	// failed (10).
	MaxAttempts int
	// BackoffBase and BackoffMax shape the exponential backoff between
	// transient failures (10s, 30m).
	BackoffBase, BackoffMax time.Duration
	// ChannelInterval is the least time between two posts to one channel
	// (1s, Slack's chat.postMessage limit).
	ChannelInterval time.Duration
	// WorkspacePerSecond and WorkspaceBurst are the token bucket all Slack
	// writes of the workspace share (5/s, burst 20).
	WorkspacePerSecond float64
	WorkspaceBurst     int
	// HistoryLimit bounds how many recent messages are searched for a post
	// that may already have been made (200).
	HistoryLimit int
	// Wordings are the rules that word their own findings, by rule name:
	// their findings are rendered with the rule's copy in the recipient's
	// language rather than delivery's.
	Wordings map[string]rules.Wording
}

func (o Options) withDefaults() Options {
	if o.Owner == "" {
		o.Owner = "deliver"
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.ClaimLimit <= 0 {
		o.ClaimLimit = 100
	}
	if o.MaxFindingsPerMessage <= 0 {
		o.MaxFindingsPerMessage = 10
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = 10 * time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 30 * time.Minute
	}
	if o.ChannelInterval <= 0 {
		o.ChannelInterval = time.Second
	}
	if o.WorkspacePerSecond <= 0 {
		o.WorkspacePerSecond = 5
	}
	if o.WorkspaceBurst <= 0 {
		o.WorkspaceBurst = 20
	}
	if o.HistoryLimit <= 0 {
		o.HistoryLimit = 200
	}
	return o
}

// Deliverer turns findings into Slack messages: Reconcile records what rules
// emit and plans notifications in the same transaction, Flush groups due
// notifications into outbox deliveries, Send posts them. All three take time
// from the clock and never sleep; the daemon schedules them as jobs. A
// Deliverer is safe for concurrent use, and several (in several processes)
// may share one store.
type Deliverer struct {
	st      store.Store
	slack   Slack
	dir     func() Directory
	clk     clock.Clock
	log     *slog.Logger
	opts    Options
	metrics *metrics
	pace    *pacer
	wake    *waker

	dryRunSeq atomic.Int64
	// sentTotal counts deliveries recorded as sent, so Drain can tell what
	// it delivered.
	sentTotal atomic.Int64

	// hook, when set by tests, is called at named stages of a send; an
	// error from it aborts Send on the spot, as a crash would.
	hook func(stage, key string) error
	// parked, when set by tests, is called each time Run is about to
	// wait, with how long it will wait at most.
	parked func(wait time.Duration)
}

// Stages at which the test hook is called.
const (
	stageBeforePost  = "before_post"
	stageAfterPost   = "after_post"
	stageAfterRecord = "after_record"
)

// New builds a Deliverer. dir returns the current configuration; reg may be
// nil to skip metrics registration, log nil to discard logs.
func New(st store.Store, sl Slack, dir func() Directory, clk clock.Clock, log *slog.Logger, reg prometheus.Registerer, opts Options) (*Deliverer, error) {
	if st == nil || sl == nil || dir == nil || clk == nil {
		return nil, errors.New("creating deliverer: store, slack, directory and clock are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts = opts.withDefaults()
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("creating deliverer: %w", err)
	}
	return &Deliverer{
		st: st, slack: sl, dir: dir, clk: clk, log: log, opts: opts, metrics: m,
		pace: newPacer(opts.ChannelInterval, opts.WorkspacePerSecond, opts.WorkspaceBurst),
		wake: newWaker(),
	}, nil
}

// Tick flushes due notifications and sends due deliveries: one pass of the
// delivery loop, for tests and `liaison sync --once`.
func (d *Deliverer) Tick(ctx context.Context) error {
	if err := d.Flush(ctx); err != nil {
		return err
	}
	return d.Send(ctx)
}
