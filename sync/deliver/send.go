package deliver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/liaisonhq/liaison/sync/crashpoint"
	"github.com/liaisonhq/liaison/sync/store"
)

// crashError aborts Send at a test hook, leaving everything as a process
// killed at that point would.
type crashError struct{ err error }

func (e *crashError) Error() string { return "delivery aborted: " + e.err.Error() }
func (e *crashError) Unwrap() error { return e.err }

func (d *Deliverer) at(dl store.Delivery, stage string) error {
	crashpoint.AtSlack(string(dl.Kind), stage, dl.Key)
	if d.hook == nil {
		return nil
	}
	if err := d.hook(stage, dl.Key); err != nil {
		return &crashError{err}
	}
	return nil
}

// parentWait is how long a thread note or update waits for its post.
const parentWait = 5 * time.Second

// Send claims the deliveries due now and sends them. Each outcome is
// recorded on the delivery (sent, deferred, rescheduled or failed), and one
// delivery's failure never holds up the others; Send itself fails only when
// the store does.
func (d *Deliverer) Send(ctx context.Context) error {
	now := d.clk.Now()
	claims, err := d.st.ClaimDeliveries(ctx, d.opts.Owner, now, d.opts.Lease, d.opts.ClaimLimit)
	if err != nil {
		return fmt.Errorf("sending deliveries: %w", err)
	}
	dir := d.dir()
	sl := d.client(dir)
	// Private notes (ephemerals) go after everything else claimed with
	// them: in a channel's paced queue, the client's reply is what must not
	// wait behind the note to the specialist.
	sort.SliceStable(claims, func(i, j int) bool {
		return claims[i].Kind != store.DeliveryEphemeral && claims[j].Kind == store.DeliveryEphemeral
	})
	var errs []error
	for _, dl := range claims {
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		if err := d.sendOne(ctx, sl, dir, dl, now); err != nil {
			var crash *crashError
			if errors.As(err, &crash) {
				return err
			}
			errs = append(errs, fmt.Errorf("delivery %s: %w", dl.Key, err))
		}
	}
	return errors.Join(errs...)
}

func (d *Deliverer) sendOne(ctx context.Context, sl Slack, dir Directory, dl store.Delivery, now time.Time) error {
	p, err := decodePayload(dl.Payload)
	if err != nil {
		return d.outcome(ctx, dl, "", now, &permanentError{err.Error()}, true)
	}
	channel, err := d.channelFor(ctx, sl, dir, dl.Recipient)
	if err != nil {
		return d.outcome(ctx, dl, "", now, fmt.Errorf("opening conversation: %w", err), false)
	}
	// chat.update has its own (Tier 3) limit, not the per-channel posting
	// one, so updates pace in a lane of their own.
	lane := channel
	if dl.Kind == store.DeliveryUpdate {
		lane = "update:" + channel
	}
	if at, ok := d.pace.reserve(lane, now); !ok {
		d.metrics.deferred.WithLabelValues("paced").Inc()
		return d.st.DeferDelivery(ctx, dl.Key, d.opts.Owner, "paced", at)
	}
	if p.Reply != nil {
		return d.sendReply(ctx, sl, dl, p.Reply, channel, now)
	}
	switch dl.Kind {
	case store.DeliveryPost:
		text, blocks, err := d.compose(ctx, dir, p, now)
		if err != nil {
			return d.outcome(ctx, dl, channel, now, err, true)
		}
		return d.post(ctx, sl, dl, Message{Channel: channel, Text: text, Blocks: blocks}, now)
	case store.DeliveryThread, store.DeliveryUpdate:
		parent, err := d.st.GetDelivery(ctx, p.Post)
		if err != nil {
			return d.outcome(ctx, dl, channel, now, &permanentError{"parent post: " + err.Error()}, true)
		}
		switch parent.State {
		case store.DeliveryFailed:
			return d.outcome(ctx, dl, channel, now, &permanentError{"parent post failed"}, true)
		case store.DeliveryPending, store.DeliverySending:
			return d.st.DeferDelivery(ctx, dl.Key, d.opts.Owner, "waiting for the post", now.Add(parentWait))
		}
		if dl.Kind == store.DeliveryThread {
			text, err := d.composeNote(ctx, dir, p)
			if err != nil {
				return d.outcome(ctx, dl, channel, now, err, true)
			}
			return d.post(ctx, sl, dl, Message{Channel: channel, Text: text, ThreadTS: parent.SlackTS}, now)
		}
		pp, err := decodePayload(parent.Payload)
		if err != nil {
			return d.outcome(ctx, dl, channel, now, &permanentError{err.Error()}, true)
		}
		text, blocks, err := d.compose(ctx, dir, pp, now)
		if err != nil {
			return d.outcome(ctx, dl, channel, now, err, true)
		}
		// chat.update is idempotent: re-rendering the same state twice
		// after a crash shows the same message.
		if err := d.at(dl, stageBeforePost); err != nil {
			return err
		}
		if err := sl.UpdateMessage(ctx, parent.SlackTS, Message{Channel: channel, Text: text, Blocks: blocks}); err != nil {
			return d.outcome(ctx, dl, channel, now, err, true)
		}
		if err := d.at(dl, stageAfterPost); err != nil {
			return err
		}
		if err := d.recordSent(ctx, dl, parent.SlackTS, now); err != nil {
			return err
		}
		return d.at(dl, stageAfterRecord)
	}
	return d.outcome(ctx, dl, channel, now, &permanentError{fmt.Sprintf("unsupported delivery kind %q", dl.Kind)}, true)
}

