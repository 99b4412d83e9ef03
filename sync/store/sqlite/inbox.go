package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// PutInboxEntry implements store.SlackInbox: one small insert, so that it
// fits well within Slack's three-second ack deadline.
func (q queries) PutInboxEntry(ctx context.Context, e store.InboxEntry) error {
	if e.Key == "" || e.Kind == "" {
		return fmt.Errorf("recording slack delivery: empty key or kind: %w", store.ErrInvalid)
	}
	if _, err := q.db.ExecContext(ctx, `INSERT INTO slack_inbox (event_key, kind, payload, received) VALUES (?, ?, ?, ?)
		ON CONFLICT (event_key) DO NOTHING`, e.Key, e.Kind, e.Payload, e.Received.UnixMilli()); err != nil {
		return fmt.Errorf("recording slack delivery %s: %w", e.Key, err)
	}
	return nil
}

// ClaimInboxEntry implements store.SlackInbox. The update is one statement,
// so SQLite's write lock makes exactly one caller the claimant.
func (q queries) ClaimInboxEntry(ctx context.Context, key string, now, until time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE slack_inbox SET claimed_until = ?
		WHERE event_key = ? AND (claimed_until IS NULL OR claimed_until <= ?)`, until.UnixMilli(), key, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("claiming slack delivery %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claiming slack delivery %s: %w", key, err)
	}
	return n == 1, nil
}

// DeleteInboxEntry implements store.SlackInbox.
func (q queries) DeleteInboxEntry(ctx context.Context, key string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM slack_inbox WHERE event_key = ?`, key); err != nil {
		return fmt.Errorf("deleting handled slack delivery %s: %w", key, err)
	}
	return nil
}

// PendingInboxEntries implements store.SlackInbox.
func (q queries) PendingInboxEntries(ctx context.Context, now time.Time, limit int) ([]store.InboxEntry, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT event_key, kind, payload, received, claimed_until FROM slack_inbox
		WHERE claimed_until IS NULL OR claimed_until <= ? ORDER BY received, seq LIMIT ?`, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("listing pending slack deliveries: %w", err)
	}
	defer rows.Close()
	var out []store.InboxEntry
	for rows.Next() {
		var (
			e        store.InboxEntry
			received int64
			claimed  sql.NullInt64
		)
		if err := rows.Scan(&e.Key, &e.Kind, &e.Payload, &received, &claimed); err != nil {
			return nil, fmt.Errorf("listing pending slack deliveries: %w", err)
		}
		e.Received, e.Claimed = time.UnixMilli(received).UTC(), claimed.Valid
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing pending slack deliveries: %w", err)
	}
	return out, nil
}
