package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// drainBound is how long `sync --once` waits out Slack's pacing and rate
// limits for messages due now before it reports the rest as deferred.
const drainBound = 2 * time.Minute

// Summary is what one cycle did, as `liaison sync --once` reports it.
type Summary struct {
	Tasks    int // Jira issues fetched
	Worklogs int // Jira worklogs stored
	Messages int // Slack messages read from history and stored
	// SlackChannels counts the channels whose history was read, SlackTime
	// how long that took and SlackWait how much of it went to waiting for
	// Slack's rate limits (Tier 3 pacing, 429 answers).
	SlackChannels        int
	SlackTime, SlackWait time.Duration
	MetricRows           int // Google Ads and Search Console rows stored

	Opened, Updated, Resolved int // findings

	Delivered int                // Slack writes made: posts, updates, thread notes, replies, private notes
	Deferred  []deliver.Deferral // what waits, and why
}

// tally accumulates a Summary while the App works. The daemon never reads
// it; the counters only ever grow, so SyncOnce reports the difference.
type tally struct {
	mu sync.Mutex
	s  Summary
}

func (t *tally) add(f func(*Summary)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(&t.s)
}

func (t *tally) snapshot() Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.s
}

func (t *tally) since(before Summary) Summary {
	now := t.snapshot()
	return Summary{
		Tasks: now.Tasks - before.Tasks, Worklogs: now.Worklogs - before.Worklogs,
		Messages: now.Messages - before.Messages, MetricRows: now.MetricRows - before.MetricRows,
		Opened: now.Opened - before.Opened, Updated: now.Updated - before.Updated, Resolved: now.Resolved - before.Resolved,
		SlackChannels: now.SlackChannels - before.SlackChannels,
		SlackTime:     now.SlackTime - before.SlackTime, SlackWait: now.SlackWait - before.SlackWait,
	}
}

// countingReconciler counts what rules' findings did on their way to
// delivery.
type countingReconciler struct {
	d *deliver.Deliverer
	t *tally
}

func (c countingReconciler) Reconcile(ctx context.Context, rule string, scope []string, fs []rules.Finding, now time.Time) (deliver.ReconcileResult, error) {
	res, err := c.d.Reconcile(ctx, rule, scope, fs, now)
	c.count(res)
	return res, err
}

func (c countingReconciler) Record(ctx context.Context, rule string, fs []rules.Finding, replies []deliver.Reply, now time.Time) (deliver.ReconcileResult, error) {
	res, err := c.d.Record(ctx, rule, fs, replies, now)
	c.count(res)
	return res, err
}

func (c countingReconciler) ReconcileKeys(ctx context.Context, rule string, fs []rules.Finding, resolve []string, now time.Time) (deliver.ReconcileResult, error) {
	res, err := c.d.ReconcileKeys(ctx, rule, fs, resolve, now)
	c.count(res)
	return res, err
}

func (c countingReconciler) count(res deliver.ReconcileResult) {
	c.t.add(func(s *Summary) {
		s.Opened += res.New + res.Reopened
		s.Updated += res.Changed
		s.Resolved += res.Resolved
	})
}

// RunOnce is SyncOnce reporting what the cycle did. Its delivery step
// sends everything due now, waiting out Slack's pacing within a bound,
// and tells what is left for later and why.
func (a *App) RunOnce(ctx context.Context) (Summary, error) {
	before := a.tally.snapshot()
	var drained deliver.DrainResult
	err := a.cycle(ctx, func(ctx context.Context) error {
		if a.slack == nil {
			if err := a.deliver.Flush(ctx); err != nil {
				return err
			}
			var err error
			drained.Deferred, err = a.deliver.Backlog(ctx)
			return err
		}
		var err error
		drained, err = a.deliver.Drain(ctx, drainBound)
		return err
	})
	s := a.tally.since(before)
	s.Delivered, s.Deferred = drained.Delivered, drained.Deferred
	return s, err
}
