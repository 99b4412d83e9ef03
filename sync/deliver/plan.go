package deliver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

// planner decides notification due times inside one transaction. It
// remembers each recipient's pending alert group, so that every finding of a
// burst joins the message the first one opened (Alertmanager's group_wait).
type planner struct {
	ctx    context.Context
	tx     store.Tx
	dir    Directory
	cfg    Config
	now    time.Time
	groups map[string]time.Time // recipient → DueAt of its pending alert group
	// earliest is when the soonest work planned by this planner comes due
	// (zero when none): the delivery loop is woken for it after commit.
	earliest time.Time
}

// planned notes work due at at, for the delivery loop's wake-up.
func (p *planner) planned(at time.Time) {
	if p.earliest.IsZero() || at.Before(p.earliest) {
		p.earliest = at
	}
}

func newPlanner(ctx context.Context, tx store.Tx, dir Directory, now time.Time) *planner {
	return &planner{ctx: ctx, tx: tx, dir: dir, cfg: dir.DeliveryConfig(), now: now, groups: map[string]time.Time{}}
}

// due returns when a notification for recipient becomes deliverable.
//
// Digest entries wait for the recipient's next digest. Alerts join the
// recipient's pending group if there is one; otherwise they open a group
// that flushes group_wait from now, but not sooner than group_interval after
// the recipient's last alert message. Either way a person's alert waits for
// their working hours unless bypass allows otherwise.
func (p *planner) due(recipient string, digest, bypass bool) (time.Time, error) {
	cal := calendarOf(p.dir, recipient)
	if digest {
		_, loc := p.dir.AgencyLocale()
		return digestAt(cal, loc, p.cfg.DigestTime, p.now), nil
	}
	group, ok := p.groups[recipient]
	if !ok {
		// The earliest pending notification is nearly always the alert
		// group (due within group_wait), not a digest entry (due at the
		// digest hour): one row settles it, and only a recipient whose
		// digest comes first has the rest read. A recipient's digest may
		// hold thousands of entries.
		first, err := p.tx.ListNotifications(p.ctx, store.NotificationFilter{State: store.NotifyPending, Recipient: recipient, Limit: 1})
		if err != nil {
			return time.Time{}, err
		}
		pending := first
		if len(first) == 1 && first[0].Digest {
			if pending, err = p.tx.ListNotifications(p.ctx, store.NotificationFilter{State: store.NotifyPending, Recipient: recipient}); err != nil {
				return time.Time{}, err
			}
		}
		for _, n := range pending {
			if !n.Digest {
				group, ok = n.DueAt, true
				break
			}
		}
	}
	if !ok {
		group = p.now.Add(p.cfg.GroupWait)
		last, err := p.tx.GroupSentAt(p.ctx, recipient, false)
		if err != nil {
			return time.Time{}, err
		}
		if next := last.Add(p.cfg.GroupInterval); !last.IsZero() && next.After(group) {
			group = next
		}
	}
	at := group
	if !bypass {
		at = nextWorking(cal, group)
	}
	if cur, ok := p.groups[recipient]; !ok || at.Before(cur) {
		p.groups[recipient] = at
	}
	p.planned(at)
	return at, nil
}

// schedule plans notifications of f for its target. With reset, every
// recipient starts over (a new or reopened finding); without it, only
// recipients that have no live notification are added (a finding whose
// severity rose to a route with more recipients). It returns how many it
// planned.
func (p *planner) schedule(f rules.Finding, t target, reason string, reset bool) (int, error) {
	digest := f.Severity == rules.SeverityInfo
	planned := 0
	live := func(recipient string) (bool, error) {
		if reset {
			return false, nil
		}
		n, err := p.tx.GetNotification(p.ctx, f.Key, recipient)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil && n.State != store.NotifyDone, err
	}
	for _, r := range t.recipients {
		if ok, err := live(r); err != nil || ok {
			if err != nil {
				return planned, err
			}
			continue
		}
		at, err := p.due(r, digest, t.bypass)
		if err != nil {
			return planned, err
		}
		if err := p.tx.PutNotification(p.ctx, store.Notification{FindingKey: f.Key, Recipient: r,
			State: store.NotifyPending, Reason: reason, Digest: digest, Bypass: t.bypass, DueAt: at, CreatedAt: p.now}); err != nil {
			return planned, err
		}
		planned++
	}
	if len(t.escalate) == 0 || len(t.recipients) == 0 {
		return planned, nil
	}
	// Escalation counts the first recipient's working time since the
	// finding was first seen: the head hears of it when the AM has had
	// escalate_after of their own hours to act.
	first := f.FirstSeen
	if first.IsZero() {
		first = f.LastSeen
	}
	at := addWorking(calendarOf(p.dir, t.recipients[0]), first, t.escalateAfter)
	for _, r := range t.escalate {
		if ok, err := live(r); err != nil || ok {
			if err != nil {
				return planned, err
			}
			continue
		}
		if err := p.tx.PutNotification(p.ctx, store.Notification{FindingKey: f.Key, Recipient: r,
			State: store.NotifyWaiting, Reason: reasonEscalation, Digest: digest, Bypass: t.bypass, DueAt: at, CreatedAt: p.now}); err != nil {
			return planned, err
		}
		p.planned(at)
		planned++
	}
	return planned, nil
}

