package jobs

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	childEnvDB     = "LIAISON_JOBS_CHILD_DB"
	childEnvMarker = "LIAISON_JOBS_CHILD_MARKER"
)

// TestHelperProcessHoldsJob is not a test: TestRescueJobLeftRunningByKilledProcess
// runs the test binary again with this test selected, as a replica that
// starts a job and is then killed with SIGKILL in the middle of it.
func TestHelperProcessHoldsJob(t *testing.T) {
	path := os.Getenv(childEnvDB)
	if path == "" {
		t.Skip("helper process for TestRescueJobLeftRunningByKilledProcess")
	}
	ctx := context.Background()
	db, err := sql.Open("sqlite", testDSN(path))
	if err != nil {
		t.Fatalf("opening db: %v", err)
	}
	e, err := New(ctx, db, Options{ID: "doomed", FetchPollInterval: 50 * time.Millisecond, FetchCooldown: 5 * time.Millisecond, testOnly: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mustRegister(t, e, Task{Name: "jira.backfill", Run: func(ctx context.Context) error {
		if err := os.WriteFile(os.Getenv(childEnvMarker), []byte("running"), 0o600); err != nil {
			return err
		}
		<-ctx.Done()
		return ctx.Err()
	}})
	if err := e.RunNow(ctx, "jira.backfill"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	mustStart(t, e)
	time.Sleep(time.Minute) // the parent kills us long before
}

// killedHolder runs TestHelperProcessHoldsJob on a new database, waits until
// its job is running and it is River's leader, and SIGKILLs it. It returns
// the database's path and when the kill happened.
func killedHolder(t *testing.T) (string, time.Time) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "liaison.db")
	marker := filepath.Join(dir, "marker")

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessHoldsJob$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnvDB+"="+path, childEnvMarker+"="+marker)
	var childOut strings.Builder
	cmd.Stdout, cmd.Stderr = &childOut, &childOut
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting helper process: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	waitFor(t, 15*time.Second, "helper process to start its job", func() bool {
		_, err := os.Stat(marker)
		return err == nil
	})
	probe := openDB(t, path)
	waitFor(t, 15*time.Second, "helper process to be elected leader", func() bool {
		var n int
		return probe.QueryRow(`SELECT count(*) FROM river_leader WHERE leader_id = 'doomed'`).Scan(&n) == nil && n == 1
	})
	_ = probe.Close()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("killing helper process: %v", err)
	}
	var exitErr *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exitErr) {
		t.Fatalf("helper process ended with %v, want killed; output:\n%s", err, childOut.String())
	}
	return path, time.Now()
}

