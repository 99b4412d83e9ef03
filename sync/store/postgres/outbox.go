package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

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
	now := tsArg(q.clk.Now())
	tag, err := q.db.Exec(ctx, `INSERT INTO deliveries (key, finding_key, recipient, channel_id, kind, payload,
		due_at, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
		ON CONFLICT (key) DO NOTHING`,
		d.Key, d.FindingKey, d.Recipient, d.ChannelID, string(d.Kind), []byte(d.Payload),
		tsArg(d.DueAt), string(store.DeliveryPending), now)
	if err != nil {
		return false, fmt.Errorf("enqueueing delivery %s: %w", d.Key, err)
	}
	return tag.RowsAffected() > 0, nil
}

// claimDeliveries leases rows in one statement. The subquery picks the due
// rows in order and locks them FOR UPDATE SKIP LOCKED: a row another
// claimer is leasing right now is skipped rather than waited for, and a row
// it leased and committed meanwhile is re-checked against the WHERE on its
// newest version (PostgreSQL's READ COMMITTED re-check), where it no longer
// qualifies. So two replicas claiming at once get disjoint sets without
// blocking each other. LIMIT applies after the skipping, so a claimer still
// gets up to limit rows when others hold some.
var claimDeliveries = `UPDATE deliveries AS d
	SET state = $1, lease_owner = $2, lease_until = $3, updated_at = $4
	FROM (
		SELECT key FROM deliveries
		WHERE (state = $5 AND due_at <= $6) OR (state = $1 AND lease_until < $6)
		ORDER BY due_at, key
		LIMIT $7
		FOR UPDATE SKIP LOCKED
	) AS due
	WHERE d.key = due.key
	RETURNING ` + deliveryColumnsOf("d")

