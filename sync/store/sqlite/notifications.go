package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

const notificationColumns = `finding_key, recipient, state, reason, digest, bypass, due_at, delivery_key, sent_at, created_at`

func validNotifyState(s store.NotificationState) bool {
	switch s {
	case store.NotifyWaiting, store.NotifyPending, store.NotifySent, store.NotifyDone:
		return true
	}
	return false
}

// PutNotification implements store.Notifications.
func (q queries) PutNotification(ctx context.Context, n store.Notification) error {
	switch {
	case n.FindingKey == "" || n.Recipient == "":
		return fmt.Errorf("storing notification: finding key and recipient are required: %w", store.ErrInvalid)
	case !validNotifyState(n.State):
		return fmt.Errorf("storing notification %s/%s: unknown state %q: %w", n.FindingKey, n.Recipient, n.State, store.ErrInvalid)
	case n.DueAt.IsZero():
		return fmt.Errorf("storing notification %s/%s: no due time: %w", n.FindingKey, n.Recipient, store.ErrInvalid)
	}
	created := n.CreatedAt
	if created.IsZero() {
		created = q.clk.Now()
	}
	_, err := q.exec(ctx, `INSERT INTO notifications (`+notificationColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (finding_key, recipient) DO UPDATE SET state = excluded.state, reason = excluded.reason,
			digest = excluded.digest, bypass = excluded.bypass, due_at = excluded.due_at,
			delivery_key = excluded.delivery_key, sent_at = excluded.sent_at`,
		n.FindingKey, n.Recipient, string(n.State), n.Reason, boolInt(n.Digest), boolInt(n.Bypass),
		n.DueAt.UnixMilli(), n.DeliveryKey, ms(n.SentAt), created.UnixMilli())
	if err != nil {
		return fmt.Errorf("storing notification %s/%s: %w", n.FindingKey, n.Recipient, err)
	}
	return nil
}

func scanNotification(sc interface{ Scan(...any) error }) (store.Notification, error) {
	var (
		n                  store.Notification
		state              string
		digest, bypass     int
		due, sent, created sql.NullInt64
	)
	err := sc.Scan(&n.FindingKey, &n.Recipient, &state, &n.Reason, &digest, &bypass, &due, &n.DeliveryKey, &sent, &created)
	n.State, n.Digest, n.Bypass = store.NotificationState(state), digest != 0, bypass != 0
	n.DueAt, n.SentAt, n.CreatedAt = fromMS(due), fromMS(sent), fromMS(created)
	return n, err
}

// GetNotification implements store.Notifications.
func (q queries) GetNotification(ctx context.Context, findingKey, recipient string) (store.Notification, error) {
	n, err := scanNotification(q.db.QueryRowContext(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE finding_key = ? AND recipient = ?`, findingKey, recipient))
	if err != nil {
		return n, notFound(err, "notification "+findingKey+"/"+recipient)
	}
	return n, nil
}

// ListNotifications implements store.Notifications.
func (q queries) ListNotifications(ctx context.Context, f store.NotificationFilter) ([]store.Notification, error) {
	var w where
	if f.State != "" {
		w.add("state = ?", string(f.State))
	}
	if f.FindingKey != "" {
		w.add("finding_key = ?", f.FindingKey)
	}
	if f.Recipient != "" {
		w.add("recipient = ?", f.Recipient)
	}
	if !f.DueBy.IsZero() {
		w.add("due_at <= ?", f.DueBy.UnixMilli())
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications`+w.String()+
		` ORDER BY due_at, recipient, finding_key`+limitClause(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("listing notifications: %w", err)
	}
	defer rows.Close()
	var out []store.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("listing notifications: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing notifications: %w", err)
	}
	return out, nil
}

// CountNotifications implements store.Notifications.
func (q queries) CountNotifications(ctx context.Context, s store.NotificationState) (int, error) {
	var n int
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE state = ?`, string(s)).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting notifications: %w", err)
	}
	return n, nil
}

