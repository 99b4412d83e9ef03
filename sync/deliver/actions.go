package deliver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// SnoozeFor is how long "Snooze 1 day" silences a finding: 24 hours of wall
// time, for everyone the finding goes to. Wall time keeps the button's
// promise literal; deliveries still wait for each recipient's working hours,
// so a snooze that ends at night is seen the next working morning.
const SnoozeFor = 24 * time.Hour

// Action is a click on one of an alert's buttons, as the Slack connector
// reports it.
type Action struct {
	ActionID  string // ActionAcknowledge or ActionSnooze
	Value     string // the finding key
	UserID    string // Slack user who clicked
	ChannelID string
	MessageTS string
}

// ErrUnknownAction is returned (wrapped) for an action id this package did
// not put on a button, or a button whose finding does not exist.
var ErrUnknownAction = errors.New("unknown action")

// HandleAction applies a button click. Acknowledge stops repeats and
// escalation of the finding until it resolves or reopens; Snooze silences it
// for SnoozeFor. Either way every message listing the finding is updated to
// say so; the updates go through the outbox, so the next Send posts them.
// Clicking Acknowledge twice keeps the first acknowledgement.
func (d *Deliverer) HandleAction(ctx context.Context, a Action) error {
	if a.ActionID != ActionAcknowledge && a.ActionID != ActionSnooze {
		return fmt.Errorf("handling action %q: %w", a.ActionID, ErrUnknownAction)
	}
	if a.UserID == "" {
		return fmt.Errorf("handling action %s: no user: %w", a.ActionID, store.ErrInvalid)
	}
	now := d.clk.Now()
	dir := d.dir()
	actor := "slack:" + a.UserID
	if a.ActionID == ActionSnooze {
		if _, err := d.st.GetFinding(ctx, a.Value); err != nil {
			return fmt.Errorf("handling snooze of %q: %w", a.Value, errors.Join(ErrUnknownAction, err))
		}
		if _, err := AddSilence(ctx, d.st, now, store.Silence{FindingKey: a.Value, StartsAt: now, EndsAt: now.Add(SnoozeFor),
			CreatedBy: actor, Comment: "Snooze 1 day from Slack"}); err != nil {
			return err
		}
	}
	err := d.st.WithTx(ctx, func(tx store.Tx) error {
		f, err := tx.GetFinding(ctx, a.Value)
		if err != nil {
			return errors.Join(ErrUnknownAction, err)
		}
		p := newPlanner(ctx, tx, dir, now)
		if a.ActionID == ActionAcknowledge {
			if !f.Open() {
				return nil
			}
			ok, err := tx.SetAck(ctx, store.Ack{FindingKey: f.Key, By: a.UserID, At: now})
			if err != nil || !ok {
				return err
			}
			if _, err := tx.AppendAudit(ctx, store.AuditEntry{Time: now, Actor: actor, Action: "finding.ack", Detail: f.Key}); err != nil {
				return err
			}
		}
		return p.enqueueUpdates(f.Key)
	})
	if err != nil {
		return fmt.Errorf("handling %s of %q: %w", a.ActionID, a.Value, err)
	}
	d.wake.poke(now)
	return nil
}
