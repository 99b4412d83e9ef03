package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/clock"
)

func noop(context.Context) error { return nil }

func TestRegisterValidation(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), nil)
	mustRegister(t, e.Engine, Task{Name: "jira.pull", Every: 2 * time.Minute, Run: noop})

	tests := []struct {
		name string
		task Task
		want string
	}{
		{"empty name", Task{Run: noop}, "task name"},
		{"upper case", Task{Name: "Jira", Run: noop}, "task name"},
		{"space", Task{Name: "jira pull", Run: noop}, "task name"},
		{"nil run", Task{Name: "x"}, "Run is nil"},
		{"period below a second", Task{Name: "x", Every: 500 * time.Millisecond, Run: noop}, "below the minimum"},
		{"negative timeout", Task{Name: "x", Timeout: -1, Run: noop}, "must not be negative"},
		{"timeout past rescue", Task{Name: "x", Timeout: time.Hour, Run: noop}, "exceeds rescue_stuck_after"},
		{"duplicate", Task{Name: "jira.pull", Run: noop}, "already registered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.Register(tt.task)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Register = %v, want error containing %q", err, tt.want)
			}
		})
	}
	if got := e.Tasks(); len(got) != 1 || got[0] != "jira.pull" {
		t.Fatalf("Tasks() = %v, want only jira.pull", got)
	}

	mustStart(t, e.Engine)
	if err := e.Register(Task{Name: "late", Run: noop}); !errors.Is(err, ErrStarted) {
		t.Fatalf("Register after Start = %v, want ErrStarted", err)
	}
	if err := e.Start(context.Background()); !errors.Is(err, ErrStarted) {
		t.Fatalf("second Start = %v, want ErrStarted", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	db := openDB(t, tempDBPath(t))
	_, err := New(context.Background(), db, Options{DefaultTimeout: 2 * time.Hour, RescueStuckAfter: time.Hour})
	if err == nil || !strings.Contains(err.Error(), "exceeds rescue_stuck_after") {
		t.Fatalf("New = %v, want timeout/rescue error", err)
	}
	if _, err := New(context.Background(), nil, Options{}); err == nil {
		t.Fatal("New(nil db) succeeded")
	}
	reg := prometheus.NewRegistry()
	if _, err := New(context.Background(), db, Options{Registerer: reg}); err != nil {
		t.Fatalf("first New: %v", err)
	}
	if _, err := New(context.Background(), db, Options{Registerer: reg}); err == nil || !strings.Contains(err.Error(), "one registry per engine") {
		t.Fatalf("second New on the same registry = %v, want registration error", err)
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	path := tempDBPath(t)
	db := openDB(t, path)
	for i := range 3 {
		if _, err := New(context.Background(), db, Options{}); err != nil {
			t.Fatalf("New #%d: %v", i+1, err)
		}
	}
	var versions int
	if err := db.QueryRow(`SELECT count(*) FROM river_migration`).Scan(&versions); err != nil {
		t.Fatalf("counting migrations: %v", err)
	}
	if versions == 0 {
		t.Fatal("no River migrations recorded")
	}
}

func TestRunNowRunsOnDemandTask(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), nil)
	var c counter
	mustRegister(t, e.Engine, Task{Name: "slack.catchup", Run: func(context.Context) error { c.inc(); return nil }})

	if err := e.RunNow(context.Background(), "nope"); !errors.Is(err, ErrUnknownTask) {
		t.Fatalf("RunNow(unknown) = %v, want ErrUnknownTask", err)
	}
	// Enqueued before Start: the run waits in the table.
	if err := e.RunNow(context.Background(), "slack.catchup"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	mustStart(t, e.Engine)
	if err := e.RunNow(context.Background(), "slack.catchup"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	waitFor(t, 3*time.Second, "two runs", func() bool { return c.get() >= 2 })
	waitFor(t, 3*time.Second, "two completed jobs", func() bool { return jobStates(t, e.db, "slack.catchup")["completed"] == 2 })
	if got := c.get(); got != 2 {
		t.Fatalf("runs = %d, want exactly 2", got)
	}
	if got := counterValue(t, e.reg, "liaison_jobs_enqueued_total", map[string]string{"task": "slack.catchup"}); got != 2 {
		t.Fatalf("enqueued_total = %v, want 2", got)
	}
	if got := runs(t, e.reg, "slack.catchup", OutcomeSuccess); got != 2 {
		t.Fatalf("runs_total{success} = %v, want 2", got)
	}
	if got := counterValue(t, e.reg, "liaison_jobs_run_duration_seconds", map[string]string{"task": "slack.catchup"}); got != 2 {
		t.Fatalf("duration samples = %v, want 2", got)
	}
}

func TestFailingTaskIsRetriedThenSucceeds(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), nil)
	var attempts atomic.Int32
	mustRegister(t, e.Engine, Task{Name: "jira.pull", MaxAttempts: 5, Run: func(context.Context) error {
		if attempts.Add(1) < 3 {
			return errors.New("fetching issues page: 503 service unavailable")
		}
		return nil
	}})
	mustStart(t, e.Engine)
	if err := e.RunNow(context.Background(), "jira.pull"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	waitFor(t, 5*time.Second, "job completed", func() bool { return jobStates(t, e.db, "jira.pull")["completed"] == 1 })
	if got := attempts.Load(); got != 3 {
		t.Fatalf("attempts = %d, want 3", got)
	}
	if got := runs(t, e.reg, "jira.pull", OutcomeError); got != 2 {
		t.Fatalf("runs_total{error} = %v, want 2", got)
	}
	if got := runs(t, e.reg, "jira.pull", OutcomeSuccess); got != 1 {
		t.Fatalf("runs_total{success} = %v, want 1", got)
	}
	warned := e.logs.find(func(r logRecord) bool {
		return r.Msg == "task failed, will retry" && r.Attrs["task"] == "jira.pull" &&
			strings.Contains(r.Attrs["error"], "503") && r.Attrs["max_attempts"] == "5"
	})
	if len(warned) != 2 {
		t.Fatalf("retry warnings naming the task = %d, want 2", len(warned))
	}
}

func TestFailingTaskStopsAtMaxAttempts(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), nil)
	var attempts atomic.Int32
	mustRegister(t, e.Engine, Task{Name: "ads.pull", MaxAttempts: 2, Run: func(context.Context) error {
		attempts.Add(1)
		return errors.New("googleAds:searchStream: 500")
	}})
	mustStart(t, e.Engine)
	if err := e.RunNow(context.Background(), "ads.pull"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	waitFor(t, 5*time.Second, "job discarded", func() bool { return jobStates(t, e.db, "ads.pull")["discarded"] == 1 })
	if got := attempts.Load(); got != 2 {
		t.Fatalf("attempts = %d, want 2", got)
	}
	final := e.logs.find(func(r logRecord) bool {
		return r.Level == slog.LevelError && r.Msg == "task failed, no attempts left" && r.Attrs["task"] == "ads.pull"
	})
	if len(final) != 1 {
		t.Fatalf("final error logs = %d, want 1", len(final))
	}
}

