package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/liaisonhq/liaison/sync/store"
)

// PutInboxEntry implements store.SlackInbox: one small insert, so that it
// fits well within Slack's three-second ack deadline.
func (q queries) PutInboxEntry(ctx context.Context, e store.InboxEntry) error {
	if e.Key == "" || e.Kind == "" {
		return fmt.Errorf("recording slack delivery: empty key or kind: %w", store.ErrInvalid)
	}
	if _, err := q.db.Exec(ctx, `INSERT INTO slack_inbox (event_key, kind, payload, received) VALUES ($1, $2, $3, $4)
		ON CONFLICT (event_key) DO NOTHING`, e.Key, e.Kind, e.Payload, tsArg(e.Received)); err != nil {
		return fmt.Errorf("recording slack delivery %s: %w", e.Key, err)
	}
	return nil
}

// ClaimInboxEntry implements store.SlackInbox. The conditional update locks
// the row, so of replicas racing for one entry exactly one claims it.
func (q queries) ClaimInboxEntry(ctx context.Context, key string, now, until time.Time) (bool, error) {
	tag, err := q.db.Exec(ctx, `UPDATE slack_inbox SET claimed_until = $1
		WHERE event_key = $2 AND (claimed_until IS NULL OR claimed_until <= $3)`, tsArg(until), key, tsArg(now))
	if err != nil {
		return false, fmt.Errorf("claiming slack delivery %s: %w", key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// DeleteInboxEntry implements store.SlackInbox.
func (q queries) DeleteInboxEntry(ctx context.Context, key string) error {
	if _, err := q.db.Exec(ctx, `DELETE FROM slack_inbox WHERE event_key = $1`, key); err != nil {
		return fmt.Errorf("deleting handled slack delivery %s: %w", key, err)
	}
	return nil
}

// PendingInboxEntries implements store.SlackInbox.
func (q queries) PendingInboxEntries(ctx context.Context, now time.Time, limit int) ([]store.InboxEntry, error) {
	rows, err := q.db.Query(ctx, `SELECT event_key, kind, payload, received, claimed_until FROM slack_inbox
		WHERE claimed_until IS NULL OR claimed_until <= $1 ORDER BY received, seq LIMIT $2`, tsArg(now), limit)
	if err != nil {
		return nil, fmt.Errorf("listing pending slack deliveries: %w", err)
	}
	defer rows.Close()
	var out []store.InboxEntry
	for rows.Next() {
		var (
			e                 store.InboxEntry
			received, claimed pgtype.Timestamptz
		)
		if err := rows.Scan(&e.Key, &e.Kind, &e.Payload, &received, &claimed); err != nil {
			return nil, fmt.Errorf("listing pending slack deliveries: %w", err)
		}
		e.Received, e.Claimed = fromTS(received), claimed.Valid
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing pending slack deliveries: %w", err)
	}
	return out, nil
}
