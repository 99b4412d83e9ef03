package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/store"
)

// querier is what *pgxpool.Pool and pgx.Tx have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// queries implements every store method once, over either the pool or a
// transaction. pool is nil inside a transaction: multi-statement methods
// then join the caller's transaction instead of opening their own.
type queries struct {
	db   querier
	clk  clock.Clock
	pool *pgxpool.Pool
}

// inTx runs fn atomically: in a new transaction, or in the current one. A
// panic in fn rolls back (the deferred rollback runs) and propagates.
func (q queries) inTx(ctx context.Context, fn func(q queries) error) error {
	if q.pool == nil {
		return fn(q)
	}
	tx, err := q.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			// Without cancel: a cancelled ctx must still release the
			// connection cleanly rather than leave it mid-transaction.
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(queries{db: tx, clk: q.clk}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("committing transaction: %w", err)
	}
	committed = true
	return nil
}

// batch sends one statement per item in a single round trip (a pgx
// pipeline) inside a transaction. Statements run in order, so a batch that
// holds the same key twice behaves as two upserts in a row.
func batch[T any](ctx context.Context, q queries, query string, items []T, args func(item T) []any, what func(item T) string) error {
	if len(items) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, it := range items {
		b.Queue(query, args(it)...)
	}
	return q.inTx(ctx, func(q queries) error {
		res := q.db.SendBatch(ctx, b)
		for _, it := range items {
			if _, err := res.Exec(); err != nil {
				_ = res.Close()
				return fmt.Errorf("%s: %w", what(it), err)
			}
		}
		if err := res.Close(); err != nil {
			return fmt.Errorf("finishing batch: %w", err)
		}
		return nil
	})
}

// ts converts an instant to stored form: UTC, truncated to milliseconds (the
// store's precision, and what SQLite keeps), NULL when zero.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Millisecond)
}

// tsArg is ts for columns that cannot be NULL and comparisons; the caller
// has checked t is set, or a zero time compares as the zero instant.
func tsArg(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// fromTS is the inverse of ts.
func fromTS(v pgtype.Timestamptz) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return v.Time.UTC()
}

// where accumulates AND-ed conditions and numbers their arguments $1, $2...
type where struct {
	conds []string
	args  []any
}

// arg records an argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

// in filters col to any of vals; an empty vals does not filter.
func (w *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	w.add(col + " = ANY(" + w.arg(vals) + ")")
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func limitClause(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d", n)
}

// notFound wraps the store's sentinel when a single-row read finds nothing.
func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("reading %s: %w", what, err)
}

// collect scans every row with scan, closing rows.
func collect[T any](rows pgx.Rows, scan func(pgx.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// updateOrExists runs update (an UPDATE ... RETURNING whose $1 is the row's
// key) and, in the same statement, checks whether the row exists at all, so
// that "nothing updated" tells a missing row from one that did not qualify
// without a second round trip. The EXISTS reads the statement's snapshot,
// from before the update; rows are never deleted from these tables.
func (q queries) updateOrExists(ctx context.Context, table, keyCol, update string, args ...any) (updated, exists bool, err error) {
	err = q.db.QueryRow(ctx, `WITH upd AS (`+update+`)
		SELECT EXISTS (SELECT 1 FROM upd), EXISTS (SELECT 1 FROM `+table+` WHERE `+keyCol+` = $1)`, args...).
		Scan(&updated, &exists)
	return updated, exists, err
}

// text makes upstream free text storable. PostgreSQL's text type rejects
// NUL and invalid UTF-8, which SQLite stores as given; one such Slack
// message or Jira summary would otherwise fail its whole batch and stop
// the sync from advancing. NUL carries nothing a person wrote, so it is
// dropped; invalid bytes become U+FFFD, as encoding/json would.
func text(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
