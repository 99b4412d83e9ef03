package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

const findingColumns = `key, rule, client_id, subject_kind, subject_id, subject_url, severity, title, fields,
	first_seen, last_seen, resolved_at`

// contentHash covers what a human would see change; timestamps are left out
// so that a finding seen again is "unchanged". It is the SQLite store's
// hash, so a database moved from one to the other keeps its verdicts.
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

// UpsertFinding implements store.Findings. The verdict depends on the row
// as it was, so the row is read FOR UPDATE: a second replica upserting the
// same finding waits and then sees this one's write. A finding not there
// yet is inserted with ON CONFLICT DO NOTHING; losing that race to another
// replica means the row now exists, and the locked read is tried again.
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
		for range 2 {
			var (
				oldHash  string
				resolved pgtype.Timestamptz
			)
			err := q.db.QueryRow(ctx, `SELECT content_hash, resolved_at FROM findings WHERE key = $1 FOR UPDATE`, f.Key).
				Scan(&oldHash, &resolved)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				tag, err := q.db.Exec(ctx, `INSERT INTO findings (`+findingColumns+`, content_hash)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12)
					ON CONFLICT (key) DO NOTHING`,
					f.Key, f.Rule, f.ClientID, f.Subject.Kind, f.Subject.ID, f.Subject.URL, f.Severity.String(),
					f.Title, fields, tsArg(first), tsArg(f.LastSeen), hash)
				if err != nil {
					return fmt.Errorf("storing finding %s: %w", f.Key, err)
				}
				if tag.RowsAffected() == 0 {
					continue // another replica inserted it meanwhile
				}
				change = store.FindingNew
				return nil
			case err != nil:
				return fmt.Errorf("reading finding %s: %w", f.Key, err)
			case resolved.Valid:
				change = store.FindingReopened
				_, err = q.db.Exec(ctx, `UPDATE findings SET rule = $2, client_id = $3, subject_kind = $4, subject_id = $5,
					subject_url = $6, severity = $7, title = $8, fields = $9, content_hash = $10, first_seen = $11,
					last_seen = $12, resolved_at = NULL WHERE key = $1`,
					f.Key, f.Rule, f.ClientID, f.Subject.Kind, f.Subject.ID, f.Subject.URL, f.Severity.String(), f.Title,
					fields, hash, tsArg(first), tsArg(f.LastSeen))
			default:
				change = store.FindingUnchanged
				if oldHash != hash {
					change = store.FindingChanged
				}
				_, err = q.db.Exec(ctx, `UPDATE findings SET rule = $2, client_id = $3, subject_kind = $4, subject_id = $5,
					subject_url = $6, severity = $7, title = $8, fields = $9, content_hash = $10, last_seen = $11
					WHERE key = $1`,
					f.Key, f.Rule, f.ClientID, f.Subject.Kind, f.Subject.ID, f.Subject.URL, f.Severity.String(), f.Title,
					fields, hash, tsArg(f.LastSeen))
			}
			if err != nil {
				return fmt.Errorf("storing finding %s: %w", f.Key, err)
			}
			return nil
		}
		return fmt.Errorf("storing finding %s: inserted and missing at once", f.Key)
	})
	return change, err
}

// ResolveFinding implements store.Findings.
func (q queries) ResolveFinding(ctx context.Context, key string, at time.Time) (bool, error) {
	if at.IsZero() {
		return false, fmt.Errorf("resolving finding %s: zero time: %w", key, store.ErrInvalid)
	}
	changed, exists, err := q.updateOrExists(ctx, "findings", "key",
		`UPDATE findings SET resolved_at = $2 WHERE key = $1 AND resolved_at IS NULL RETURNING key`, key, tsArg(at))
	switch {
	case err != nil:
		return false, fmt.Errorf("resolving finding %s: %w", key, err)
	case !exists:
		return false, fmt.Errorf("finding %s: %w", key, store.ErrNotFound)
	}
	return changed, nil
}

func scanFinding(row pgx.Row) (rules.Finding, error) {
	var (
		f                     rules.Finding
		sev                   string
		fields                []byte
		first, last, resolved pgtype.Timestamptz
	)
	if err := row.Scan(&f.Key, &f.Rule, &f.ClientID, &f.Subject.Kind, &f.Subject.ID, &f.Subject.URL, &sev,
		&f.Title, &fields, &first, &last, &resolved); err != nil {
		return f, err
	}
	var err error
	if f.Severity, err = rules.ParseSeverity(sev); err != nil {
		return f, fmt.Errorf("finding %s: %w", f.Key, err)
	}
	if err := json.Unmarshal(fields, &f.Fields); err != nil {
		return f, fmt.Errorf("decoding fields of finding %s: %w", f.Key, err)
	}
	f.FirstSeen, f.LastSeen, f.ResolvedAt = fromTS(first), fromTS(last), fromTS(resolved)
	return f, nil
}

// GetFinding implements store.Findings.
func (q queries) GetFinding(ctx context.Context, key string) (rules.Finding, error) {
	f, err := scanFinding(q.db.QueryRow(ctx, `SELECT `+findingColumns+` FROM findings WHERE key = $1`, key))
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
		w.add("rule = " + w.arg(ff.Rule))
	}
	if ff.ClientID != "" {
		w.add("client_id = " + w.arg(ff.ClientID))
	}
	rows, err := q.db.Query(ctx, `SELECT `+findingColumns+` FROM findings`+w.String()+` ORDER BY key`, w.args...)
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
