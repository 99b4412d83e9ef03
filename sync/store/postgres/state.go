package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/liaisonhq/liaison/sync/store"
)

// GetCursor implements store.Cursors.
func (q queries) GetCursor(ctx context.Context, source string) (store.Cursor, error) {
	c := store.Cursor{Source: source}
	var updated pgtype.Timestamptz
	err := q.db.QueryRow(ctx, `SELECT version, data, updated_at FROM cursors WHERE source = $1`, source).
		Scan(&c.Version, &c.Data, &updated)
	if err != nil {
		return store.Cursor{}, notFound(err, "cursor "+source)
	}
	c.UpdatedAt = fromTS(updated)
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
	if _, err := q.db.Exec(ctx, `INSERT INTO cursors (source, version, data, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (source) DO UPDATE SET version = excluded.version, data = excluded.data, updated_at = excluded.updated_at`,
		c.Source, c.Version, data, tsArg(q.clk.Now())); err != nil {
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
	if _, err := q.db.Exec(ctx, `INSERT INTO silences (`+silenceColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		s.ID, s.Rule, s.ClientID, s.SubjectID, s.FindingKey, tsArg(s.StartsAt), tsArg(s.EndsAt),
		s.CreatedBy, s.Comment, tsArg(s.CreatedAt)); err != nil {
		return "", fmt.Errorf("adding silence %s: %w", s.ID, err)
	}
	return s.ID, nil
}

// ListActiveSilences implements store.Silences.
func (q queries) ListActiveSilences(ctx context.Context, t time.Time) ([]store.Silence, error) {
	rows, err := q.db.Query(ctx, `SELECT `+silenceColumns+` FROM silences
		WHERE starts_at <= $1 AND ends_at > $1 ORDER BY id`, tsArg(t))
	if err != nil {
		return nil, fmt.Errorf("listing silences: %w", err)
	}
	out, err := collect(rows, func(r pgx.Rows) (store.Silence, error) {
		var (
			s                     store.Silence
			starts, ends, created pgtype.Timestamptz
		)
		err := r.Scan(&s.ID, &s.Rule, &s.ClientID, &s.SubjectID, &s.FindingKey, &starts, &ends,
			&s.CreatedBy, &s.Comment, &created)
		s.StartsAt, s.EndsAt, s.CreatedAt = fromTS(starts), fromTS(ends), fromTS(created)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing silences: %w", err)
	}
	return out, nil
}

// ExpireSilence implements store.Silences.
func (q queries) ExpireSilence(ctx context.Context, id string, at time.Time) error {
	_, exists, err := q.updateOrExists(ctx, "silences", "id",
		`UPDATE silences SET ends_at = $2 WHERE id = $1 AND ends_at > $2 RETURNING id`, id, tsArg(at))
	switch {
	case err != nil:
		return fmt.Errorf("expiring silence %s: %w", id, err)
	case !exists:
		return fmt.Errorf("silence %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// GetReportState implements store.Reports.
func (q queries) GetReportState(ctx context.Context, key string) (store.ReportState, error) {
	s := store.ReportState{Key: key}
	var (
		data    []byte
		updated pgtype.Timestamptz
	)
	if err := q.db.QueryRow(ctx, `SELECT hash, data, updated_at FROM report_state WHERE key = $1`, key).
		Scan(&s.Hash, &data, &updated); err != nil {
		return store.ReportState{}, notFound(err, "report state "+key)
	}
	if len(data) > 0 {
		s.Data = json.RawMessage(data)
	}
	s.UpdatedAt = fromTS(updated)
	return s, nil
}

// PutReportState implements store.Reports. The hash comparison sits in the
// upsert's WHERE, which PostgreSQL evaluates on the conflicting row after
// locking it, so two writers cannot both decide to write.
func (q queries) PutReportState(ctx context.Context, s store.ReportState) (bool, error) {
	if s.Key == "" || s.Hash == "" {
		return false, fmt.Errorf("saving report state: key and hash are required: %w", store.ErrInvalid)
	}
	if len(s.Data) > 0 && !json.Valid(s.Data) {
		return false, fmt.Errorf("saving report state %s: data is not JSON: %w", s.Key, store.ErrInvalid)
	}
	var data any
	if len(s.Data) > 0 {
		data = []byte(s.Data)
	}
	tag, err := q.db.Exec(ctx, `INSERT INTO report_state (key, hash, data, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET hash = excluded.hash, data = excluded.data, updated_at = excluded.updated_at
		WHERE report_state.hash <> excluded.hash`,
		s.Key, s.Hash, data, tsArg(q.clk.Now()))
	if err != nil {
		return false, fmt.Errorf("saving report state %s: %w", s.Key, err)
	}
	return tag.RowsAffected() > 0, nil
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
	if err := q.db.QueryRow(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4) RETURNING id`,
		tsArg(e.Time), e.Actor, e.Action, e.Detail).Scan(&id); err != nil {
		return 0, fmt.Errorf("appending audit entry %s: %w", e.Action, err)
	}
	return id, nil
}

// ListAudit implements store.Audit.
func (q queries) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	var w where
	if !f.Since.IsZero() {
		w.add("at >= " + w.arg(tsArg(f.Since)))
	}
	if !f.Until.IsZero() {
		w.add("at < " + w.arg(tsArg(f.Until)))
	}
	if f.Actor != "" {
		w.add("actor = " + w.arg(f.Actor))
	}
	if f.Action != "" {
		w.add("action = " + w.arg(f.Action))
	}
	rows, err := q.db.Query(ctx, `SELECT id, at, actor, action, detail FROM audit`+w.String()+
		` ORDER BY at, id`+limitClause(f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("listing audit: %w", err)
	}
	out, err := collect(rows, func(r pgx.Rows) (store.AuditEntry, error) {
		var (
			e  store.AuditEntry
			at pgtype.Timestamptz
		)
		err := r.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Detail)
		e.Time = fromTS(at)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing audit: %w", err)
	}
	return out, nil
}
