package sqlite

import (
	"context"
	"database/sql/driver"
	"strings"
	"sync"
	"time"
	"unicode"
)

// gatedConnector opens connections for the job engine (River) whose writes
// queue on the store's write gate, so that the engine and the store take
// turns for SQLite's single write lock in arrival order. Without it, the
// engine's connections compete through SQLite's busy handler, which polls
// and loses every race against a steady stream of store writes (a first
// Jira pull stores a page every few milliseconds) until busy_timeout ends
// in SQLITE_BUSY and leader-election timeouts.
//
// A connection waits for the gate at most wait; past that it goes ahead
// and relies on SQLite's busy handler as before, so an engine transaction
// that needs a second connection can never deadlock on the gate.
type gatedConnector struct {
	drv  driver.Driver
	dsn  string
	gate writeGate
	wait time.Duration
}

// Connect implements driver.Connector.
func (c gatedConnector) Connect(context.Context) (driver.Conn, error) {
	cn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &gatedConn{Conn: cn, c: c}, nil
}

// Driver implements driver.Connector.
func (c gatedConnector) Driver() driver.Driver { return c.drv }

// acquire takes the gate, or gives up after c.wait (a no-op release).
func (c gatedConnector) acquire(ctx context.Context) (func(), error) {
	ctx, cancel := context.WithTimeout(ctx, c.wait)
	defer cancel()
	release, err := c.gate.acquire(ctx)
	if err != nil {
		if ctx.Err() != nil && context.Cause(ctx) == context.DeadlineExceeded {
			return func() {}, nil
		}
		return nil, err
	}
	return release, nil
}

// gatedConn is one engine connection; tx is non-nil while it holds a
// transaction (and the gate).
type gatedConn struct {
	driver.Conn
	c  gatedConnector
	tx *gatedTx
}

var (
	_ driver.ConnBeginTx        = (*gatedConn)(nil)
	_ driver.ExecerContext      = (*gatedConn)(nil)
	_ driver.QueryerContext     = (*gatedConn)(nil)
	_ driver.ConnPrepareContext = (*gatedConn)(nil)
	_ driver.Pinger             = (*gatedConn)(nil)
	_ driver.SessionResetter    = (*gatedConn)(nil)
	_ driver.Validator          = (*gatedConn)(nil)
	_ driver.Tx                 = (*gatedTx)(nil)
	_ driver.Rows               = (*gatedRows)(nil)
	_ driver.Connector          = gatedConnector{}
)

// BeginTx takes the gate for the whole transaction (BEGIN IMMEDIATE takes
// the write lock at once, see dsn).
func (g *gatedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	release, err := g.c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := g.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		release()
		return nil, err
	}
	g.tx = &gatedTx{Tx: tx, conn: g, release: sync.OnceFunc(release)}
	return g.tx, nil
}

// ExecContext takes the gate around a writing statement outside a transaction.
func (g *gatedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ex := g.Conn.(driver.ExecerContext)
	if g.tx != nil || !writes(query) {
		return ex.ExecContext(ctx, query, args)
	}
	release, err := g.c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return ex.ExecContext(ctx, query, args)
}

// QueryContext takes the gate around a writing statement (UPDATE …
// RETURNING) outside a transaction, until its rows are closed.
func (g *gatedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	qu := g.Conn.(driver.QueryerContext)
	if g.tx != nil || !writes(query) {
		return qu.QueryContext(ctx, query, args)
	}
	release, err := g.c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := qu.QueryContext(ctx, query, args)
	if err != nil {
		release()
		return nil, err
	}
	return &gatedRows{Rows: rows, release: sync.OnceFunc(release)}, nil
}

// PrepareContext implements driver.ConnPrepareContext.
func (g *gatedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return g.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

// Begin implements driver.Conn.
func (g *gatedConn) Begin() (driver.Tx, error) {
	return g.BeginTx(context.Background(), driver.TxOptions{})
}

// Ping implements driver.Pinger.
func (g *gatedConn) Ping(ctx context.Context) error { return g.Conn.(driver.Pinger).Ping(ctx) }

// ResetSession implements driver.SessionResetter.
func (g *gatedConn) ResetSession(ctx context.Context) error {
	return g.Conn.(driver.SessionResetter).ResetSession(ctx)
}

// IsValid implements driver.Validator.
func (g *gatedConn) IsValid() bool { return g.Conn.(driver.Validator).IsValid() }

// Close releases a gate still held by an unfinished transaction.
func (g *gatedConn) Close() error {
	if g.tx != nil {
		g.tx.release()
		g.tx = nil
	}
	return g.Conn.Close()
}

type gatedTx struct {
	driver.Tx
	conn    *gatedConn
	release func()
}

// Commit implements driver.Tx.
func (t *gatedTx) Commit() error {
	defer t.done()
	return t.Tx.Commit()
}

// Rollback implements driver.Tx.
func (t *gatedTx) Rollback() error {
	defer t.done()
	return t.Tx.Rollback()
}

func (t *gatedTx) done() {
	t.release()
	if t.conn.tx == t {
		t.conn.tx = nil
	}
}

type gatedRows struct {
	driver.Rows
	release func()
}

// Close implements driver.Rows.
func (r *gatedRows) Close() error {
	defer r.release()
	return r.Rows.Close()
}

// writes reports whether a statement may write: anything but a read or a
// transaction-control statement (BEGIN, COMMIT, SAVEPOINT … on a raw
// connection are left to the caller).
func writes(query string) bool {
	q := strings.TrimLeftFunc(query, unicode.IsSpace)
	for strings.HasPrefix(q, "--") || strings.HasPrefix(q, "/*") {
		if strings.HasPrefix(q, "--") {
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return false
			}
			q = q[i+1:]
		} else {
			i := strings.Index(q, "*/")
			if i < 0 {
				return false
			}
			q = q[i+2:]
		}
		q = strings.TrimLeftFunc(q, unicode.IsSpace)
	}
	end := strings.IndexFunc(q, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(q)
	}
	switch strings.ToUpper(q[:end]) {
	case "SELECT", "PRAGMA", "EXPLAIN", "VALUES", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "":
		return false
	}
	return true
}
