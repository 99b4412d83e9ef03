package deliver

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// Reply is a message Liaison writes on its own behalf rather than an alert:
// a polite reply in a client's thread, a private note to a specialist, an
// out-of-hours notice. Replies go out at once (they answer someone who just
// wrote), through the outbox, so they are sent even after a crash and never
// twice for one Key.
type Reply struct {
	// Key is unique per reply; recording the same key again changes nothing.
	Key string `json:"key"`
	// Channel is where it goes; ThreadTS makes it a thread reply.
	Channel  string `json:"channel,omitempty"`
	ThreadTS string `json:"thread_ts,omitempty"`
	// Person, instead of Channel, sends it as a direct message to that
	// configured person (a digest, a suggestion to an AM outside the channel).
	Person string `json:"person,omitempty"`
	// User, when set, makes it an ephemeral message only that user sees.
	User string `json:"user,omitempty"`
	// Text is the message (mrkdwn) and the fallback of Blocks.
	Text string `json:"text"`
	// Blocks, when set, is the message as Block Kit (a JSON array).
	Blocks json.RawMessage `json:"blocks,omitempty"`
	// NotBefore holds the reply until then (e.g. the recipient's next
	// working moment); zero sends at once.
	NotBefore time.Time `json:"not_before,omitzero"`
	// FindingKey ties the reply to the finding that caused it, if any.
	FindingKey string `json:"finding,omitempty"`
}

// ReplyDeliveryKey is the outbox key of the delivery of the Reply keyed
// key, for finding what became of it (store.Outbox.GetDelivery).
func ReplyDeliveryKey(key string) string { return "reply/" + key }

func enqueueReply(ctx context.Context, tx store.Tx, r Reply, now time.Time) error {
	if r.Key == "" || (r.Channel == "") == (r.Person == "") || r.Text == "" {
		return fmt.Errorf("reply %q: key, text and exactly one of channel and person are required: %w", r.Key, store.ErrInvalid)
	}
	if r.User != "" && r.Channel == "" {
		return fmt.Errorf("reply %q: an ephemeral reply needs a channel: %w", r.Key, store.ErrInvalid)
	}
	kind := store.DeliveryThread
	if r.User != "" {
		kind = store.DeliveryEphemeral
	}
	recipient := RecipientChannelPrefix + r.Channel
	if r.Person != "" {
		recipient = r.Person
	}
	raw, err := encodePayload(payload{Recipient: recipient, Reply: &r})
	if err != nil {
		return err
	}
	due := now
	if r.NotBefore.After(now) {
		due = r.NotBefore
	}
	_, err = tx.EnqueueDelivery(ctx, store.Delivery{
		Key: ReplyDeliveryKey(r.Key), FindingKey: r.FindingKey, Recipient: recipient,
		ChannelID: r.Channel, Kind: kind, Payload: raw, DueAt: due,
	})
	return err
}

// sendReply sends a Reply delivery. A thread reply is posted with the same
// exactly-once guard as alerts; an ephemeral one cannot be looked up
// afterwards (Slack keeps no history of it), so a crash right after it may
// show it twice, which is harmless for a private note.
func (d *Deliverer) sendReply(ctx context.Context, sl Slack, dl store.Delivery, r *Reply, channel string, now time.Time) error {
	m := Message{Channel: channel, Text: r.Text, Blocks: r.Blocks, ThreadTS: r.ThreadTS}
	if dl.Kind == store.DeliveryEphemeral {
		if err := d.at(dl, stageBeforePost); err != nil {
			return err
		}
		if err := sl.PostEphemeral(ctx, r.User, m); err != nil {
			return d.outcome(ctx, dl, channel, now, err, true)
		}
		if err := d.at(dl, stageAfterPost); err != nil {
			return err
		}
		if err := d.recordSent(ctx, dl, "", now); err != nil {
			return err
		}
		return d.at(dl, stageAfterRecord)
	}
	return d.post(ctx, sl, dl, m, now)
}