func TestPanickingTaskDoesNotKillEngine(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), nil)
	var attempts atomic.Int32
	var other counter
	mustRegister(t, e.Engine, Task{Name: "rules.run", MaxAttempts: 3, Run: func(context.Context) error {
		if attempts.Add(1) == 1 {
			var m map[string]int
			m["boom"]++ // nil map write: a real panic, not a crafted one
		}
		return nil
	}})
	mustRegister(t, e.Engine, Task{Name: "outbox.drain", Run: func(context.Context) error { other.inc(); return nil }})
	mustStart(t, e.Engine)
	if err := e.RunNow(context.Background(), "rules.run"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	waitFor(t, 5*time.Second, "panicking job completed on retry", func() bool { return jobStates(t, e.db, "rules.run")["completed"] == 1 })
	if err := e.RunNow(context.Background(), "outbox.drain"); err != nil {
		t.Fatalf("RunNow after panic: %v", err)
	}
	waitFor(t, 3*time.Second, "other task ran after the panic", func() bool { return other.get() == 1 })
	if got := runs(t, e.reg, "rules.run", OutcomePanic); got != 1 {
		t.Fatalf("runs_total{panic} = %v, want 1", got)
	}
	logged := e.logs.find(func(r logRecord) bool {
		return r.Attrs["task"] == "rules.run" && r.Attrs["outcome"] == OutcomePanic &&
			strings.Contains(r.Attrs["error"], "assignment to entry in nil map") && strings.Contains(r.Attrs["stack"], "goroutine")
	})
	if len(logged) != 1 {
		t.Fatalf("panic logs with task, message and stack = %d, want 1", len(logged))
	}
}

