package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

const messageColumns = `channel_id, ts, thread_ts, user_id, team_id, text, subtype, edited_ts, deleted, permalink, client_id`

// Slack ts values have a fixed shape, so comparing edited_ts as text (in the
// "C" collation) orders edits; an empty edited_ts (never edited) sorts
// before any edit.
const upsertMessage = `INSERT INTO messages (` + messageColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (channel_id, ts) DO UPDATE SET
	thread_ts = excluded.thread_ts, user_id = excluded.user_id, team_id = excluded.team_id,
	text = excluded.text, subtype = excluded.subtype, edited_ts = excluded.edited_ts,
	deleted = messages.deleted OR excluded.deleted,
	permalink = CASE WHEN excluded.permalink = '' THEN messages.permalink ELSE excluded.permalink END,
	client_id = CASE WHEN excluded.client_id = '' THEN messages.client_id ELSE excluded.client_id END
WHERE excluded.edited_ts >= messages.edited_ts`

// UpsertMessages implements store.Messages.
func (q queries) UpsertMessages(ctx context.Context, msgs []connectors.Message) error {
	for _, m := range msgs {
		if m.ChannelID == "" || m.TS == "" {
			return fmt.Errorf("upserting messages: message needs channel and ts: %w", store.ErrInvalid)
		}
	}
	return batch(ctx, q, upsertMessage, msgs, func(m connectors.Message) []any {
		return []any{m.ChannelID, m.TS, m.ThreadTS, m.UserID, m.TeamID,
			text(m.Text), m.Subtype, m.EditedTS, m.Deleted, m.Permalink, m.ClientID}
	}, func(m connectors.Message) string { return "upserting message " + m.ChannelID + "/" + m.TS })
}

func scanMessage(row pgx.Row) (connectors.Message, error) {
	var m connectors.Message
	err := row.Scan(&m.ChannelID, &m.TS, &m.ThreadTS, &m.UserID, &m.TeamID, &m.Text, &m.Subtype,
		&m.EditedTS, &m.Deleted, &m.Permalink, &m.ClientID)
	return m, err
}

// GetMessage implements store.Messages.
func (q queries) GetMessage(ctx context.Context, channelID, ts string) (connectors.Message, error) {
	m, err := scanMessage(q.db.QueryRow(ctx,
		`SELECT `+messageColumns+` FROM messages WHERE channel_id = $1 AND ts = $2`, channelID, ts))
	if err != nil {
		return m, notFound(err, "message "+channelID+"/"+ts)
	}
	return m, nil
}

// ListMessages implements store.Messages.
func (q queries) ListMessages(ctx context.Context, f store.MessageFilter) ([]connectors.Message, error) {
	var w where
	w.in("channel_id", f.ChannelIDs)
	if f.ClientID != "" {
		w.add("client_id = " + w.arg(f.ClientID))
	}
	if f.SinceTS != "" {
		w.add("ts > " + w.arg(f.SinceTS))
	}
	if !f.IncludeDeleted {
		w.add("NOT deleted")
	}
	return q.listMessages(ctx, w.String()+` ORDER BY ts, channel_id`+limitClause(f.Limit), w.args...)
}

// Thread implements store.Messages.
func (q queries) Thread(ctx context.Context, channelID, threadTS string) ([]connectors.Message, error) {
	return q.listMessages(ctx, ` WHERE channel_id = $1 AND (ts = $2 OR thread_ts = $2) AND NOT deleted ORDER BY ts`,
		channelID, threadTS)
}

func (q queries) listMessages(ctx context.Context, tail string, args ...any) ([]connectors.Message, error) {
	rows, err := q.db.Query(ctx, `SELECT `+messageColumns+` FROM messages`+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("listing messages: %w", err)
	}
	out, err := collect(rows, func(r pgx.Rows) (connectors.Message, error) { return scanMessage(r) })
	if err != nil {
		return nil, fmt.Errorf("listing messages: %w", err)
	}
	return out, nil
}

// MarkMessageDeleted implements store.Messages.
func (q queries) MarkMessageDeleted(ctx context.Context, channelID, ts string) error {
	tag, err := q.db.Exec(ctx, `UPDATE messages SET deleted = TRUE WHERE channel_id = $1 AND ts = $2`, channelID, ts)
	if err != nil {
		return fmt.Errorf("marking message %s/%s deleted: %w", channelID, ts, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("message %s/%s: %w", channelID, ts, store.ErrNotFound)
	}
	return nil
}
