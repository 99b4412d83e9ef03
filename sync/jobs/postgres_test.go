package jobs

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// postgresEnv names a throwaway database, e.g.
// postgres://postgres@127.0.0.1:5432/liaison_test?sslmode=disable.
// The test creates and drops its own schema in it.
const postgresEnv = "LIAISON_TEST_POSTGRES_URL"

// testSchema skips without PostgreSQL; otherwise it creates a schema named
// from prefix, dropped when the test ends, and returns the URL and schema.
func testSchema(t *testing.T, prefix string) (url, schema string) {
	t.Helper()
	url = os.Getenv(postgresEnv)
	if url == "" {
		t.Skipf("set %s to run against PostgreSQL", postgresEnv)
	}
	ctx := context.Background()
	schema = fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(admin.Close)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	return url, schema
}

func TestPostgresEngine(t *testing.T) {
	url, schema := testSchema(t, "liaison_jobs_test")
	ctx := context.Background()

	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatalf("parsing url: %v", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema

	var runs, inserts [2]atomic.Int32
	var onDemand atomic.Int32
	engines := make([]*Engine, 2)
	for i := range engines {
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			t.Fatalf("pool: %v", err)
		}
		t.Cleanup(pool.Close)
		opts := testOptions(&logSink{}, prometheus.NewRegistry())
		opts.ID = fmt.Sprintf("pg-replica-%d", i)
		e, err := NewPostgres(ctx, pool, opts)
		if err != nil {
			t.Fatalf("NewPostgres: %v", err)
		}
		t.Cleanup(func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = e.Stop(stopCtx)
		})
		mustRegister(t, e, Task{Name: "jira.pull", Every: time.Second, Run: func(context.Context) error { runs[i].Add(1); return nil }})
		mustRegister(t, e, Task{Name: "webhook", Run: func(context.Context) error { onDemand.Add(1); return nil }})
		e.onPeriodic = func(string) { inserts[i].Add(1) }
		engines[i] = e
	}
	begin := time.Now()
	for _, e := range engines {
		mustStart(t, e)
	}
	if err := engines[1].RunNow(ctx, "webhook"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	total := func() int32 { return runs[0].Load() + runs[1].Load() }
	waitFor(t, 5*time.Second, "three periodic runs and the webhook run", func() bool { return total() >= 3 && onDemand.Load() == 1 })
	elapsed := time.Since(begin)
	if (inserts[0].Load() == 0) == (inserts[1].Load() == 0) {
		t.Fatalf("periodic inserts %d/%d: exactly one replica should lead", inserts[0].Load(), inserts[1].Load())
	}
	if limit := int32(elapsed/time.Second) + 1; total() > limit {
		t.Fatalf("%d runs in %s, want at most %d", total(), elapsed, limit)
	}

	task := Task{Name: "gsc.pull", Every: time.Hour, Run: noop}
	period := time.Now().UTC().Truncate(time.Hour).Add(3 * time.Hour)
	for i, want := range []bool{false, true} {
		skipped, err := engines[i].insertPeriodic(ctx, task, period.Add(time.Duration(i)*time.Minute))
		if err != nil || skipped != want {
			t.Fatalf("insert %d: skipped=%v err=%v, want skipped=%v", i, skipped, err, want)
		}
	}
}
