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

// TestWritersNeverSeeBusy provokes the start-up backlog: another connection
// (as the job engine's) holds the write lock far longer than busy_timeout
// while 24 writers of every kind — lone statements, transactions,
// metric replacements, claims, audit entries, webhook deduplication — pile up behind it. Every one
// must wait its turn and succeed; none may surface SQLITE_BUSY.
func TestWritersNeverSeeBusy(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), Options{
		Clock:       clock.NewFake(time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC)),
		BusyTimeout: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	holder, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.ExecContext(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES (1, 'jobs', 'hold', '')`); err != nil {
		t.Fatal(err)
	}

	writes := []func(i int) error{
		func(i int) error {
			return s.PutCursor(ctx, store.Cursor{Source: fmt.Sprint("src", i), Version: 1, Data: []byte("{}")})
		},
		func(i int) error {
			return s.WithTx(ctx, func(tx store.Tx) error {
				return tx.UpsertTasks(ctx, []connectors.Task{{Key: fmt.Sprint("ACME-", i), ProjectKey: "ACME"}})
			})
		},
		func(i int) error {
			return s.ReplaceMetrics(ctx, "ads", fmt.Sprint(i), "2026-10-01", "2026-10-01", []connectors.MetricRow{
				{Source: "ads", Account: fmt.Sprint(i), Date: "2026-10-01", Metrics: map[string]float64{"clicks": 1}}})
		},
		func(i int) error {
			_, err := s.ClaimDeliveries(ctx, "liaison", time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC), time.Minute, 10)
			return err
		},
		func(i int) error {
			_, err := s.AppendAudit(ctx, store.AuditEntry{Actor: "test", Action: fmt.Sprint("write ", i)})
			return err
		},
		func(i int) error { // webhook deduplication, outside any transaction
			_, err := s.MarkEventSeen(ctx, fmt.Sprint("event-", i), time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC))
			return err
		},
		func(i int) error { // the pruning job
			_, err := s.PruneEvents(ctx, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
			return err
		},
		func(i int) error {
			return s.ForgetEvent(ctx, fmt.Sprint("event-", i))
		},
	}
	const writers = 24
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := writes[i%len(writes)](i); err != nil {
				errs <- fmt.Errorf("writer %d: %w", i, err)
			}
		}()
	}
	// Hold the lock for many busy timeouts: real time, since the wait is
	// SQLite's, not the store's clock.
	time.Sleep(150 * time.Millisecond)
	if _, err := holder.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var tasks int
	for i := range writers {
		if i%len(writes) == 1 {
			tasks++
		}
	}
	if got := len(mustList(t, s)); got != tasks {
		t.Errorf("%d tasks stored, want %d", got, tasks)
	}
}

func mustList(t *testing.T, s *Store) []connectors.Task {
	t.Helper()
	ts, err := s.ListTasks(context.Background(), store.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}
