package deliver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/hours"
	"github.com/liaisonhq/liaison/sync/store"
)

// Reasons a message was not delivered yet, as Backlog reports them.
const (
	DeferWorkingHours = "working hours" // the recipient is off work; it goes at their next working moment
	DeferGrouping     = "grouping"      // the recipient had a message less than group_interval ago
	DeferSilence      = "silence"       // a silence mutes the finding
	DeferDigest       = "daily digest"  // an info finding waits for the recipient's digest
	DeferPacing       = "pacing"        // Slack's per-channel and workspace write limits
	DeferRateLimit    = "rate limit"    // Slack answered 429 and named a time
	DeferRetry        = "retry"         // a transient error; tried again with backoff
	DeferScheduled    = "scheduled"     // due later for another reason
)

// Deferral counts the messages held back for one reason.
type Deferral struct {
	Reason string
	Count  int
	Next   time.Time // the earliest of them goes then (for silences: when the silence ends)
}

// DrainResult is what one Drain did.
type DrainResult struct {
	// Delivered counts the Slack writes made: posts, updates, thread notes,
	// replies and private notes.
	Delivered int
	// Deferred is what is left for later, by reason (sorted by reason).
	Deferred []Deferral
}

// Drain delivers everything due now, for a process that is about to exit
// (`liaison sync --once`): it flushes and sends, then waits out the pacing
// and rate limits that held deliveries back, as long as they come due
// within bound of the start, and sends again. What is still waiting after
// that (working hours, grouping, silences...) is reported, not waited for.
func (d *Deliverer) Drain(ctx context.Context, bound time.Duration) (DrainResult, error) {
	var (
		res    DrainResult
		errs   []error
		until  = d.clk.Now().Add(bound)
		before = d.sentTotal.Load()
	)
	for {
		sent := d.sentTotal.Load()
		if err := d.Tick(ctx); err != nil {
			if ctx.Err() != nil {
				return res, err
			}
			errs = append(errs, err)
		}
		next, ok, err := d.nextDelivery(ctx)
		if err != nil {
			return res, err
		}
		now := d.clk.Now()
		if !ok || next.After(until) {
			break
		}
		if !next.After(now) {
			if d.sentTotal.Load() == sent {
				break // due, yet nothing moved: do not spin
			}
			continue
		}
		select {
		case <-d.clk.After(next.Sub(now)):
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
	res.Delivered = int(d.sentTotal.Load() - before)
	var err error
	if res.Deferred, err = d.Backlog(ctx); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// nextDelivery returns when the earliest pending delivery is due.
func (d *Deliverer) nextDelivery(ctx context.Context) (time.Time, bool, error) {
	ds, err := d.st.ListDeliveries(ctx, store.DeliveryFilter{State: store.DeliveryPending, Limit: 1})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("listing pending deliveries: %w", err)
	}
	if len(ds) == 0 {
		return time.Time{}, false, nil
	}
	return ds[0].DueAt, true, nil
}

// Backlog tells what has not been delivered yet and why: notifications
// waiting to be grouped into a message, and outbox deliveries due later.
// Escalations that are not due yet are not counted: nothing is late.
func (d *Deliverer) Backlog(ctx context.Context) ([]Deferral, error) {
	now := d.clk.Now()
	dir := d.dir()
	by := map[string]*Deferral{}
	add := func(reason string, at time.Time) {
		df := by[reason]
		if df == nil {
			df = &Deferral{Reason: reason, Next: at}
			by[reason] = df
		}
		df.Count++
		if at.Before(df.Next) {
			df.Next = at
		}
	}
	silences, err := d.st.ListActiveSilences(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("listing silences: %w", err)
	}
	pending, err := d.st.ListNotifications(ctx, store.NotificationFilter{State: store.NotifyPending})
	if err != nil {
		return nil, fmt.Errorf("listing pending notifications: %w", err)
	}
	for _, n := range pending {
		f, err := d.st.GetFinding(ctx, n.FindingKey)
		if err != nil {
			return nil, fmt.Errorf("reading finding %s: %w", n.FindingKey, err)
		}
		if !f.Open() {
			continue
		}
		cal := calendarOf(dir, n.Recipient)
		switch {
		case silenced(silences, f):
			add(DeferSilence, silencedUntil(silences, f))
		case n.Digest:
			add(DeferDigest, n.DueAt)
		case !n.Bypass && cal != nil && !cal.Working(now):
			add(DeferWorkingHours, n.DueAt)
		default:
			add(DeferGrouping, n.DueAt)
		}
	}
	outbox, err := d.st.ListDeliveries(ctx, store.DeliveryFilter{State: store.DeliveryPending})
	if err != nil {
		return nil, fmt.Errorf("listing pending deliveries: %w", err)
	}
	for _, dl := range outbox {
		add(deferReason(dl, now, calendarOf(dir, dl.Recipient)), dl.DueAt)
	}
	out := make([]Deferral, 0, len(by))
	for _, df := range by {
		out = append(out, *df)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Reason < out[j].Reason })
	return out, nil
}

// deferReason reads why a pending delivery waits from what deferred it,
// or from its recipient's calendar (cal, nil for channels).
func deferReason(dl store.Delivery, now time.Time, cal *hours.Calendar) string {
	switch {
	case strings.HasPrefix(dl.LastError, "paced"), strings.HasPrefix(dl.LastError, "waiting for the post"):
		return DeferPacing
	case strings.HasPrefix(dl.LastError, "ratelimited"):
		return DeferRateLimit
	case strings.HasPrefix(dl.LastError, "transient"):
		return DeferRetry
	}
	if dl.DueAt.After(now) && cal != nil && !cal.Working(now) {
		return DeferWorkingHours // a note, or a reply to an AM, held for their next working moment
	}
	return DeferScheduled
}

// silencedUntil is when the last of the silences muting f ends.
func silencedUntil(ss []store.Silence, f rules.Finding) time.Time {
	var end time.Time
	for _, s := range ss {
		if s.Matches(f) && s.EndsAt.After(end) {
			end = s.EndsAt
		}
	}
	return end
}