// post makes the delivery's chat.postMessage exactly once. An attempt is
// recorded before posting; a claim that finds one (its worker died, or an
// ambiguous error left it unsure) first looks for the delivery key in the
// channel's recent messages and records what it finds instead of posting
// again.
func (d *Deliverer) post(ctx context.Context, sl Slack, dl store.Delivery, m Message, now time.Time) error {
	attempted, err := d.st.PostAttempted(ctx, dl.Key)
	if err != nil {
		return err
	}
	if attempted {
		ts, found, err := sl.FindByMetadata(ctx, m.Channel, m.ThreadTS, MetadataEventType, dl.Key, dl.CreatedAt.Add(-time.Minute), d.opts.HistoryLimit)
		if err != nil {
			return d.outcome(ctx, dl, m.Channel, now, fmt.Errorf("looking for an earlier post: %w", err), false)
		}
		if found {
			d.log.Info("delivery was already posted; recorded it", "key", dl.Key, "ts", ts)
			return d.recordSent(ctx, dl, ts, now)
		}
	}
	if err := d.st.MarkPostAttempt(ctx, dl.Key, now); err != nil {
		return err
	}
	if err := d.at(dl, stageBeforePost); err != nil {
		return err
	}
	m.Metadata = &Metadata{EventType: MetadataEventType, Payload: map[string]any{"key": dl.Key}}
	ts, err := sl.PostMessage(ctx, m)
	if err != nil {
		// Whatever an earlier attempt did was settled by the lookup above,
		// so only this attempt's outcome decides whether a post may exist.
		return d.outcome(ctx, dl, m.Channel, now, err, true)
	}
	if err := d.at(dl, stageAfterPost); err != nil {
		return err
	}
	if err := d.recordSent(ctx, dl, ts, now); err != nil {
		return err
	}
	return d.at(dl, stageAfterRecord)
}

func (d *Deliverer) recordSent(ctx context.Context, dl store.Delivery, ts string, now time.Time) error {
	err := d.st.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.MarkDeliverySent(ctx, dl.Key, d.opts.Owner, ts, now); err != nil {
			return err
		}
		return tx.ClearPostAttempt(ctx, dl.Key)
	})
	if errors.Is(err, store.ErrLeaseLost) {
		// Another worker holds it now; the attempt mark stays, so it will
		// find our message rather than post a second one.
		d.log.Warn("delivery lease lost after sending", "key", dl.Key)
		return nil
	}
	if err != nil {
		return fmt.Errorf("recording delivery %s as sent: %w", dl.Key, err)
	}
	d.metrics.sent.WithLabelValues(string(dl.Kind)).Inc()
	d.sentTotal.Add(1)
	d.logSent(ctx, dl, ts)
	return nil
}

// outcome records a failed try. A rate limit defers the delivery (and
// pauses the channel) until Slack's Retry-After; a permanent error fails it
// with the reason; anything else is retried with exponential backoff up to
// MaxAttempts. settled says the call's outcome is known to be "not posted"
// except for transient errors, after which the attempt mark is kept.
func (d *Deliverer) outcome(ctx context.Context, dl store.Delivery, channel string, now time.Time, cause error, settled bool) error {
	reason := cause.Error()
	err := d.st.WithTx(ctx, func(tx store.Tx) error {
		if wait, ok := RetryAfterOf(cause); ok {
			until := now.Add(wait)
			if channel != "" {
				d.pace.pause(channel, until)
			}
			d.metrics.deferred.WithLabelValues("ratelimited").Inc()
			if settled {
				if err := tx.ClearPostAttempt(ctx, dl.Key); err != nil {
					return err
				}
			}
			return tx.DeferDelivery(ctx, dl.Key, d.opts.Owner, "ratelimited: "+reason, until)
		}
		if IsPermanent(cause) {
			d.metrics.failed.WithLabelValues(reasonOf(cause)).Inc()
			d.log.Warn("delivery failed", "key", dl.Key, "recipient", dl.Recipient, "reason", reason)
			if settled {
				if err := tx.ClearPostAttempt(ctx, dl.Key); err != nil {
					return err
				}
			}
			return tx.MarkDeliveryFailed(ctx, dl.Key, d.opts.Owner, reason, now)
		}
		if dl.Attempts+1 >= d.opts.MaxAttempts {
			d.metrics.failed.WithLabelValues("gave_up").Inc()
			d.log.Warn("delivery failed after retries", "key", dl.Key, "attempts", dl.Attempts+1, "reason", reason)
			return tx.MarkDeliveryFailed(ctx, dl.Key, d.opts.Owner, fmt.Sprintf("gave up after %d attempts: %s", dl.Attempts+1, reason), now)
		}
		d.metrics.deferred.WithLabelValues("transient").Inc()
		return tx.RescheduleDelivery(ctx, dl.Key, d.opts.Owner, "transient: "+reason, now.Add(d.backoff(dl.Attempts)))
	})
	if errors.Is(err, store.ErrLeaseLost) {
		d.log.Warn("delivery lease lost", "key", dl.Key)
		return nil
	}
	return err
}

// backoff is BackoffBase doubled per earlier attempt, capped at BackoffMax.
// It has no jitter: deliveries are already spread by their own due times,
// and tests assert exact instants.
func (d *Deliverer) backoff(attempts int) time.Duration {
	b := d.opts.BackoffBase
	for i := 0; i < attempts && b < d.opts.BackoffMax; i++ {
		b *= 2
	}
	return min(b, d.opts.BackoffMax)
}