func TestRescueJobLeftRunningByKilledProcess(t *testing.T) {
	path, killedAt := killedHolder(t)

	db := openDB(t, path)
	if got := jobStates(t, db, "jira.backfill"); got["running"] != 1 {
		t.Fatalf("after the kill, job states = %v, want one running", got)
	}
	// The dead leader's lease would lapse by itself after River's TTL
	// (about 15 s); expire it now rather than wait.
	if _, err := db.Exec(`DELETE FROM river_leader`); err != nil {
		t.Fatalf("expiring the dead leader's lease: %v", err)
	}

	const rescueAfter = 300 * time.Millisecond
	var c counter
	e := newTestEngineOn(t, db, func(o *Options) {
		o.ID = "survivor"
		o.RescueStuckAfter = rescueAfter
		o.DefaultTimeout = 200 * time.Millisecond
	})
	mustRegister(t, e.Engine, Task{Name: "jira.backfill", Timeout: 100 * time.Millisecond, Run: func(context.Context) error {
		c.inc()
		return nil
	}})
	// River's rescuer runs when the engine starts and then every 30 s; let
	// the abandoned attempt become stale first.
	time.Sleep(time.Until(killedAt.Add(rescueAfter + 50*time.Millisecond)))
	mustStart(t, e.Engine)

	// The rescued job passes through River's scheduler, which runs every 5 s.
	started := time.Now()
	deadline := started.Add(8 * time.Second)
	for jobStates(t, db, "jira.backfill")["completed"] != 1 {
		if time.Now().After(deadline) {
			for _, r := range e.logs.find(func(logRecord) bool { return true }) {
				t.Logf("%s %s %s %v", r.Time.Sub(started), r.Level, r.Msg, r.Attrs)
			}
			t.Fatalf("rescued job not completed after 8s; states %v", jobStates(t, db, "jira.backfill"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := c.get(); got != 1 {
		t.Fatalf("survivor ran the task %d times, want 1", got)
	}
	var attempt int
	var errs string
	if err := db.QueryRow(`SELECT attempt, json(errors) FROM river_job WHERE kind = ?`, taskKind).Scan(&attempt, &errs); err != nil {
		t.Fatalf("reading rescued job: %v", err)
	}
	if attempt != 2 || !strings.Contains(errs, "Stuck job rescued") {
		t.Fatalf("rescued job: attempt %d, errors %s; want attempt 2 and a rescue note", attempt, errs)
	}
}

func TestRestartOnSameDatabaseResumes(t *testing.T) {
	path := tempDBPath(t)
	var first counter
	a := newTestEngine(t, path, nil)
	mustRegister(t, a.Engine, Task{Name: "outbox.drain", Run: func(context.Context) error { first.inc(); return nil }})
	mustStart(t, a.Engine)
	if err := a.RunNow(context.Background(), "outbox.drain"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	waitFor(t, 3*time.Second, "first run", func() bool { return first.get() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	// Queued while nobody is running: it must survive the restart.
	if err := a.RunNow(context.Background(), "outbox.drain"); err != nil {
		t.Fatalf("RunNow while stopped: %v", err)
	}
	if err := a.db.Close(); err != nil {
		t.Fatalf("closing first db: %v", err)
	}

	var second counter
	b := newTestEngine(t, path, nil)
	mustRegister(t, b.Engine, Task{Name: "outbox.drain", Run: func(context.Context) error { second.inc(); return nil }})
	mustStart(t, b.Engine)
	waitFor(t, 3*time.Second, "queued run picked up after restart", func() bool { return second.get() == 1 })
	waitFor(t, 3*time.Second, "both runs completed", func() bool { return jobStates(t, b.db, "outbox.drain")["completed"] == 2 })
	if first.get() != 1 || second.get() != 1 {
		t.Fatalf("runs before/after restart = %d/%d, want 1/1", first.get(), second.get())
	}
}

// TestSoleOwnerTakesOverAtOnce is the SQLite restart after a SIGKILL: the
// successor, holding the data dir's lock, must not wait for the dead
// process's leader lease (15 s) nor for RescueStuckAfter (1 h here) to do
// its first work: both the run the dead process left "running" and the
// first scheduled run happen within 2 s of Start.
func TestSoleOwnerTakesOverAtOnce(t *testing.T) {
	path, _ := killedHolder(t)
	db := openDB(t, path)
	if got := jobStates(t, db, "jira.backfill"); got["running"] != 1 {
		t.Fatalf("after the kill, job states = %v, want one running", got)
	}
	var backfills, pulls counter
	e := newTestEngineOn(t, db, func(o *Options) {
		o.ID = "successor"
		o.SoleOwner = true
		o.RescueStuckAfter = time.Hour
	})
	mustRegister(t, e.Engine, Task{Name: "jira.backfill", Run: func(context.Context) error { backfills.inc(); return nil }})
	mustRegister(t, e.Engine, Task{Name: "slack.pull", Every: time.Hour, Run: func(context.Context) error { pulls.inc(); return nil }})
	started := time.Now()
	mustStart(t, e.Engine)
	waitFor(t, 2*time.Second, "the abandoned run and the first scheduled run", func() bool {
		return backfills.get() == 1 && pulls.get() == 1
	})
	t.Logf("first work %s after Start", time.Since(started).Round(time.Millisecond))
	var leader string
	if err := db.QueryRow(`SELECT leader_id FROM river_leader`).Scan(&leader); err != nil || leader != "successor" {
		t.Fatalf("leader = %q (%v), want successor", leader, err)
	}
	var errs string
	if err := db.QueryRow(`SELECT json(errors) FROM river_job WHERE json_extract(args, '$.task') = 'jira.backfill'`).Scan(&errs); err != nil {
		t.Fatalf("reading rescued job: %v", err)
	}
	if !strings.Contains(errs, "rescued at start-up") {
		t.Fatalf("rescued job's errors = %s, want the start-up rescue noted", errs)
	}
	if got := e.logs.find(func(r logRecord) bool { return strings.HasPrefix(r.Msg, "took over") }); len(got) != 1 {
		t.Fatalf("take-over log lines = %v, want one", got)
	}
}

// TestSoleOwnerOnFreshDatabase checks that taking over nothing is harmless.
func TestSoleOwnerOnFreshDatabase(t *testing.T) {
	var pulls counter
	e := newTestEngine(t, tempDBPath(t), func(o *Options) { o.SoleOwner = true })
	mustRegister(t, e.Engine, Task{Name: "slack.pull", Every: time.Hour, Run: func(context.Context) error { pulls.inc(); return nil }})
	mustStart(t, e.Engine)
	waitFor(t, 2*time.Second, "first scheduled run", func() bool { return pulls.get() == 1 })
	if got := e.logs.find(func(r logRecord) bool { return strings.HasPrefix(r.Msg, "took over") }); len(got) != 0 {
		t.Fatalf("take-over log lines on a fresh database = %v, want none", got)
	}
}
