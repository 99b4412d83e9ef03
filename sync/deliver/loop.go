package deliver

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// DefaultIdle is how long Run waits, with nothing scheduled, before it
// looks at the store again: the safety net for work no wake-up announced
// (a silence that ended, a replica's lease that expired).
const DefaultIdle = 10 * time.Second

// waker tells the delivery loop that something was planned: a channel
// that holds at most one wake-up, and the earliest instant announced since
// the loop last looked.
type waker struct {
	ch chan struct{}
	mu sync.Mutex
	at time.Time
}

func newWaker() *waker { return &waker{ch: make(chan struct{}, 1)} }

// poke announces work due at at (now, or later: a group_wait).
func (w *waker) poke(at time.Time) {
	w.mu.Lock()
	if w.at.IsZero() || at.Before(w.at) {
		w.at = at
	}
	w.mu.Unlock()
	select {
	case w.ch <- struct{}{}:
	default:
	}
}

// take returns and forgets the earliest announced instant (zero if none).
func (w *waker) take() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	at := w.at
	w.at = time.Time{}
	return at
}

// Run is the delivery loop of a long-lived process: it flushes and sends
// what is due, then sleeps until the next instant something comes due (a
// grouped alert's group_wait, a channel's next pacing slot, a retry), or
// until Record, Reconcile or an action plans new work, whichever is first.
// A reply recorded now is therefore sent now, not at the next tick, and a
// paced post goes exactly when Slack's per-channel limit allows. With
// nothing scheduled it looks again after idle (DefaultIdle when zero).
//
// Several processes may run it on one store: outbox claims and their
// leases keep each delivery to one sender. Run returns when ctx is done.
func (d *Deliverer) Run(ctx context.Context, idle time.Duration) error {
	if idle <= 0 {
		idle = DefaultIdle
	}
	var hint time.Time // an announced instant still ahead
	for {
		if at := d.wake.take(); !at.IsZero() && (hint.IsZero() || at.Before(hint)) {
			hint = at
		}
		sent := d.sentTotal.Load()
		// What falls due while the pass runs (a channel's next slot, when
		// the pass's store writes outlast Slack's one-second interval) is
		// looked for from the pass's start: the loop goes round again at
		// once instead of sleeping through it.
		passStart := d.clk.Now()
		if err := d.Tick(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			d.log.Error("delivering", "err", err)
		}
		now := d.clk.Now()
		if !hint.IsZero() && !hint.After(now) {
			hint = time.Time{}
		}
		next, err := d.nextDue(ctx, passStart)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			d.log.Error("looking for the next delivery", "err", err)
		}
		if d.sentTotal.Load() != sent && d.dueNow(ctx, now) {
			continue // a full claim batch: more is due at once
		}
		wait := idle
		for _, at := range []time.Time{next, hint} {
			if !at.IsZero() && at.Sub(now) < wait {
				wait = max(at.Sub(now), 0)
			}
		}
		// The timer starts before parked reports the wait, so a test
		// that advances its clock on the report wakes this very timer.
		timer := d.clk.After(wait)
		if d.parked != nil {
			d.parked(wait)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake.ch:
		case <-timer:
		}
	}
}

// nextDue is the earliest instant after since at which Tick has something
// to do: a pending delivery, a grouped alert, an escalation or a repeat.
// Work due already yet still waiting (a silenced finding, a recipient off
// work) is Flush's to move; it does not make the loop spin.
func (d *Deliverer) nextDue(ctx context.Context, since time.Time) (time.Time, error) {
	var next time.Time
	consider := func(at time.Time) {
		if at.After(since) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	ds, err := d.st.ListDeliveries(ctx, store.DeliveryFilter{State: store.DeliveryPending, Limit: 1})
	if err != nil {
		return next, fmt.Errorf("listing pending deliveries: %w", err)
	}
	for _, dl := range ds {
		consider(dl.DueAt)
	}
	for _, state := range []store.NotificationState{store.NotifyPending, store.NotifyWaiting, store.NotifySent} {
		ns, err := d.st.ListNotifications(ctx, store.NotificationFilter{State: state, Limit: 1})
		if err != nil {
			return next, fmt.Errorf("listing notifications: %w", err)
		}
		for _, n := range ns {
			consider(n.DueAt)
		}
	}
	return next, nil
}

// dueNow reports whether a pending delivery is due at now.
func (d *Deliverer) dueNow(ctx context.Context, now time.Time) bool {
	ds, err := d.st.ListDeliveries(ctx, store.DeliveryFilter{State: store.DeliveryPending, Limit: 1})
	return err == nil && len(ds) == 1 && !ds[0].DueAt.After(now)
}