func TestStopWaitsForRunningTask(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), nil)
	started := make(chan struct{})
	var finished atomic.Bool
	mustRegister(t, e.Engine, Task{Name: "sheets.push", Run: func(ctx context.Context) error {
		close(started)
		select {
		case <-time.After(300 * time.Millisecond):
			finished.Store(true)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}})
	mustStart(t, e.Engine)
	if err := e.RunNow(context.Background(), "sheets.push"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if !finished.Load() {
		t.Fatal("Stop returned before the running task finished")
	}
	if got := runs(t, e.reg, "sheets.push", OutcomeSuccess); got != 1 {
		t.Fatalf("runs_total{success} = %v, want 1", got)
	}
}

func TestStopCancelsTaskAtDeadline(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), nil)
	started := make(chan struct{})
	sawCancel := make(chan error, 1)
	mustRegister(t, e.Engine, Task{Name: "backfill", Run: func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		sawCancel <- ctx.Err()
		return ctx.Err()
	}})
	mustStart(t, e.Engine)
	if err := e.RunNow(context.Background(), "backfill"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	begin := time.Now()
	if err := e.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if took := time.Since(begin); took > 2*time.Second {
		t.Fatalf("Stop took %s, want about the 200ms deadline", took)
	}
	select {
	case err := <-sawCancel:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("task context error = %v, want context.Canceled", err)
		}
	default:
		t.Fatal("task never saw its context cancelled")
	}
	if got := runs(t, e.reg, "backfill", OutcomeCancelled); got != 1 {
		t.Fatalf("runs_total{cancelled} = %v, want 1", got)
	}
}

func TestStopIsBoundedWhenTaskIgnoresCancellation(t *testing.T) {
	e := newTestEngine(t, tempDBPath(t), func(o *Options) { o.StopGrace = 200 * time.Millisecond })
	started := make(chan struct{})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	mustRegister(t, e.Engine, Task{Name: "stubborn", Run: func(context.Context) error {
		close(started)
		<-release
		return nil
	}})
	mustStart(t, e.Engine)
	if err := e.RunNow(context.Background(), "stubborn"); err != nil {
		t.Fatalf("RunNow: %v", err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	begin := time.Now()
	err := e.Stop(ctx)
	took := time.Since(begin)
	if err == nil || !strings.Contains(err.Error(), "still running") {
		t.Fatalf("Stop = %v, want a still-running error", err)
	}
	if took > 2*time.Second {
		t.Fatalf("Stop took %s, want about deadline + grace (300ms)", took)
	}
}

func TestRunOnce(t *testing.T) {
	// RunOnce never touches River, so a fake clock times it exactly.
	fake := clock.NewFake(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	e := newTestEngine(t, tempDBPath(t), func(o *Options) { o.Clock = fake })
	var order []string
	mustRegister(t, e.Engine, Task{Name: "jira.pull", Every: 2 * time.Minute, Run: func(context.Context) error {
		order = append(order, "jira.pull")
		fake.Advance(1500 * time.Millisecond)
		return nil
	}})
	mustRegister(t, e.Engine, Task{Name: "slack.catchup", Timeout: 50 * time.Millisecond, Run: func(ctx context.Context) error {
		order = append(order, "slack.catchup")
		if _, ok := ctx.Deadline(); !ok {
			return errors.New("no deadline")
		}
		<-ctx.Done()
		return fmt.Errorf("reading history: %w", ctx.Err())
	}})
	mustRegister(t, e.Engine, Task{Name: "gsc.pull", Run: func(context.Context) error {
		order = append(order, "gsc.pull")
		panic("nil response")
	}})
	mustRegister(t, e.Engine, Task{Name: "outbox.drain", Run: func(context.Context) error {
		order = append(order, "outbox.drain")
		return nil
	}})

	if err := e.RunOnce(context.Background(), "jira.pull"); err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	mfs, _ := e.reg.Gather()
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() == "liaison_jobs_run_duration_seconds" {
			sum = mf.GetMetric()[0].GetHistogram().GetSampleSum()
		}
	}
	if sum != 1.5 {
		t.Fatalf("duration sum = %v, want 1.5 (from the fake clock)", sum)
	}
	if err := e.RunOnce(context.Background(), "nope"); !errors.Is(err, ErrUnknownTask) {
		t.Fatalf("RunOnce(unknown) = %v, want ErrUnknownTask", err)
	}

	order = nil
	err := e.RunAllOnce(context.Background())
	if want := []string{"jira.pull", "slack.catchup", "gsc.pull", "outbox.drain"}; fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("ran %v, want every task in order %v", order, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RunAllOnce error %v does not wrap the timeout", err)
	}
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Task != "gsc.pull" || pe.Value != "nil response" {
		t.Fatalf("RunAllOnce error %v does not carry gsc.pull's panic", err)
	}
	for _, tc := range []struct{ task, outcome string }{
		{"jira.pull", OutcomeSuccess}, {"slack.catchup", OutcomeTimeout}, {"gsc.pull", OutcomePanic}, {"outbox.drain", OutcomeSuccess},
	} {
		if got := runs(t, e.reg, tc.task, tc.outcome); got < 1 {
			t.Errorf("runs_total{%s,%s} = %v, want ≥1", tc.task, tc.outcome, got)
		}
	}
	if jobStates(t, e.db, "jira.pull")["completed"] != 0 {
		t.Fatal("RunOnce wrote to the job table")
	}
}
