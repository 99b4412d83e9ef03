package deliver

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

// Flush turns due notifications into outbox deliveries, in one
// transaction: escalations whose time has come and unresolved findings due
// for a repeat become pending; then every recipient group with pending
// notifications due now becomes one post. Silenced findings stay pending
// until their silence ends; a person's alerts that fall outside their working
// hours (after a silence, or a config change) move to their next working
// moment. Replicas sharing a store flush one at a time (store LockFlush), so
// a group of alerts becomes one post, never one per replica.
func (d *Deliverer) Flush(ctx context.Context) error {
	now := d.clk.Now()
	dir := d.dir()
	err := d.st.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.LockFlush(ctx); err != nil {
			return err
		}
		p := newPlanner(ctx, tx, dir, now)
		if err := d.promote(p, store.NotifyWaiting, reasonEscalation); err != nil {
			return fmt.Errorf("promoting escalations: %w", err)
		}
		if err := d.promote(p, store.NotifySent, reasonRepeat); err != nil {
			return fmt.Errorf("promoting repeats: %w", err)
		}
		return d.flushPending(p)
	})
	if err != nil {
		return fmt.Errorf("flushing notifications: %w", err)
	}
	d.updateGauges(ctx)
	return nil
}

func (d *Deliverer) updateGauges(ctx context.Context) {
	if n, err := d.st.CountNotifications(ctx, store.NotifyPending); err == nil {
		d.metrics.pending.Set(float64(n))
	}
	if counts, err := d.st.CountOpenFindings(ctx); err == nil {
		d.metrics.setOpen(counts)
	}
}

// promote makes due notifications in state from pending again, for reason.
// Acknowledged findings do not repeat or escalate: a waiting escalation is
// dropped, a sent notification is looked at again a repeat interval later.
func (d *Deliverer) promote(p *planner, from store.NotificationState, reason string) error {
	due, err := p.tx.ListNotifications(p.ctx, store.NotificationFilter{State: from, DueBy: p.now})
	if err != nil {
		return err
	}
	for _, n := range due {
		f, err := p.tx.GetFinding(p.ctx, n.FindingKey)
		if err != nil {
			return err
		}
		acked, err := isAcked(p, n.FindingKey)
		if err != nil {
			return err
		}
		switch {
		case !f.Open() || (acked && from == store.NotifyWaiting):
			n.State = store.NotifyDone
		case acked:
			n.DueAt = addWorking(calendarOf(p.dir, n.Recipient), p.now, p.cfg.RepeatInterval)
		default:
			n.State, n.Reason, n.Digest = store.NotifyPending, reason, f.Severity == rules.SeverityInfo
			if n.DueAt, err = p.due(n.Recipient, n.Digest, n.Bypass); err != nil {
				return err
			}
		}
		if err := p.tx.PutNotification(p.ctx, n); err != nil {
			return err
		}
	}
	return nil
}

func isAcked(p *planner, key string) (bool, error) {
	_, err := p.tx.GetAck(p.ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

type groupKey struct {
	recipient string
	digest    bool
}

type ready struct {
	n store.Notification
	f rules.Finding
}

func (d *Deliverer) flushPending(p *planner) error {
	due, err := p.tx.ListNotifications(p.ctx, store.NotificationFilter{State: store.NotifyPending, DueBy: p.now})
	if err != nil {
		return err
	}
	silences, err := p.tx.ListActiveSilences(p.ctx, p.now)
	if err != nil {
		return err
	}
	var order []groupKey
	groups := map[groupKey][]store.Notification{}
	for _, n := range due {
		k := groupKey{n.Recipient, n.Digest}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], n)
	}
	for _, k := range order {
		if err := d.flushGroup(p, k, groups[k], silences); err != nil {
			return fmt.Errorf("flushing group of %s: %w", k.recipient, err)
		}
	}
	return nil
}

func (d *Deliverer) flushGroup(p *planner, k groupKey, ns []store.Notification, silences []store.Silence) error {
	cal := calendarOf(p.dir, k.recipient)
	var out []ready
	for _, n := range ns {
		f, err := p.tx.GetFinding(p.ctx, n.FindingKey)
		if err != nil {
			return err
		}
		acked, err := isAcked(p, n.FindingKey)
		if err != nil {
			return err
		}
		switch {
		case !f.Open():
			n.State = store.NotifyDone
		case silenced(silences, f):
			continue // looked at again by every flush until the silence ends
		case acked && n.Reason == reasonEscalation:
			n.State = store.NotifyDone
		case acked && n.Reason == reasonRepeat:
			n.State, n.DueAt = store.NotifySent, addWorking(cal, p.now, p.cfg.RepeatInterval)
		case !n.Digest && !n.Bypass && cal != nil && !cal.Working(p.now):
			n.DueAt = nextWorking(cal, p.now)
		default:
			out = append(out, ready{n, f})
			continue
		}
		if err := p.tx.PutNotification(p.ctx, n); err != nil {
			return err
		}
	}
	if len(out) == 0 {
		return nil
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].f, out[j].f
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if !a.FirstSeen.Equal(b.FirstSeen) {
			return a.FirstSeen.Before(b.FirstSeen)
		}
		return a.Key < b.Key
	})
	key := postKey(k.recipient, k.digest, p.now)
	pl := payload{Recipient: k.recipient, Digest: k.digest}
	keys := make([]string, len(out))
	for i, r := range out {
		pl.Items = append(pl.Items, payloadItem{Key: r.f.Key, Reason: r.n.Reason})
		keys[i] = r.f.Key
	}
	raw, err := encodePayload(pl)
	if err != nil {
		return err
	}
	if _, err := p.tx.EnqueueDelivery(p.ctx, store.Delivery{Key: key, FindingKey: keys[0], Recipient: k.recipient,
		ChannelID: channelIDOf(k.recipient), Kind: store.DeliveryPost, Payload: raw, DueAt: p.now}); err != nil {
		return err
	}
	if err := p.tx.AddPostFindings(p.ctx, key, keys); err != nil {
		return err
	}
	for _, r := range out {
		n := r.n
		n.State, n.DeliveryKey, n.SentAt = store.NotifySent, key, p.now
		n.DueAt = addWorking(cal, p.now, p.cfg.RepeatInterval)
		if err := p.tx.PutNotification(p.ctx, n); err != nil {
			return err
		}
		if n.Reason == reasonEscalation {
			// The others' posts said when it would escalate; now they
			// say it did.
			if err := p.enqueueUpdates(n.FindingKey); err != nil {
				return err
			}
		}
	}
	return p.tx.SetGroupSentAt(p.ctx, k.recipient, k.digest, p.now)
}

func silenced(ss []store.Silence, f rules.Finding) bool {
	for _, s := range ss {
		if s.Matches(f) {
			return true
		}
	}
	return false
}
