// Package sqlite implements store.Store on an embedded SQLite database
// (modernc.org/sqlite: pure Go, no cgo), the default for a single replica.
//
// The database lives in dataDir/liaison.db in WAL mode. A lock file,
// dataDir/liaison.lock, keeps a second process (or a second Open in the same
// process) from using the same directory: SQLite itself would allow it, but
// two daemons claiming the same outbox would each think they own the data.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/sync/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// File names inside the data directory.
const (
	DBFile   = "liaison.db"
	LockFile = "liaison.lock"
)

// Options tune Open. The zero value is usable.
type Options struct {
	// Logger receives migration and lifecycle messages; discarded when nil.
	Logger *slog.Logger
	// Clock stamps bookkeeping times (UpdatedAt, CreatedAt); clock.Real when nil.
	Clock clock.Clock
	// BusyTimeout is how long a connection waits for another writer before
	// failing with SQLITE_BUSY; 5s when zero.
	BusyTimeout time.Duration
}

// Store is a store.Store backed by SQLite. It is safe for concurrent use.
type Store struct {
	queries
	db       *sql.DB
	jobsDB   *sql.DB // the job engine's pool: its writes queue on the store's write gate
	lock     *dirLock
	closeErr error
	once     sync.Once
}

var _ store.Store = (*Store)(nil)

// Open opens (creating when missing) the store in dataDir, takes the
// directory lock and applies pending migrations. A directory already in use
// yields a *LockedError matching store.ErrLocked; a database written by a
// newer binary yields a *SchemaTooNewError.
func Open(ctx context.Context, dataDir string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data dir: %w", err)
	}
	lock, err := lockDir(dataDir)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(filepath.Join(dataDir, DBFile), opts.BusyTimeout))
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("opening database in %s: %w", dataDir, err)
	}
	gate := newWriteGate()
	s := &Store{
		queries: queries{db: db, clk: opts.Clock, begin: db.BeginTx, gate: gate},
		db:      db,
		jobsDB: sql.OpenDB(gatedConnector{drv: db.Driver(), dsn: dsn(filepath.Join(dataDir, DBFile), opts.BusyTimeout),
			gate: gate, wait: jobsGateWait}),
		lock: lock,
	}
	if err := migrate(ctx, db, opts.Logger, opts.Clock); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("migrating database in %s: %w", dataDir, err)
	}
	return s, nil
}

// jobsGateWait bounds how long a job engine connection queues on the write
// gate before it falls back to SQLite's busy handler (see gatedConnector).
const jobsGateWait = 30 * time.Second

// dsn builds the connection string. Pragmas go in the DSN rather than
// through Exec because database/sql pools connections: only the DSN reaches
// every connection it opens. _txlock=immediate makes every transaction take
// the write lock at BEGIN, so a read-then-write transaction never fails on
// lock upgrade; it waits in busy_timeout instead.
func dsn(path string, busy time.Duration) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return (&url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}).String()
}

// DB exposes the database handle, for components that keep their own tables
// in the same file. Callers must not close it.
func (s *Store) DB() *sql.DB { return s.db }

// JobsDB is a handle on the same database for the job engine (River): its
// writes and transactions wait their turn on the store's write gate, as the
// store's own do, so neither starves the other into SQLITE_BUSY. Callers
// must not close it.
func (s *Store) JobsDB() *sql.DB { return s.jobsDB }

// Close closes the database and then releases the directory lock, in that
// order so that another process never opens a database still being written.
// Calling it again returns the first call's result.
func (s *Store) Close() error {
	s.once.Do(func() {
		var errs []error
		if err := s.jobsDB.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing the job engine's database handle: %w", err))
		}
		if err := s.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing database: %w", err))
		}
		if err := s.lock.release(); err != nil {
			errs = append(errs, err)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// WithTx implements store.Store.
func (s *Store) WithTx(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.queries.inTx(ctx, func(q queries) error { return fn(q) })
}
