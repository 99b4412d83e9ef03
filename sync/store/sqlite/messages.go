package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

const messageColumns = `channel_id, ts, thread_ts, user_id, team_id, text, subtype, edited_ts, deleted, permalink, client_id`

// Slack ts values have a fixed shape, so comparing edited_ts as text orders
// edits; an empty edited_ts (never edited) sorts before any edit.
const upsertMessage = `INSERT INTO messages (` + messageColumns + `)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (channel_id, ts) DO UPDATE SET
	thread_ts = excluded.thread_ts, user_id = excluded.user_id, team_id = excluded.team_id,
	text = excluded.text, subtype = excluded.subtype, edited_ts = excluded.edited_ts,
	deleted = CASE WHEN messages.deleted = 1 THEN 1 ELSE excluded.deleted END,
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
	return batch(ctx, q, upsertMessage, msgs, func(st *sql.Stmt, m connectors.Message) error {
		if _, err := st.ExecContext(ctx, m.ChannelID, m.TS, m.ThreadTS, m.UserID, m.TeamID,
			m.Text, m.Subtype, m.EditedTS, boolInt(m.Deleted), m.Permalink, m.ClientID); err != nil {
			return fmt.Errorf("upserting message %s/%s: %w", m.ChannelID, m.TS, err)
		}
		return nil
	})
}

func scanMessage(sc interface{ Scan(...any) error }) (connectors.Message, error) {
	var (
		m       connectors.Message
		deleted int
	)
	err := sc.Scan(&m.ChannelID, &m.TS, &m.ThreadTS, &m.UserID, &m.TeamID, &m.Text, &m.Subtype,
		&m.EditedTS, &deleted, &m.Permalink, &m.ClientID)
	m.Deleted = deleted != 0
	return m, err
}

// GetMessage implements store.Messages.
func (q queries) GetMessage(ctx context.Context, channelID, ts string) (connectors.Message, error) {
	m, err := scanMessage(q.db.QueryRowContext(ctx,
		`SELECT `+messageColumns+` FROM messages WHERE channel_id = ? AND ts = ?`, channelID, ts))
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
		w.add("client_id = ?", f.ClientID)
	}
	if f.SinceTS != "" {
		w.add("ts > ?", f.SinceTS)
	}
	if !f.IncludeDeleted {
		w.add("deleted = 0")
	}
	return q.listMessages(ctx, w.String()+` ORDER BY ts, channel_id`+limitClause(f.Limit), w.args...)
}

// Thread implements store.Messages.
func (q queries) Thread(ctx context.Context, channelID, threadTS string) ([]connectors.Message, error) {
	return q.listMessages(ctx, ` WHERE channel_id = ? AND (ts = ? OR thread_ts = ?) AND deleted = 0 ORDER BY ts`,
		channelID, threadTS, threadTS)
}

func (q queries) listMessages(ctx context.Context, tail string, args ...any) ([]connectors.Message, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages`+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("listing messages: %w", err)
	}
	defer rows.Close()
	var out []connectors.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("listing messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing messages: %w", err)
	}
	return out, nil
}

// MarkMessageDeleted implements store.Messages.
func (q queries) MarkMessageDeleted(ctx context.Context, channelID, ts string) error {
	res, err := q.exec(ctx, `UPDATE messages SET deleted = 1 WHERE channel_id = ? AND ts = ?`, channelID, ts)
	if err != nil {
		return fmt.Errorf("marking message %s/%s deleted: %w", channelID, ts, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("marking message %s/%s deleted: %w", channelID, ts, err)
	} else if n == 0 {
		return fmt.Errorf("message %s/%s: %w", channelID, ts, store.ErrNotFound)
	}
	return nil
}
