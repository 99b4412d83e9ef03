package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

const findingColumns = `key, rule, client_id, subject_kind, subject_id, subject_url, severity, title, fields,
	first_seen, last_seen, resolved_at`

// contentHash covers what a human would see change; timestamps are left out
// so that a finding seen again is "unchanged".
func contentHash(f rules.Finding) (string, []byte, error) {
	fields, err := json.Marshal(f.Fields)
	if err != nil {
		return "", nil, fmt.Errorf("encoding fields of finding %s: %w", f.Key, err)
	}
	b, err := json.Marshal([]string{f.Rule, f.ClientID, f.Subject.Kind, f.Subject.ID, f.Subject.URL,
		f.Severity.String(), f.Title, string(fields)})
	if err != nil {
		return "", nil, fmt.Errorf("hashing finding %s: %w", f.Key, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), fields, nil
}

// UpsertFinding implements store.Findings.
func (q queries) UpsertFinding(ctx context.Context, f rules.Finding) (store.FindingChange, error) {
	if f.Key == "" || f.Rule == "" || f.LastSeen.IsZero() {
		return 0, fmt.Errorf("upserting finding %q: key, rule and last seen are required: %w", f.Key, store.ErrInvalid)
	}
	if _, err := f.Severity.MarshalText(); err != nil {
		return 0, fmt.Errorf("upserting finding %s: %v: %w", f.Key, err, store.ErrInvalid)
	}
	hash, fields, err := contentHash(f)
	if err != nil {
		return 0, err
	}
	first := f.FirstSeen
	if first.IsZero() {
		first = f.LastSeen
	}
	var change store.FindingChange
	err = q.inTx(ctx, func(q queries) error {
		var (
			oldHash  string
			resolved sql.NullInt64
		)
		err := q.db.QueryRowContext(ctx, `SELECT content_hash, resolved_at FROM findings WHERE key = ?`, f.Key).
			Scan(&oldHash, &resolved)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			change = store.FindingNew
			_, err = q.exec(ctx, `INSERT INTO findings (`+findingColumns+`, content_hash)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
				f.Key, f.Rule, f.ClientID, f.Subject.Kind, f.Subject.ID, f.Subject.URL, f.Severity.String(),
				f.Title, string(fields), first.UnixMilli(), f.LastSeen.UnixMilli(), hash)
		case err != nil:
			return fmt.Errorf("reading finding %s: %w", f.Key, err)
		case resolved.Valid:
			change = store.FindingReopened
			_, err = q.exec(ctx, `UPDATE findings SET rule = ?, client_id = ?, subject_kind = ?, subject_id = ?,
				subject_url = ?, severity = ?, title = ?, fields = ?, content_hash = ?, first_seen = ?, last_seen = ?,
				resolved_at = NULL WHERE key = ?`,
				f.Rule, f.ClientID, f.Subject.Kind, f.Subject.ID, f.Subject.URL, f.Severity.String(), f.Title,
				string(fields), hash, first.UnixMilli(), f.LastSeen.UnixMilli(), f.Key)
		default:
			change = store.FindingUnchanged
			if oldHash != hash {
				change = store.FindingChanged
			}
			_, err = q.exec(ctx, `UPDATE findings SET rule = ?, client_id = ?, subject_kind = ?, subject_id = ?,
				subject_url = ?, severity = ?, title = ?, fields = ?, content_hash = ?, last_seen = ? WHERE key = ?`,
				f.Rule, f.ClientID, f.Subject.Kind, f.Subject.ID, f.Subject.URL, f.Severity.String(), f.Title,
				string(fields), hash, f.LastSeen.UnixMilli(), f.Key)
		}
		if err != nil {
			return fmt.Errorf("storing finding %s: %w", f.Key, err)
		}
		return nil
	})
	return change, err
}

// ResolveFinding implements store.Findings.
func (q queries) ResolveFinding(ctx context.Context, key string, at time.Time) (bool, error) {
	if at.IsZero() {
		return false, fmt.Errorf("resolving finding %s: zero time: %w", key, store.ErrInvalid)
	}
	var changed bool
	err := q.inTx(ctx, func(q queries) error {
		res, err := q.exec(ctx, `UPDATE findings SET resolved_at = ? WHERE key = ? AND resolved_at IS NULL`,
			at.UnixMilli(), key)
		if err != nil {
			return fmt.Errorf("resolving finding %s: %w", key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("resolving finding %s: %w", key, err)
		}
		if n > 0 {
			changed = true
			return nil
		}
		return q.exists(ctx, "findings", "key", key, "finding "+key)
	})
	return changed, err
}

// exists returns nil when table has a row with col = val, else ErrNotFound.
func (q queries) exists(ctx context.Context, table, col, val, what string) error {
	var one int
	err := q.db.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE `+col+` = ?`, val).Scan(&one)
	if err != nil {
		return notFound(err, what)
	}
	return nil
}

func scanFinding(sc interface{ Scan(...any) error }) (rules.Finding, error) {
	var (
		f                     rules.Finding
		sev, fields           string
		first, last, resolved sql.NullInt64
	)
	if err := sc.Scan(&f.Key, &f.Rule, &f.ClientID, &f.Subject.Kind, &f.Subject.ID, &f.Subject.URL, &sev,
		&f.Title, &fields, &first, &last, &resolved); err != nil {
		return f, err
	}
	var err error
	if f.Severity, err = rules.ParseSeverity(sev); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.Key, err)
	}
	if err := json.Unmarshal([]byte(fields), &f.Fields); err != nil {
		return f, fmt.Errorf("decoding fields of finding %s: %w", f.Key, err)
	}
	f.FirstSeen, f.LastSeen, f.ResolvedAt = fromMS(first), fromMS(last), fromMS(resolved)
	return f, nil
}

// GetFinding implements store.Findings.
func (q queries) GetFinding(ctx context.Context, key string) (rules.Finding, error) {
	f, err := scanFinding(q.db.QueryRowContext(ctx, `SELECT `+findingColumns+` FROM findings WHERE key = ?`, key))
	if err != nil {
		return f, notFound(err, "finding "+key)
	}
	return f, nil
}

// ListOpenFindings implements store.Findings.
func (q queries) ListOpenFindings(ctx context.Context, ff store.FindingFilter) ([]rules.Finding, error) {
	var out []rules.Finding
	err := q.EachOpenFinding(ctx, ff, func(f *rules.Finding) error {
		out = append(out, *f)
		return nil
	})
	return out, err
}

// EachOpenFinding implements store.Findings.
func (q queries) EachOpenFinding(ctx context.Context, ff store.FindingFilter, fn func(*rules.Finding) error) error {
	var w where
	w.add("resolved_at IS NULL")
	if ff.Rule != "" {
		w.add("rule = ?", ff.Rule)
	}
	if ff.ClientID != "" {
		w.add("client_id = ?", ff.ClientID)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+findingColumns+` FROM findings`+w.String()+` ORDER BY key`, w.args...)
	if err != nil {
		return fmt.Errorf("listing findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return fmt.Errorf("listing findings: %w", err)
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("listing findings: %w", err)
	}
	return nil
}
