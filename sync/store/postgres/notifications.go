package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

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
	_, err := q.db.Exec(ctx, `INSERT INTO notifications (`+notificationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (finding_key, recipient) DO UPDATE SET state = excluded.state, reason = excluded.reason,
			digest = excluded.digest, bypass = excluded.bypass, due_at = excluded.due_at,
			delivery_key = excluded.delivery_key, sent_at = excluded.sent_at`,
		n.FindingKey, n.Recipient, string(n.State), n.Reason, n.Digest, n.Bypass,
		tsArg(n.DueAt), n.DeliveryKey, ts(n.SentAt), tsArg(created))
	if err != nil {
		return fmt.Errorf("storing notification %s/%s: %w", n.FindingKey, n.Recipient, err)
	}
	return nil
}

func scanNotification(row pgx.Row) (store.Notification, error) {
	var (
		n                  store.Notification
		state              string
		due, sent, created pgtype.Timestamptz
	)
	err := row.Scan(&n.FindingKey, &n.Recipient, &state, &n.Reason, &n.Digest, &n.Bypass, &due, &n.DeliveryKey, &sent, &created)
	n.State = store.NotificationState(state)
	n.DueAt, n.SentAt, n.CreatedAt = fromTS(due), fromTS(sent), fromTS(created)
	return n, err
}

// GetNotification implements store.Notifications.
func (q queries) GetNotification(ctx context.Context, findingKey, recipient string) (store.Notification, error) {
	n, err := scanNotification(q.db.QueryRow(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE finding_key = $1 AND recipient = $2`, findingKey, recipient))
	if err != nil {
		return n, notFound(err, "notification "+findingKey+"/"+recipient)
	}
	return n, nil
}

