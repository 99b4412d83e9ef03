package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/store"
)

// Cadence of the simulated daemon. The real one runs rules every minute and
// pulls Jira every two; the demo does both every five simulated minutes and,
// in between, stops at every instant something falls due (a scenario
// message, a notification, a delivery), so that nothing it shows is late.
// On the sample day this gives the same transcript as one-minute steps, at
// a quarter of the cost (which matters under the race detector, where the
// pure-Go SQLite is slow).
const (
	ruleEvery = 5 * time.Minute
	pullEvery = 5 * time.Minute
	// settleTimeout bounds, in wall time, how long one step waits for the
	// App to take in what Slack sent it. It is normally a few milliseconds;
	// the bound only turns a stuck run into an error.
	settleTimeout = 15 * time.Second
)

// play runs the simulated day from the clock's reading until end.
func (w *world) play(ctx context.Context, end time.Time) error {
	var lastPull time.Time
	for now := w.clk.Now(); !now.After(end); now = w.clk.Now() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := w.sb.ReplayDue(now); err != nil {
			return fmt.Errorf("replaying the sample's messages at %s: %w", now.Format(time.RFC3339), err)
		}
		if err := w.settle(ctx); err != nil {
			return err
		}
		if lastPull.IsZero() {
			// The real daemon pulls metrics four times a day; the demo
			// pulls them once, at the start, and judges them then.
			if err := w.app.PullGoogle(ctx); err != nil {
				return fmt.Errorf("at %s: %w", now.Format(time.RFC3339), err)
			}
		}
		if lastPull.IsZero() || now.Sub(lastPull) >= pullEvery {
			if err := w.app.PullJira(ctx); err != nil {
				return fmt.Errorf("at %s: %w", now.Format(time.RFC3339), err)
			}
			lastPull = now
		}
		if err := w.app.RunRules(ctx); err != nil {
			return fmt.Errorf("at %s: %w", now.Format(time.RFC3339), err)
		}
		if err := w.app.Deliver(ctx); err != nil {
			return fmt.Errorf("at %s: %w", now.Format(time.RFC3339), err)
		}
		// What Liaison posted into clients' channels comes back as events;
		// the next rules run must see it, as it would in production.
		if err := w.settle(ctx); err != nil {
			return err
		}
		if err := w.postSuggestions(ctx); err != nil {
			return fmt.Errorf("at %s: %w", now.Format(time.RFC3339), err)
		}
		next, err := w.nextStep(ctx, now)
		if err != nil {
			return err
		}
		w.clk.Set(next)
	}
	return nil
}

// nextStep is the next instant worth stopping at: the next rules run, or
// sooner a scenario message, a notification or a delivery falling due.
func (w *world) nextStep(ctx context.Context, now time.Time) (time.Time, error) {
	next := now.Add(ruleEvery)
	earlier := func(t time.Time) {
		if t.After(now) && t.Before(next) {
			next = t
		}
	}
	if t, ok := w.sb.NextReplay(); ok {
		earlier(t)
	}
	ns, err := w.st.ListNotifications(ctx, store.NotificationFilter{})
	if err != nil {
		return time.Time{}, fmt.Errorf("listing notifications: %w", err)
	}
	for _, n := range ns {
		if n.State != store.NotifyDone {
			earlier(n.DueAt)
		}
	}
	ds, err := w.st.ListDeliveries(ctx, store.DeliveryFilter{State: store.DeliveryPending})
	if err != nil {
		return time.Time{}, fmt.Errorf("listing deliveries: %w", err)
	}
	for _, d := range ds {
		earlier(d.DueAt)
	}
	return next, nil
}

// settle waits until the App has handled every message and edit in the
// clients' channels, including those its own handling caused.
func (w *world) settle(ctx context.Context) error {
	return w.waitFor(ctx, func() (string, bool, <-chan struct{}) {
		ref, missing, changed := w.seen.missing(w.clientMessageRefs())
		return fmt.Sprintf("message %s/%s", ref.channel, ref.ts), !missing, changed
	})
}

// waitFor waits, at most settleTimeout of wall time, until done says the
// App got there; done also names what is awaited and returns a channel
// closed at the App's next step.
func (w *world) waitFor(ctx context.Context, done func() (string, bool, <-chan struct{})) error {
	timeout := time.NewTimer(settleTimeout)
	defer timeout.Stop()
	for {
		what, ok, changed := done()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-timeout.C:
			return fmt.Errorf("waiting for %s: %w", what, errStalled)
		}
	}
}

// clientMessageRefs lists every version of every message in the clients'
// channels that Slack sends an event for.
func (w *world) clientMessageRefs() []msgRef {
	var refs []msgRef
	for _, m := range w.sb.Slack().AllMessages() {
		if m.Ephemeral || !w.isClientChannel(m.Channel) || !eventSubtype(m.Subtype) {
			continue
		}
		refs = append(refs, msgRef{m.Channel, m.TS, ""})
		if m.Edited != nil {
			refs = append(refs, msgRef{m.Channel, m.TS, m.Edited.TS})
		}
	}
	return refs
}

func (w *world) isClientChannel(id string) bool {
	for _, c := range w.cfg.Clients {
		for _, ch := range c.SlackChannels {
			if ch == id {
				return true
			}
		}
	}
	return false
}

// eventSubtype reports the message subtypes Liaison takes in as content;
// others (joins, topic changes) never reach the App as messages.
func eventSubtype(s string) bool {
	switch s {
	case "", "thread_broadcast", "bot_message", "file_share", "me_message":
		return true
	}
	return false
}

// postSuggestions has each account manager click "Post answer" on the
// answer-base suggestions they were just shown, as an AM does when the
// answer fits, and delivers the answer to the client's thread: the demo
// shows the whole round, and the base learning from it.
func (w *world) postSuggestions(ctx context.Context) error {
	clicked := false
	for _, m := range w.sb.Slack().Ephemerals() {
		ref := msgRef{m.Channel, m.TS, ""}
		if m.User != slackfake.BotUserID || w.clicked[ref] || !strings.Contains(string(m.Blocks), faq.ActionPost) {
			continue
		}
		w.clicked[ref] = true
		if _, err := w.sb.Slack().ClickButton(m.Channel, m.TS, m.EphemeralUser, faq.ActionPost); err != nil {
			return fmt.Errorf("clicking the suggestion %s/%s: %w", m.Channel, m.TS, err)
		}
		if err := w.waitFor(ctx, func() (string, bool, <-chan struct{}) {
			ok, changed := w.seen.clicked(ref)
			return fmt.Sprintf("the click on %s/%s", ref.channel, ref.ts), ok, changed
		}); err != nil {
			return err
		}
		clicked = true
	}
	if !clicked {
		return nil
	}
	if err := w.app.Deliver(ctx); err != nil {
		return err
	}
	return w.settle(ctx)
}
