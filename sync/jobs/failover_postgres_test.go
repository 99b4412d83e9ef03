package jobs

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

const (
	childEnvPGSchema = "LIAISON_JOBS_CHILD_PG_SCHEMA"
	// postgresTakeOverBound is how long after a replica dies another one
	// takes over its leadership (scheduled runs): River's lease of 15 s
	// (its 5 s election interval plus 10 s), plus one more election
	// attempt of up to 6 s by a follower, rounded up for a loaded machine.
	postgresTakeOverBound = 25 * time.Second
)

// pgPoolIn returns a pool on url whose connections use schema.
func pgPoolIn(t testing.TB, url, schema string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatalf("parsing url: %v", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestHelperProcessLeadsOnPostgres is not a test: TestPostgresReplicaTakesOver
// runs the test binary again with it selected, as a replica that becomes
// leader and is then SIGKILLed.
func TestHelperProcessLeadsOnPostgres(t *testing.T) {
	schema := os.Getenv(childEnvPGSchema)
	if schema == "" {
		t.Skip("helper process for TestPostgresReplicaTakesOver")
	}
	pool := pgPoolIn(t, os.Getenv(postgresEnv), schema)
	opts := testOptions(&logSink{}, prometheus.NewRegistry())
	opts.ID = "doomed"
	e, err := NewPostgres(context.Background(), pool, opts)
	if err != nil {
		t.Fatalf("NewPostgres: %v", err)
	}
	mustRegister(t, e, Task{Name: "jira.pull", Every: time.Hour, Run: noop})
	mustStart(t, e)
	time.Sleep(time.Minute) // the parent kills us long before
}

// TestPostgresReplicaTakesOver SIGKILLs the leading replica and checks that
// the surviving one, already running as a follower, becomes leader and
// makes its first scheduled run within postgresTakeOverBound. Unlike on
// SQLite nothing proves the dead replica is gone but its lease lapsing, so
// this bound is River's, not zero.
func TestPostgresReplicaTakesOver(t *testing.T) {
	url, schema := testSchema(t, "liaison_failover_test")
	ctx := context.Background()
	admin := pgPoolIn(t, url, schema)

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessLeadsOnPostgres$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnvPGSchema+"="+schema)
	var childOut strings.Builder
	cmd.Stdout, cmd.Stderr = &childOut, &childOut
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting helper process: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	leaderIs := func(id string) bool {
		var got string
		err := admin.QueryRow(ctx, "SELECT leader_id FROM "+schema+".river_leader").Scan(&got)
		return err == nil && got == id
	}
	waitFor(t, 20*time.Second, "helper replica to lead", func() bool { return leaderIs("doomed") })

	pool := pgPoolIn(t, url, schema)
	opts := testOptions(&logSink{}, prometheus.NewRegistry())
	opts.ID = "survivor"
	e, err := NewPostgres(ctx, pool, opts)
	if err != nil {
		t.Fatalf("NewPostgres: %v", err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Stop(stopCtx)
	})
	var pulls counter
	mustRegister(t, e, Task{Name: "jira.pull", Every: time.Second, Run: func(context.Context) error { pulls.inc(); return nil }})
	mustStart(t, e)

	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("killing helper process: %v", err)
	}
	var exitErr *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exitErr) {
		t.Fatalf("helper process ended with %v, want killed; output:\n%s", err, childOut.String())
	}
	killed := time.Now()
	before := pulls.get()
	waitFor(t, postgresTakeOverBound, "the survivor to lead and run a scheduled pull", func() bool {
		return leaderIs("survivor") && pulls.get() > before
	})
	t.Logf("survivor took over %s after the kill (bound %s)", time.Since(killed).Round(time.Millisecond), postgresTakeOverBound)
}

// TestPostgresReplicasMigrateTogether starts three engines at once on a new
// schema, as replicas deployed together do: all must come up.
func TestPostgresReplicasMigrateTogether(t *testing.T) {
	url, schema := testSchema(t, "liaison_migrate_test")
	ctx := context.Background()
	errs := make(chan error, 3)
	for range 3 {
		pool := pgPoolIn(t, url, schema)
		go func() {
			_, err := NewPostgres(ctx, pool, testOptions(&logSink{}, prometheus.NewRegistry()))
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("NewPostgres beside two others: %v", err)
		}
	}
}