// resolve closes a resolved finding's notifications and queues an update of
// every post that lists it, plus a note in the thread of each recipient's
// latest one.
func (p *planner) resolve(key string) error {
	rows, err := p.tx.ListNotifications(p.ctx, store.NotificationFilter{FindingKey: key})
	if err != nil {
		return err
	}
	for _, n := range rows {
		if n.State == store.NotifyDone {
			continue
		}
		if n.DeliveryKey != "" {
			if err := p.enqueueThreadNote(n.DeliveryKey, key, n.Recipient, noteResolved, p.now); err != nil {
				return err
			}
		}
		n.State, n.DueAt = store.NotifyDone, p.now
		if err := p.tx.PutNotification(p.ctx, n); err != nil {
			return err
		}
	}
	return p.enqueueUpdates(key)
}

// worsened tells the people who were sent a finding that it changed
// severity or kind (a task due today that is now overdue): every post
// listing it is re-rendered in place, and a kind change gets a note in the
// thread of each recipient's latest post. The finding keeps its key, so it
// is never reported resolved for having got worse. Other changes (a day
// count, a summary) show when the post is next rendered.
func (p *planner) worsened(before, after rules.Finding) error {
	if before.Key == "" {
		return nil
	}
	kindChanged := before.Fields[fieldKind] != after.Fields[fieldKind]
	if !kindChanged && before.Severity == after.Severity {
		return nil
	}
	if kindChanged {
		rows, err := p.tx.ListNotifications(p.ctx, store.NotificationFilter{FindingKey: after.Key})
		if err != nil {
			return err
		}
		for _, n := range rows {
			if n.State == store.NotifyDone || n.DeliveryKey == "" {
				continue
			}
			post, err := p.tx.GetDelivery(p.ctx, n.DeliveryKey)
			if err != nil {
				return err
			}
			if post.State != store.DeliverySent {
				continue // it renders the current state when sent
			}
			// The edit is silent; the note is news, so it waits for the
			// reader's working hours like an alert.
			at := p.now
			if !n.Bypass {
				at = nextWorking(calendarOf(p.dir, n.Recipient), p.now)
			}
			if err := p.enqueueThreadNote(n.DeliveryKey, after.Key, n.Recipient, noteChanged, at); err != nil {
				return err
			}
		}
	}
	return p.enqueueUpdates(after.Key)
}

// enqueueUpdates queues a re-render of every post listing the finding.
// Posts still in the outbox render current state when sent, so they need
// none; failed ones have nothing to update.
func (p *planner) enqueueUpdates(findingKey string) error {
	posts, err := p.tx.ListPostsOfFinding(p.ctx, findingKey)
	if err != nil {
		return err
	}
	for _, post := range posts {
		d, err := p.tx.GetDelivery(p.ctx, post)
		if err != nil {
			return err
		}
		if d.State == store.DeliveryFailed || d.State == store.DeliveryPending {
			continue
		}
		raw, err := encodePayload(payload{Recipient: d.Recipient, Post: post})
		if err != nil {
			return err
		}
		if _, err := p.tx.EnqueueDelivery(p.ctx, store.Delivery{Key: updateKey(post, p.now), FindingKey: findingKey,
			Recipient: d.Recipient, ChannelID: d.ChannelID, Kind: store.DeliveryUpdate, Payload: raw, DueAt: p.now}); err != nil {
			return err
		}
		p.planned(p.now)
	}
	return nil
}

func (p *planner) enqueueThreadNote(post, findingKey, recipient, note string, at time.Time) error {
	raw, err := encodePayload(payload{Recipient: recipient, Post: post, Finding: findingKey, Note: note})
	if err != nil {
		return err
	}
	_, err = p.tx.EnqueueDelivery(p.ctx, store.Delivery{Key: threadKey(post, findingKey, note, p.now), FindingKey: findingKey,
		Recipient: recipient, ChannelID: channelIDOf(recipient), Kind: store.DeliveryThread, Payload: raw, DueAt: at})
	if err != nil {
		return fmt.Errorf("queueing %s note for %s: %w", note, findingKey, err)
	}
	p.planned(at)
	return nil
}

// channelIDOf returns the channel id of a channel recipient; people's DM
// channels are opened when sending.
func channelIDOf(recipient string) string {
	if isChannel(recipient) {
		return recipient[len(RecipientChannelPrefix):]
	}
	return ""
}
