package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestJobEngineWritesQueueWithStoreWrites runs the job engine's kinds of
// writes (lone statements, UPDATE … RETURNING, transactions) through JobsDB
// while store writers keep the write lock busy back to back, each holding
// it longer than busy_timeout, as a first Jira pull storing page after page
// does. No write on either side may fail with SQLITE_BUSY.
func TestJobEngineWritesQueueWithStoreWrites(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), Options{
		Clock:       clock.NewFake(time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC)),
		BusyTimeout: 2 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	jdb := s.JobsDB()
	if _, err := jdb.ExecContext(ctx, `CREATE TABLE jobs_test (id INTEGER PRIMARY KEY, state TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}

	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for w := range 3 { // the store: pages of a pull, each holding the lock 5 ms
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				err := s.WithTx(ctx, func(tx store.Tx) error {
					time.Sleep(5 * time.Millisecond) // real time: the lock is SQLite's
					return tx.UpsertTasks(ctx, []connectors.Task{{Key: fmt.Sprintf("W%d-%d", w, i+1), ProjectKey: fmt.Sprint("W", w)}})
				})
				if err != nil {
					errs <- fmt.Errorf("store writer %d: %w", w, err)
					return
				}
			}
		}()
	}
	jobs := []func(i int) error{
		func(i int) error {
			_, err := jdb.ExecContext(ctx, `INSERT INTO jobs_test (id, state) VALUES (?, 'available')`, i)
			return err
		},
		func(i int) error {
			rows, err := jdb.QueryContext(ctx, `UPDATE jobs_test SET state = 'running' WHERE state = 'available' RETURNING id`)
			if err != nil {
				return err
			}
			for rows.Next() {
			}
			if err := rows.Err(); err != nil {
				return err
			}
			return rows.Close()
		},
		func(i int) error {
			tx, err := jdb.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, `INSERT INTO jobs_test (id, state) VALUES (?, 'completed')`, 1000+i); err != nil {
				return err
			}
			return tx.Commit()
		},
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 30 {
			if err := jobs[i%len(jobs)](i); err != nil {
				errs <- fmt.Errorf("job engine write %d: %w", i, err)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs_test`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 20 {
		t.Errorf("%d job rows, want 20", n)
	}
}

func TestWritesClassifiesStatements(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                           false,
		"  -- a comment\n select * FROM x":   false,
		"/* c */ PRAGMA user_version":        false,
		"SAVEPOINT sp1":                      false,
		"INSERT INTO x VALUES (1)":           true,
		"\n\tUPDATE x SET a = 1 RETURNING a": true,
		"WITH c AS (SELECT 1) DELETE FROM x": true,
		"-- only a comment":                  false,
	} {
		if got := writes(q); got != want {
			t.Errorf("writes(%q) = %v, want %v", q, got, want)
		}
	}
}