// ClaimDeliveries implements store.Outbox.
func (q queries) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]store.Delivery, error) {
	if owner == "" || lease <= 0 || limit <= 0 {
		return nil, fmt.Errorf("claiming deliveries: need owner, positive lease and limit: %w", store.ErrInvalid)
	}
	rows, err := q.db.Query(ctx, claimDeliveries,
		string(store.DeliverySending), owner, tsArg(now.Add(lease)), tsArg(q.clk.Now()),
		string(store.DeliveryPending), tsArg(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claiming deliveries: %w", err)
	}
	out, err := collect(rows, func(r pgx.Rows) (store.Delivery, error) { return scanDelivery(r) })
	if err != nil {
		return nil, fmt.Errorf("claiming deliveries: %w", err)
	}
	// RETURNING order is unspecified.
	sortDeliveries(out)
	return out, nil
}

func sortDeliveries(ds []store.Delivery) {
	sort.Slice(ds, func(i, j int) bool {
		if !ds[i].DueAt.Equal(ds[j].DueAt) {
			return ds[i].DueAt.Before(ds[j].DueAt)
		}
		return ds[i].Key < ds[j].Key
	})
}

// finish moves a delivery its owner holds out of sending. The lease check
// sits in the UPDATE's WHERE, so a concurrent claimer that took the row
// over makes it match nothing; one statement also tells "not found" apart.
// As in the SQLite store, only owner and state are checked: a worker whose
// lease ran out but whom nobody replaced may still finish.
func (q queries) finish(ctx context.Context, key, owner, set string, args ...any) error {
	all := append([]any{key, string(store.DeliverySending), owner}, args...)
	updated, exists, err := q.updateOrExists(ctx, "deliveries", "key",
		`UPDATE deliveries SET `+set+` WHERE key = $1 AND state = $2 AND lease_owner = $3 RETURNING key`, all...)
	switch {
	case err != nil:
		return fmt.Errorf("updating delivery %s: %w", key, err)
	case updated:
		return nil
	case !exists:
		return fmt.Errorf("delivery %s: %w", key, store.ErrNotFound)
	}
	return fmt.Errorf("delivery %s is not held by %s: %w", key, owner, store.ErrLeaseLost)
}

// MarkDeliverySent implements store.Outbox.
func (q queries) MarkDeliverySent(ctx context.Context, key, owner, slackTS string, at time.Time) error {
	return q.finish(ctx, key, owner, `state = $4, slack_ts = $5, lease_until = NULL, updated_at = $6`,
		string(store.DeliverySent), slackTS, tsArg(at))
}

// MarkDeliveryFailed implements store.Outbox.
func (q queries) MarkDeliveryFailed(ctx context.Context, key, owner, reason string, at time.Time) error {
	return q.finish(ctx, key, owner, `state = $4, attempts = attempts + 1, last_error = $5, lease_until = NULL, updated_at = $6`,
		string(store.DeliveryFailed), reason, tsArg(at))
}

// RescheduleDelivery implements store.Outbox.
func (q queries) RescheduleDelivery(ctx context.Context, key, owner, reason string, dueAt time.Time) error {
	if dueAt.IsZero() {
		return fmt.Errorf("rescheduling delivery %s: no due time: %w", key, store.ErrInvalid)
	}
	return q.finish(ctx, key, owner, `state = $4, attempts = attempts + 1, last_error = $5, due_at = $6,
		lease_owner = '', lease_until = NULL, updated_at = $7`,
		string(store.DeliveryPending), reason, tsArg(dueAt), tsArg(q.clk.Now()))
}

// GetDelivery implements store.Outbox.
func (q queries) GetDelivery(ctx context.Context, key string) (store.Delivery, error) {
	d, err := scanDelivery(q.db.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE key = $1`, key))
	if err != nil {
		return d, notFound(err, "delivery "+key)
	}
	return d, nil
}

// ListDeliveries implements store.Outbox.
func (q queries) ListDeliveries(ctx context.Context, f store.DeliveryFilter) ([]store.Delivery, error) {
	var w where
	if f.State != "" {
		w.add("state = " + w.arg(string(f.State)))
	}
	if f.FindingKey != "" {
		w.add("finding_key = " + w.arg(f.FindingKey))
	}
	rows, err := q.db.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries`+w.String()+
		` ORDER BY due_at, key`+limitClause(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("listing deliveries: %w", err)
	}
	out, err := collect(rows, func(r pgx.Rows) (store.Delivery, error) { return scanDelivery(r) })
	if err != nil {
		return nil, fmt.Errorf("listing deliveries: %w", err)
	}
	return out, nil
}

// deliveryColumnsOf qualifies the columns with a table alias, for the claim's
// UPDATE ... FROM where the bare names would be ambiguous.
func deliveryColumnsOf(alias string) string {
	return alias + ".key, " + alias + ".finding_key, " + alias + ".recipient, " + alias + ".channel_id, " +
		alias + ".kind, " + alias + ".payload, " + alias + ".due_at, " + alias + ".state, " + alias + ".attempts, " +
		alias + ".last_error, " + alias + ".slack_ts, " + alias + ".lease_owner, " + alias + ".lease_until, " +
		alias + ".created_at, " + alias + ".updated_at"
}

func scanDelivery(row pgx.Row) (store.Delivery, error) {
	var (
		d                           store.Delivery
		kind, state                 string
		payload                     []byte
		due, lease, created, update pgtype.Timestamptz
	)
	err := row.Scan(&d.Key, &d.FindingKey, &d.Recipient, &d.ChannelID, &kind, &payload, &due, &state,
		&d.Attempts, &d.LastError, &d.SlackTS, &d.LeaseOwner, &lease, &created, &update)
	d.Kind, d.State, d.Payload = store.DeliveryKind(kind), store.DeliveryState(state), json.RawMessage(payload)
	d.DueAt, d.LeaseUntil, d.CreatedAt, d.UpdatedAt = fromTS(due), fromTS(lease), fromTS(created), fromTS(update)
	return d, err
}
