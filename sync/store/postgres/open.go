// Package postgres implements store.Store on PostgreSQL through pgx, for
// deployments where several replicas share one database and divide the work
// through the job engine (River, on the same pool).
//
// Everything that two replicas could do at once is safe at READ COMMITTED:
// single-statement upserts rely on ON CONFLICT, delivery claims lock their
// rows with FOR UPDATE SKIP LOCKED, lease checks sit in the UPDATE's WHERE
// (re-checked by PostgreSQL against the newest row version), and the few
// read-modify-write methods lock what they read (SELECT ... FOR UPDATE, or a
// transaction-scoped advisory lock where the rows may not exist yet).
// Nothing needs SERIALIZABLE, so no method ever has to be retried.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/store"
)

// DefaultSchema is where the tables live unless Options.Schema or the DSN's
// search_path says otherwise.
const DefaultSchema = "public"

// defaultMaxConns is the pool size when the DSN sets no pool_max_conns.
// pgxpool's own default (4 on small machines) is too tight once River's
// listener, its workers and the HTTP handlers share the pool.
const defaultMaxConns = 16

// Options tune Open. The zero value is usable.
type Options struct {
	// Logger receives migration and lifecycle messages; discarded when nil.
	Logger *slog.Logger
	// Clock stamps bookkeeping times (UpdatedAt, CreatedAt); clock.Real when nil.
	Clock clock.Clock
	// Schema holds Liaison's tables (and River's, which shares the pool).
	// Every connection's search_path is set to it, and Open creates it when
	// missing. Empty means the DSN's search_path when it names one schema,
	// else "public".
	Schema string
}

// Store is a store.Store backed by PostgreSQL. It is safe for concurrent
// use, also by several processes sharing the database.
type Store struct {
	queries
	pool   *pgxpool.Pool
	schema string
	once   sync.Once
}

var _ store.Store = (*Store)(nil)

// Open connects to the database dsn names, sets every connection's
// search_path to the schema, and applies pending migrations under an
// advisory lock, so replicas starting together migrate once. A database
// migrated by a newer binary yields a *SchemaTooNewError.
//
// dsn holds a password, so no error Open returns quotes it: connection
// failures are reported as a *ConnectError naming host, port, database and
// user.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx masks passwords in its parse errors only on a best-effort
		// basis ("malformed input can be too ambiguous to redact"), so its
		// text is left out entirely.
		return nil, errors.New("parsing the PostgreSQL DSN: not a valid connection string (URL or key=value); the text is not shown because it may hold a password")
	}
	schema, err := schemaFor(opts.Schema, cfg.ConnConfig.RuntimeParams["search_path"])
	if err != nil {
		return nil, err
	}
	// A startup parameter rather than an AfterConnect SET: it costs no round
	// trip and holds on every connection the pool ever opens.
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, defaultMaxConns)
	}
	target := describe(cfg.ConnConfig)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, connectError(target, cfg.ConnConfig.Password, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, connectError(target, cfg.ConnConfig.Password, err)
	}
	s := &Store{
		queries: queries{db: pool, clk: opts.Clock, pool: pool},
		pool:    pool,
		schema:  schema,
	}
	if err := migrate(ctx, pool, schema, opts.Logger, opts.Clock); err != nil {
		pool.Close()
		return nil, redact(fmt.Errorf("migrating %s (schema %s): %w", target, schema, err), cfg.ConnConfig.Password)
	}
	opts.Logger.Debug("state store open", "postgres", target, "schema", schema)
	return s, nil
}

// schemaFor picks the schema from the option, else from the DSN's
// search_path when that names exactly one schema.
func schemaFor(opt, searchPath string) (string, error) {
	if opt != "" {
		return opt, nil
	}
	sp := strings.TrimSpace(searchPath)
	if sp == "" {
		return DefaultSchema, nil
	}
	if strings.Contains(sp, ",") {
		return "", fmt.Errorf("the PostgreSQL DSN's search_path %q names several schemas; name the one that holds Liaison's tables", sp)
	}
	if unq, ok := strings.CutPrefix(sp, `"`); ok {
		sp = strings.ReplaceAll(strings.TrimSuffix(unq, `"`), `""`, `"`)
	}
	return sp, nil
}

// Pool exposes the connection pool, for components that keep their own
// tables in the same schema (the River job engine). Callers must not close it.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Schema returns the schema holding the store's tables.
func (s *Store) Schema() string { return s.schema }

// Close waits for borrowed connections to come back and closes the pool.
// It always returns nil; the error is there for store.Store.
func (s *Store) Close() error {
	s.once.Do(s.pool.Close)
	return nil
}

// WithTx implements store.Store. The transaction runs at READ COMMITTED:
// every method that reads before it writes locks what it reads, so fn's
// writes never act on a stale read of a row another replica changed.
func (s *Store) WithTx(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.queries.inTx(ctx, func(q queries) error { return fn(q) })
}

// ConnectError is a failure to reach or log in to PostgreSQL. Its text names
// where Liaison tried to connect, never the DSN or the password.
type ConnectError struct {
	Target string // "postgres host:port/db as user"
	Reason string // pgx's reason with any password occurrence masked
	err    error
}

// Error names the target and the reason.
func (e *ConnectError) Error() string {
	return "connecting to " + e.Target + ": " + e.Reason
}

// Unwrap returns pgx's error, so errors.Is finds context.Canceled and the
// like. Its text is not the one Error shows.
func (e *ConnectError) Unwrap() error { return e.err }

func connectError(target, password string, err error) error {
	reason := err.Error()
	// pgx prefixes "failed to connect to `user=... database=...`:", which the
	// target already says; keep what follows.
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		if inner := errors.Unwrap(ce); inner != nil {
			reason = inner.Error()
		}
	}
	return &ConnectError{Target: target, Reason: mask(reason, password), err: err}
}

// describe names a connection target without its password.
func describe(c *pgx.ConnConfig) string {
	return fmt.Sprintf("postgres %s/%s as %s", net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port))), c.Database, c.User)
}

// mask hides a password that a server or driver message might echo. No
// known message does; this only makes sure.
func mask(s, password string) string {
	if password == "" {
		return s
	}
	return strings.ReplaceAll(s, password, "xxxxx")
}

// redact applies mask to an error's text, keeping the chain for errors.Is/As.
func redact(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return &redactedError{msg: mask(err.Error(), password), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
