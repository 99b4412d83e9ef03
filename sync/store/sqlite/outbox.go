package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

const deliveryColumns = `key, finding_key, recipient, channel_id, kind, payload, due_at, state, attempts,
	last_error, slack_ts, lease_owner, lease_until, created_at, updated_at`

func validKind(k store.DeliveryKind) bool {
	switch k {
	case store.DeliveryPost, store.DeliveryUpdate, store.DeliveryThread, store.DeliveryEphemeral:
		return true
	}
	return false
}

// EnqueueDelivery implements store.Outbox.
func (q queries) EnqueueDelivery(ctx context.Context, d store.Delivery) (bool, error) {
	switch {
	case d.Key == "":
		return false, fmt.Errorf("enqueueing delivery: empty key: %w", store.ErrInvalid)
	case !validKind(d.Kind):
		return false, fmt.Errorf("enqueueing delivery %s: unknown kind %q: %w", d.Key, d.Kind, store.ErrInvalid)
	case !json.Valid(d.Payload):
		return false, fmt.Errorf("enqueueing delivery %s: payload is not JSON: %w", d.Key, store.ErrInvalid)
	case d.DueAt.IsZero():
		return false, fmt.Errorf("enqueueing delivery %s: no due time: %w", d.Key, store.ErrInvalid)
	}
	now := q.clk.Now().UnixMilli()
	res, err := q.exec(ctx, `INSERT INTO deliveries (key, finding_key, recipient, channel_id, kind, payload,
		due_at, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING`,
		d.Key, d.FindingKey, d.Recipient, d.ChannelID, string(d.Kind), string(d.Payload),
		d.DueAt.UnixMilli(), string(store.DeliveryPending), now, now)
	if err != nil {
		return false, fmt.Errorf("enqueueing delivery %s: %w", d.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("enqueueing delivery %s: %w", d.Key, err)
	}
	return n > 0, nil
}

// ClaimDeliveries implements store.Outbox. One UPDATE ... RETURNING selects
// and leases the rows, so no other claimer can take them in between: SQLite
// runs it under its single write lock. (PostgreSQL needs FOR UPDATE SKIP
// LOCKED in the subquery for the same guarantee without blocking.)
func (q queries) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]store.Delivery, error) {
	if owner == "" || lease <= 0 || limit <= 0 {
		return nil, fmt.Errorf("claiming deliveries: need owner, positive lease and limit: %w", store.ErrInvalid)
	}
	nowMS := now.UnixMilli()
	var out []store.Delivery
	err := q.inTx(ctx, func(q queries) error {
		rows, err := q.db.QueryContext(ctx, `UPDATE deliveries
		SET state = ?, lease_owner = ?, lease_until = ?, updated_at = ?
		WHERE key IN (
			SELECT key FROM deliveries
			WHERE (state = ? AND due_at <= ?) OR (state = ? AND lease_until < ?)
			ORDER BY due_at, key
			LIMIT ?)
		RETURNING `+deliveryColumns,
			string(store.DeliverySending), owner, now.Add(lease).UnixMilli(), q.clk.Now().UnixMilli(),
			string(store.DeliveryPending), nowMS, string(store.DeliverySending), nowMS, limit)
		if err != nil {
			return err
		}
		out, err = collectDeliveries(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claiming deliveries: %w", err)
	}
	// RETURNING order is unspecified.
	sort.Slice(out, func(i, j int) bool {
		if !out[i].DueAt.Equal(out[j].DueAt) {
			return out[i].DueAt.Before(out[j].DueAt)
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// finish moves a delivery its owner holds out of sending.
func (q queries) finish(ctx context.Context, key, owner, set string, args ...any) error {
	return q.inTx(ctx, func(q queries) error {
		args = append(args, key, string(store.DeliverySending), owner)
		res, err := q.exec(ctx, `UPDATE deliveries SET `+set+` WHERE key = ? AND state = ? AND lease_owner = ?`, args...)
		if err != nil {
			return fmt.Errorf("updating delivery %s: %w", key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("updating delivery %s: %w", key, err)
		}
		if n > 0 {
			return nil
		}
		if err := q.exists(ctx, "deliveries", "key", key, "delivery "+key); err != nil {
			return err
		}
		return fmt.Errorf("delivery %s is not held by %s: %w", key, owner, store.ErrLeaseLost)
	})
}

// MarkDeliverySent implements store.Outbox.
func (q queries) MarkDeliverySent(ctx context.Context, key, owner, slackTS string, at time.Time) error {
	return q.finish(ctx, key, owner, `state = ?, slack_ts = ?, lease_until = NULL, updated_at = ?`,
		string(store.DeliverySent), slackTS, at.UnixMilli())
}

// MarkDeliveryFailed implements store.Outbox.
func (q queries) MarkDeliveryFailed(ctx context.Context, key, owner, reason string, at time.Time) error {
	return q.finish(ctx, key, owner, `state = ?, attempts = attempts + 1, last_error = ?, lease_until = NULL, updated_at = ?`,
		string(store.DeliveryFailed), reason, at.UnixMilli())
}

// RescheduleDelivery implements store.Outbox.
func (q queries) RescheduleDelivery(ctx context.Context, key, owner, reason string, dueAt time.Time) error {
	if dueAt.IsZero() {
		return fmt.Errorf("rescheduling delivery %s: no due time: %w", key, store.ErrInvalid)
	}
	return q.finish(ctx, key, owner, `state = ?, attempts = attempts + 1, last_error = ?, due_at = ?,
		lease_owner = '', lease_until = NULL, updated_at = ?`,
		string(store.DeliveryPending), reason, dueAt.UnixMilli(), q.clk.Now().UnixMilli())
}

// GetDelivery implements store.Outbox.
func (q queries) GetDelivery(ctx context.Context, key string) (store.Delivery, error) {
	d, err := scanDelivery(q.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE key = ?`, key))
	if err != nil {
		return d, notFound(err, "delivery "+key)
	}
	return d, nil
}

// ListDeliveries implements store.Outbox.
func (q queries) ListDeliveries(ctx context.Context, f store.DeliveryFilter) ([]store.Delivery, error) {
	var w where
	if f.State != "" {
		w.add("state = ?", string(f.State))
	}
	if f.FindingKey != "" {
		w.add("finding_key = ?", f.FindingKey)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries`+w.String()+
		` ORDER BY due_at, key`+limitClause(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("listing deliveries: %w", err)
	}
	out, err := collectDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("listing deliveries: %w", err)
	}
	return out, nil
}

func collectDeliveries(rows *sql.Rows) ([]store.Delivery, error) {
	defer rows.Close()
	var out []store.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanDelivery(sc interface{ Scan(...any) error }) (store.Delivery, error) {
	var (
		d                           store.Delivery
		kind, state, payload        string
		due, lease, created, update sql.NullInt64
	)
	err := sc.Scan(&d.Key, &d.FindingKey, &d.Recipient, &d.ChannelID, &kind, &payload, &due, &state,
		&d.Attempts, &d.LastError, &d.SlackTS, &d.LeaseOwner, &lease, &created, &update)
	d.Kind, d.State, d.Payload = store.DeliveryKind(kind), store.DeliveryState(state), json.RawMessage(payload)
	d.DueAt, d.LeaseUntil, d.CreatedAt, d.UpdatedAt = fromMS(due), fromMS(lease), fromMS(created), fromMS(update)
	return d, err
}
