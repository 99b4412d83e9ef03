package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"
)

// storeWrite is what the state store does many times a second: a small
// transaction that reads and writes. A deferred transaction that reads first
// must upgrade to a writer; if another connection committed meanwhile, SQLite
// answers SQLITE_BUSY at once, without waiting on busy_timeout. Measured with
// the brief's DSN, a shared pool and River running: 190 of 200 such store
// transactions failed, and River's job scheduler failed the same way.
// BEGIN IMMEDIATE (_txlock=immediate) takes the write lock up front, where
// busy_timeout applies; a pool of one connection serializes instead.
func storeWrite(ctx context.Context, db *sql.DB, source string, i int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE source = ?`, source).Scan(&n); err != nil {
		return fmt.Errorf("counting: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO messages (source, seq) VALUES (?, ?)`, source, i); err != nil {
		return fmt.Errorf("inserting: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

func TestConcurrentStoreWritesAndRiver(t *testing.T) {
	// The failing combination (the brief's DSN on a pool of several
	// connections) is left out: it fails by design of SQLite, see storeWrite.
	dsns := []struct {
		name     string
		dsn      func(string) string
		maxConns int
	}{
		{"_txlock=immediate", testDSN, 0},
		{"brief DSN, one connection", briefDSN, 1},
	}
	for _, d := range dsns {
		t.Run(d.name, func(t *testing.T) {
			path := tempDBPath(t)
			db, err := sql.Open("sqlite", d.dsn(path))
			if err != nil {
				t.Fatalf("opening db: %v", err)
			}
			t.Cleanup(func() { _ = db.Close() })
			db.SetMaxOpenConns(d.maxConns)
			if _, err := db.Exec(`CREATE TABLE messages (source TEXT NOT NULL, seq INTEGER NOT NULL)`); err != nil {
				t.Fatalf("creating store table: %v", err)
			}
			// One *sql.DB shared by the store and River, as in production.
			e := newTestEngineOn(t, db, nil)
			const jobs = 40
			var c counter
			mustRegister(t, e.Engine, Task{Name: "jira.pull", Run: func(ctx context.Context) error {
				n := c.inc()
				for i := range 5 {
					if err := storeWrite(ctx, db, "jira", n*10+i); err != nil {
						return fmt.Errorf("storing page: %w", err)
					}
				}
				return nil
			}})
			mustStart(t, e.Engine)

			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make(chan error, 1000)
			for w := range 4 {
				wg.Go(func() {
					for i := range 50 {
						if err := storeWrite(ctx, db, fmt.Sprintf("slack-%d", w), i); err != nil {
							errs <- fmt.Errorf("store writer %d: %w", w, err)
						}
					}
				})
			}
			wg.Go(func() {
				for range jobs {
					if err := e.RunNow(ctx, "jira.pull"); err != nil {
						errs <- err
					}
				}
			})
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("concurrent write failed: %v", err)
			}
			waitFor(t, 10*time.Second, "all jobs completed", func() bool {
				return jobStates(t, db, "jira.pull")["completed"] == jobs
			})
			if got := runs(t, e.reg, "jira.pull", OutcomeError); got != 0 {
				t.Errorf("%v task attempts failed", got)
			}
			for _, r := range e.logs.errorsMentioning("locked", "busy") {
				t.Errorf("River logged a lock error: %s %v", r.Msg, r.Attrs)
			}
			var rows int
			if err := db.QueryRow(`SELECT count(*) FROM messages`).Scan(&rows); err != nil {
				t.Fatalf("counting rows: %v", err)
			}
			if want := 4*50 + jobs*5; rows != want {
				t.Errorf("store rows = %d, want %d", rows, want)
			}
		})
	}
}
