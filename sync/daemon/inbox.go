package daemon

import (
	"context"
	"time"

	"github.com/liaisonhq/liaison/clock"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/sync/store"
)

// InboxLease is how long a process holds a recorded Slack delivery while
// it handles it. A process killed while handling one leaves its claim; the
// next run, or another replica, handles the delivery again once the claim
// runs out, at the next sweep.
const InboxLease = 2 * time.Minute

// inboxBatch bounds how many recorded deliveries one sweep reads.
const inboxBatch = 500

// storeInbox is the Slack connector's Inbox over the store, shared by
// successive processes on one data directory and by replicas on one
// PostgreSQL: a delivery is handled by the replica that claims it first,
// normally the one that received it.
type storeInbox struct {
	st  store.SlackInbox
	clk clock.Clock
}

var _ slackconn.Inbox = (*storeInbox)(nil)

func newStoreInbox(st store.SlackInbox, clk clock.Clock) *storeInbox {
	return &storeInbox{st: st, clk: clk}
}

// Put implements slackconn.Inbox.
func (b *storeInbox) Put(ctx context.Context, e slackconn.InboxEntry) error {
	return b.st.PutInboxEntry(ctx, store.InboxEntry{Key: e.Key, Kind: e.Kind, Payload: e.Payload, Received: b.clk.Now()})
}

// Claim implements slackconn.Inbox.
func (b *storeInbox) Claim(ctx context.Context, key string) (bool, error) {
	now := b.clk.Now()
	return b.st.ClaimInboxEntry(ctx, key, now, now.Add(InboxLease))
}

// Done implements slackconn.Inbox.
func (b *storeInbox) Done(ctx context.Context, key string) error {
	return b.st.DeleteInboxEntry(ctx, key)
}

// Pending implements slackconn.Inbox.
func (b *storeInbox) Pending(ctx context.Context) ([]slackconn.InboxEntry, error) {
	es, err := b.st.PendingInboxEntries(ctx, b.clk.Now(), inboxBatch)
	if err != nil {
		return nil, err
	}
	out := make([]slackconn.InboxEntry, len(es))
	for i, e := range es {
		out[i] = slackconn.InboxEntry{Key: e.Key, Kind: e.Kind, Payload: e.Payload, Claimed: e.Claimed}
	}
	return out, nil
}
