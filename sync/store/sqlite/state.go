package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// GetCursor implements store.Cursors.
func (q queries) GetCursor(ctx context.Context, source string) (store.Cursor, error) {
	c := store.Cursor{Source: source}
	var updated sql.NullInt64
	err := q.db.QueryRowContext(ctx, `SELECT version, data, updated_at FROM cursors WHERE source = ?`, source).
		Scan(&c.Version, &c.Data, &updated)
	if err != nil {
		return store.Cursor{}, notFound(err, "cursor "+source)
	}
	c.UpdatedAt = fromMS(updated)
	return c, nil
}

// PutCursor implements store.Cursors.
func (q queries) PutCursor(ctx context.Context, c store.Cursor) error {
	if c.Source == "" {
		return fmt.Errorf("saving cursor: empty source: %w", store.ErrInvalid)
	}
	data := c.Data
	if data == nil {
		data = []byte{}
	}
	if _, err := q.exec(ctx, `INSERT INTO cursors (source, version, data, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET version = excluded.version, data = excluded.data, updated_at = excluded.updated_at`,
		c.Source, c.Version, data, q.clk.Now().UnixMilli()); err != nil {
		return fmt.Errorf("saving cursor %s: %w", c.Source, err)
	}
	return nil
}

const silenceColumns = `id, rule, client_id, subject_id, finding_key, starts_at, ends_at, created_by, comment, created_at`

// AddSilence implements store.Silences.
func (q queries) AddSilence(ctx context.Context, s store.Silence) (string, error) {
	switch {
	case s.StartsAt.IsZero() || !s.EndsAt.After(s.StartsAt):
		return "", fmt.Errorf("adding silence: must end after it starts: %w", store.ErrInvalid)
	case s.Rule == "" && s.ClientID == "" && s.SubjectID == "" && s.FindingKey == "":
		return "", fmt.Errorf("adding silence: no matcher would mute everything: %w", store.ErrInvalid)
	}
	if s.ID == "" {
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("adding silence: generating id: %w", err)
		}
		s.ID = hex.EncodeToString(b[:])
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = q.clk.Now()
	}
	if _, err := q.exec(ctx, `INSERT INTO silences (`+silenceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.Rule, s.ClientID, s.SubjectID, s.FindingKey, s.StartsAt.UnixMilli(), s.EndsAt.UnixMilli(),
		s.CreatedBy, s.Comment, s.CreatedAt.UnixMilli()); err != nil {
		return "", fmt.Errorf("adding silence %s: %w", s.ID, err)
	}
	return s.ID, nil
}

// ListActiveSilences implements store.Silences.
func (q queries) ListActiveSilences(ctx context.Context, t time.Time) ([]store.Silence, error) {
	at := t.UnixMilli()
	rows, err := q.db.QueryContext(ctx, `SELECT `+silenceColumns+` FROM silences
		WHERE starts_at <= ? AND ends_at > ? ORDER BY id`, at, at)
	if err != nil {
		return nil, fmt.Errorf("listing silences: %w", err)
	}
	defer rows.Close()
	var out []store.Silence
	for rows.Next() {
		var (
			s                     store.Silence
			starts, ends, created sql.NullInt64
		)
		if err := rows.Scan(&s.ID, &s.Rule, &s.ClientID, &s.SubjectID, &s.FindingKey, &starts, &ends,
			&s.CreatedBy, &s.Comment, &created); err != nil {
			return nil, fmt.Errorf("listing silences: %w", err)
		}
		s.StartsAt, s.EndsAt, s.CreatedAt = fromMS(starts), fromMS(ends), fromMS(created)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing silences: %w", err)
	}
	return out, nil
}

// ExpireSilence implements store.Silences.
func (q queries) ExpireSilence(ctx context.Context, id string, at time.Time) error {
	return q.inTx(ctx, func(q queries) error {
		if err := q.exists(ctx, "silences", "id", id, "silence "+id); err != nil {
			return err
		}
		if _, err := q.exec(ctx, `UPDATE silences SET ends_at = ? WHERE id = ? AND ends_at > ?`,
			at.UnixMilli(), id, at.UnixMilli()); err != nil {
			return fmt.Errorf("expiring silence %s: %w", id, err)
		}
		return nil
	})
}

// GetReportState implements store.Reports.
func (q queries) GetReportState(ctx context.Context, key string) (store.ReportState, error) {
	s := store.ReportState{Key: key}
	var (
		data    string
		updated sql.NullInt64
	)
	if err := q.db.QueryRowContext(ctx, `SELECT hash, data, updated_at FROM report_state WHERE key = ?`, key).
		Scan(&s.Hash, &data, &updated); err != nil {
		return store.ReportState{}, notFound(err, "report state "+key)
	}
	if data != "" {
		s.Data = json.RawMessage(data)
	}
	s.UpdatedAt = fromMS(updated)
	return s, nil
}

// PutReportState implements store.Reports. The hash comparison sits in the
// upsert's WHERE so that two writers cannot both decide to write.
func (q queries) PutReportState(ctx context.Context, s store.ReportState) (bool, error) {
	if s.Key == "" || s.Hash == "" {
		return false, fmt.Errorf("saving report state: key and hash are required: %w", store.ErrInvalid)
	}
	if len(s.Data) > 0 && !json.Valid(s.Data) {
		return false, fmt.Errorf("saving report state %s: data is not JSON: %w", s.Key, store.ErrInvalid)
	}
	res, err := q.exec(ctx, `INSERT INTO report_state (key, hash, data, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET hash = excluded.hash, data = excluded.data, updated_at = excluded.updated_at
		WHERE report_state.hash <> excluded.hash`,
		s.Key, s.Hash, string(s.Data), q.clk.Now().UnixMilli())
	if err != nil {
		return false, fmt.Errorf("saving report state %s: %w", s.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("saving report state %s: %w", s.Key, err)
	}
	return n > 0, nil
}

// AppendAudit implements store.Audit.
func (q queries) AppendAudit(ctx context.Context, e store.AuditEntry) (int64, error) {
	if e.Action == "" {
		return 0, fmt.Errorf("appending audit entry: empty action: %w", store.ErrInvalid)
	}
	if e.Time.IsZero() {
		e.Time = q.clk.Now()
	}
	var id int64
	err := q.inTx(ctx, func(q queries) error {
		return q.db.QueryRowContext(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?) RETURNING id`,
			e.Time.UnixMilli(), e.Actor, e.Action, e.Detail).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("appending audit entry %s: %w", e.Action, err)
	}
	return id, nil
}

// ListAudit implements store.Audit.
func (q queries) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	var w where
	if !f.Since.IsZero() {
		w.add("at >= ?", f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		w.add("at < ?", f.Until.UnixMilli())
	}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT id, at, actor, action, detail FROM audit`+w.String()+
		` ORDER BY at, id`+limitClause(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("listing audit: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var (
			e  store.AuditEntry
			at sql.NullInt64
		)
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Detail); err != nil {
			return nil, fmt.Errorf("listing audit: %w", err)
		}
		e.Time = fromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing audit: %w", err)
	}
	return out, nil
}