// AddPostFindings implements store.Notifications.
func (q queries) AddPostFindings(ctx context.Context, deliveryKey string, findingKeys []string) error {
	if deliveryKey == "" {
		return fmt.Errorf("recording post findings: empty delivery key: %w", store.ErrInvalid)
	}
	return q.inTx(ctx, func(q queries) error {
		var seq int64
		if err := q.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM notification_posts`).Scan(&seq); err != nil {
			return fmt.Errorf("recording findings of post %s: %w", deliveryKey, err)
		}
		return batch(ctx, q, `INSERT INTO notification_posts (delivery_key, finding_key, seq) VALUES (?, ?, ?)
			ON CONFLICT (delivery_key, finding_key) DO NOTHING`, findingKeys, func(st *sql.Stmt, k string) error {
			seq++
			if _, err := st.ExecContext(ctx, deliveryKey, k, seq); err != nil {
				return fmt.Errorf("recording findings of post %s: %w", deliveryKey, err)
			}
			return nil
		})
	})
}

// ListPostsOfFinding implements store.Notifications.
func (q queries) ListPostsOfFinding(ctx context.Context, findingKey string) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT delivery_key FROM notification_posts WHERE finding_key = ? ORDER BY seq`, findingKey)
	if err != nil {
		return nil, fmt.Errorf("listing posts of finding %s: %w", findingKey, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("listing posts of finding %s: %w", findingKey, err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing posts of finding %s: %w", findingKey, err)
	}
	return out, nil
}

// GroupSentAt implements store.Notifications.
func (q queries) GroupSentAt(ctx context.Context, recipient string, digest bool) (time.Time, error) {
	var at sql.NullInt64
	err := q.db.QueryRowContext(ctx, `SELECT last_sent_at FROM notification_groups WHERE recipient = ? AND digest = ?`,
		recipient, boolInt(digest)).Scan(&at)
	if err != nil && err != sql.ErrNoRows {
		return time.Time{}, fmt.Errorf("reading group of %s: %w", recipient, err)
	}
	return fromMS(at), nil
}

// SetGroupSentAt implements store.Notifications.
func (q queries) SetGroupSentAt(ctx context.Context, recipient string, digest bool, at time.Time) error {
	if recipient == "" || at.IsZero() {
		return fmt.Errorf("recording group send: recipient and time are required: %w", store.ErrInvalid)
	}
	if _, err := q.exec(ctx, `INSERT INTO notification_groups (recipient, digest, last_sent_at) VALUES (?, ?, ?)
		ON CONFLICT (recipient, digest) DO UPDATE SET last_sent_at = excluded.last_sent_at`,
		recipient, boolInt(digest), at.UnixMilli()); err != nil {
		return fmt.Errorf("recording group send for %s: %w", recipient, err)
	}
	return nil
}

// LockFlush implements store.Notifications. Every write transaction takes
// SQLite's write lock at BEGIN, so a flush already runs alone.
func (q queries) LockFlush(context.Context) error { return nil }

// SetAck implements store.Notifications.
func (q queries) SetAck(ctx context.Context, a store.Ack) (bool, error) {
	if a.FindingKey == "" || a.By == "" || a.At.IsZero() {
		return false, fmt.Errorf("acknowledging: finding key, who and when are required: %w", store.ErrInvalid)
	}
	res, err := q.exec(ctx, `INSERT INTO finding_acks (finding_key, acked_by, acked_at) VALUES (?, ?, ?)
		ON CONFLICT (finding_key) DO NOTHING`, a.FindingKey, a.By, a.At.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("acknowledging finding %s: %w", a.FindingKey, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("acknowledging finding %s: %w", a.FindingKey, err)
	}
	return n > 0, nil
}

// GetAck implements store.Notifications.
func (q queries) GetAck(ctx context.Context, findingKey string) (store.Ack, error) {
	a := store.Ack{FindingKey: findingKey}
	var at sql.NullInt64
	err := q.db.QueryRowContext(ctx, `SELECT acked_by, acked_at FROM finding_acks WHERE finding_key = ?`, findingKey).
		Scan(&a.By, &at)
	if err != nil {
		return store.Ack{}, notFound(err, "acknowledgement of "+findingKey)
	}
	a.At = fromMS(at)
	return a, nil
}

// ClearAck implements store.Notifications.
func (q queries) ClearAck(ctx context.Context, findingKey string) error {
	if _, err := q.exec(ctx, `DELETE FROM finding_acks WHERE finding_key = ?`, findingKey); err != nil {
		return fmt.Errorf("clearing acknowledgement of %s: %w", findingKey, err)
	}
	return nil
}

// MarkPostAttempt implements store.Notifications.
func (q queries) MarkPostAttempt(ctx context.Context, deliveryKey string, at time.Time) error {
	if _, err := q.exec(ctx, `INSERT INTO delivery_attempts (delivery_key, started_at) VALUES (?, ?)
		ON CONFLICT (delivery_key) DO UPDATE SET started_at = excluded.started_at`, deliveryKey, at.UnixMilli()); err != nil {
		return fmt.Errorf("recording post attempt of %s: %w", deliveryKey, err)
	}
	return nil
}

// PostAttempted implements store.Notifications.
func (q queries) PostAttempted(ctx context.Context, deliveryKey string) (bool, error) {
	var n int
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM delivery_attempts WHERE delivery_key = ?`, deliveryKey).Scan(&n); err != nil {
		return false, fmt.Errorf("reading post attempt of %s: %w", deliveryKey, err)
	}
	return n > 0, nil
}

// ClearPostAttempt implements store.Notifications.
func (q queries) ClearPostAttempt(ctx context.Context, deliveryKey string) error {
	if _, err := q.exec(ctx, `DELETE FROM delivery_attempts WHERE delivery_key = ?`, deliveryKey); err != nil {
		return fmt.Errorf("clearing post attempt of %s: %w", deliveryKey, err)
	}
	return nil
}

// DeferDelivery implements store.Notifications.
func (q queries) DeferDelivery(ctx context.Context, key, owner, reason string, dueAt time.Time) error {
	if dueAt.IsZero() {
		return fmt.Errorf("deferring delivery %s: no due time: %w", key, store.ErrInvalid)
	}
	return q.finish(ctx, key, owner, `state = ?, last_error = ?, due_at = ?, lease_owner = '', lease_until = NULL, updated_at = ?`,
		string(store.DeliveryPending), reason, dueAt.UnixMilli(), q.clk.Now().UnixMilli())
}

// CountOpenFindings implements store.Notifications.
func (q queries) CountOpenFindings(ctx context.Context) ([]store.FindingCount, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT rule, severity, COUNT(*) FROM findings WHERE resolved_at IS NULL
		GROUP BY rule, severity ORDER BY rule, severity`)
	if err != nil {
		return nil, fmt.Errorf("counting open findings: %w", err)
	}
	defer rows.Close()
	var out []store.FindingCount
	for rows.Next() {
		var c store.FindingCount
		if err := rows.Scan(&c.Rule, &c.Severity, &c.Count); err != nil {
			return nil, fmt.Errorf("counting open findings: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting open findings: %w", err)
	}
	return out, nil
}
