package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/store"
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// queries implements every store method once, over either the database or a
// transaction. begin is nil inside a transaction: multi-statement methods
// then join the caller's transaction instead of opening their own.
type queries struct {
	db    querier
	clk   clock.Clock
	begin func(context.Context, *sql.TxOptions) (*sql.Tx, error)
	gate  writeGate // serializes the store's writers; nil inside a transaction
}

// inTx runs fn atomically: in a new transaction, or in the current one.
func (q queries) inTx(ctx context.Context, fn func(q queries) error) (err error) {
	if q.begin == nil {
		return fn(q)
	}
	release, err := q.gate.acquire(ctx)
	if err != nil {
		return fmt.Errorf("waiting for the database write lock: %w", err)
	}
	defer release()
	tx, err := beginWrite(ctx, q.begin)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	if err := fn(queries{db: tx, clk: q.clk}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing transaction: %w", err)
	}
	committed = true
	return nil
}

// exec runs one writing statement: as it is inside a transaction, or in a
// transaction of its own through the write gate, so that a lone write waits
// its turn instead of failing with SQLITE_BUSY.
func (q queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if q.begin == nil {
		return q.db.ExecContext(ctx, query, args...)
	}
	var res sql.Result
	err := q.inTx(ctx, func(q queries) error {
		var err error
		res, err = q.db.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// batch runs exec once per item with one prepared statement, inside a
// transaction; parsing the SQL once is most of the win for large syncs.
func batch[T any](ctx context.Context, q queries, query string, items []T, exec func(st *sql.Stmt, item T) error) error {
	if len(items) == 0 {
		return nil
	}
	return q.inTx(ctx, func(q queries) error {
		st, err := q.db.PrepareContext(ctx, query)
		if err != nil {
			return fmt.Errorf("preparing statement: %w", err)
		}
		defer st.Close()
		for _, it := range items {
			if err := exec(st, it); err != nil {
				return err
			}
		}
		return nil
	})
}

// ms converts an instant to stored form: unix milliseconds, NULL when zero.
func ms(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMS is the inverse of ms.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

func nullInt(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

func fromNullInt(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	n := v.Int64
	return &n
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// where accumulates AND-ed conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	w.add(col+" IN ("+placeholders(len(vals))+")", args...)
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
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("reading %s: %w", what, err)
}