// ListNotifications implements store.Notifications.
func (q queries) ListNotifications(ctx context.Context, f store.NotificationFilter) ([]store.Notification, error) {
	var w where
	if f.State != "" {
		w.add("state = " + w.arg(string(f.State)))
	}
	if f.FindingKey != "" {
		w.add("finding_key = " + w.arg(f.FindingKey))
	}
	if f.Recipient != "" {
		w.add("recipient = " + w.arg(f.Recipient))
	}
	if !f.DueBy.IsZero() {
		w.add("due_at <= " + w.arg(tsArg(f.DueBy)))
	}
	rows, err := q.db.Query(ctx, `SELECT `+notificationColumns+` FROM notifications`+w.String()+
		` ORDER BY due_at, recipient, finding_key`+limitClause(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("listing notifications: %w", err)
	}
	out, err := collect(rows, func(r pgx.Rows) (store.Notification, error) { return scanNotification(r) })
	if err != nil {
		return nil, fmt.Errorf("listing notifications: %w", err)
	}
	return out, nil
}

// CountNotifications implements store.Notifications.
func (q queries) CountNotifications(ctx context.Context, s store.NotificationState) (int, error) {
	var n int
	if err := q.db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE state = $1`, string(s)).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting notifications: %w", err)
	}
	return n, nil
}

// AddPostFindings implements store.Notifications. seq comes from an
// identity column, so posts recorded by two replicas at once still get
// distinct, increasing numbers; the statements run in order, so one call's
// findings are numbered in the order given.
func (q queries) AddPostFindings(ctx context.Context, deliveryKey string, findingKeys []string) error {
	if deliveryKey == "" {
		return fmt.Errorf("recording post findings: empty delivery key: %w", store.ErrInvalid)
	}
	return batch(ctx, q, `INSERT INTO notification_posts (delivery_key, finding_key) VALUES ($1, $2)
		ON CONFLICT (delivery_key, finding_key) DO NOTHING`, findingKeys,
		func(k string) []any { return []any{deliveryKey, k} },
		func(string) string { return "recording findings of post " + deliveryKey })
}

// ListPostsOfFinding implements store.Notifications.
func (q queries) ListPostsOfFinding(ctx context.Context, findingKey string) ([]string, error) {
	rows, err := q.db.Query(ctx, `SELECT delivery_key FROM notification_posts WHERE finding_key = $1 ORDER BY seq`, findingKey)
	if err != nil {
		return nil, fmt.Errorf("listing posts of finding %s: %w", findingKey, err)
	}
	out, err := collect(rows, func(r pgx.Rows) (string, error) {
		var k string
		err := r.Scan(&k)
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing posts of finding %s: %w", findingKey, err)
	}
	return out, nil
}

// GroupSentAt implements store.Notifications.
func (q queries) GroupSentAt(ctx context.Context, recipient string, digest bool) (time.Time, error) {
	var at pgtype.Timestamptz
	err := q.db.QueryRow(ctx, `SELECT last_sent_at FROM notification_groups WHERE recipient = $1 AND digest = $2`,
		recipient, digest).Scan(&at)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, fmt.Errorf("reading group of %s: %w", recipient, err)
	}
	return fromTS(at), nil
}

// SetGroupSentAt implements store.Notifications.
func (q queries) SetGroupSentAt(ctx context.Context, recipient string, digest bool, at time.Time) error {
	if recipient == "" || at.IsZero() {
		return fmt.Errorf("recording group send: recipient and time are required: %w", store.ErrInvalid)
	}
	if _, err := q.db.Exec(ctx, `INSERT INTO notification_groups (recipient, digest, last_sent_at) VALUES ($1, $2, $3)
		ON CONFLICT (recipient, digest) DO UPDATE SET last_sent_at = excluded.last_sent_at`,
		recipient, digest, tsArg(at)); err != nil {
		return fmt.Errorf("recording group send for %s: %w", recipient, err)
	}
	return nil
}

// LockFlush implements store.Notifications with a transaction-scoped
// advisory lock on the schema (another installation in the same database
// flushes on its own). At READ COMMITTED every statement after it sees what the
// previous holder committed, so a second replica's flush finds the
// notifications the first one grouped already sent.
func (q queries) LockFlush(ctx context.Context) error {
	if _, err := q.db.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, lockClassFlush); err != nil {
		return fmt.Errorf("locking the notification flush: %w", err)
	}
	return nil
}

// SetAck implements store.Notifications.
func (q queries) SetAck(ctx context.Context, a store.Ack) (bool, error) {
	if a.FindingKey == "" || a.By == "" || a.At.IsZero() {
		return false, fmt.Errorf("acknowledging: finding key, who and when are required: %w", store.ErrInvalid)
	}
	tag, err := q.db.Exec(ctx, `INSERT INTO finding_acks (finding_key, acked_by, acked_at) VALUES ($1, $2, $3)
		ON CONFLICT (finding_key) DO NOTHING`, a.FindingKey, a.By, tsArg(a.At))
	if err != nil {
		return false, fmt.Errorf("acknowledging finding %s: %w", a.FindingKey, err)
	}
	return tag.RowsAffected() > 0, nil
}

// GetAck implements store.Notifications.
func (q queries) GetAck(ctx context.Context, findingKey string) (store.Ack, error) {
	a := store.Ack{FindingKey: findingKey}
	var at pgtype.Timestamptz
	err := q.db.QueryRow(ctx, `SELECT acked_by, acked_at FROM finding_acks WHERE finding_key = $1`, findingKey).
		Scan(&a.By, &at)
	if err != nil {
		return store.Ack{}, notFound(err, "acknowledgement of "+findingKey)
	}
	a.At = fromTS(at)
	return a, nil
}

// ClearAck implements store.Notifications.
func (q queries) ClearAck(ctx context.Context, findingKey string) error {
	if _, err := q.db.Exec(ctx, `DELETE FROM finding_acks WHERE finding_key = $1`, findingKey); err != nil {
		return fmt.Errorf("clearing acknowledgement of %s: %w", findingKey, err)
	}
	return nil
}

// MarkPostAttempt implements store.Notifications.
func (q queries) MarkPostAttempt(ctx context.Context, deliveryKey string, at time.Time) error {
	if _, err := q.db.Exec(ctx, `INSERT INTO delivery_attempts (delivery_key, started_at) VALUES ($1, $2)
		ON CONFLICT (delivery_key) DO UPDATE SET started_at = excluded.started_at`, deliveryKey, tsArg(at)); err != nil {
		return fmt.Errorf("recording post attempt of %s: %w", deliveryKey, err)
	}
	return nil
}

// PostAttempted implements store.Notifications.
func (q queries) PostAttempted(ctx context.Context, deliveryKey string) (bool, error) {
	var ok bool
	if err := q.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM delivery_attempts WHERE delivery_key = $1)`, deliveryKey).Scan(&ok); err != nil {
		return false, fmt.Errorf("reading post attempt of %s: %w", deliveryKey, err)
	}
	return ok, nil
}

// ClearPostAttempt implements store.Notifications.
func (q queries) ClearPostAttempt(ctx context.Context, deliveryKey string) error {
	if _, err := q.db.Exec(ctx, `DELETE FROM delivery_attempts WHERE delivery_key = $1`, deliveryKey); err != nil {
		return fmt.Errorf("clearing post attempt of %s: %w", deliveryKey, err)
	}
	return nil
}

// DeferDelivery implements store.Notifications.
func (q queries) DeferDelivery(ctx context.Context, key, owner, reason string, dueAt time.Time) error {
	if dueAt.IsZero() {
		return fmt.Errorf("deferring delivery %s: no due time: %w", key, store.ErrInvalid)
	}
	return q.finish(ctx, key, owner, `state = $4, last_error = $5, due_at = $6, lease_owner = '', lease_until = NULL, updated_at = $7`,
		string(store.DeliveryPending), reason, tsArg(dueAt), tsArg(q.clk.Now()))
}

// CountOpenFindings implements store.Notifications.
func (q queries) CountOpenFindings(ctx context.Context) ([]store.FindingCount, error) {
	rows, err := q.db.Query(ctx, `SELECT rule, severity, COUNT(*) FROM findings WHERE resolved_at IS NULL
		GROUP BY rule, severity ORDER BY rule, severity`)
	if err != nil {
		return nil, fmt.Errorf("counting open findings: %w", err)
	}
	out, err := collect(rows, func(r pgx.Rows) (store.FindingCount, error) {
		var c store.FindingCount
		err := r.Scan(&c.Rule, &c.Severity, &c.Count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting open findings: %w", err)
	}
	return out, nil
}
