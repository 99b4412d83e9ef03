package engine

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// deadlineScale sizes the deadline benchmarks as a fraction of the
// reference load (2,000 clients, 300 people, 200,000 issues).
var deadlineScale = flag.Float64("deadline.scale", 0.1, "fraction of the reference load the deadline benchmarks use")

// deadlineBench is an agency at a fraction of the reference load, its
// tasks stored and its deadline findings already recorded once, as in a
// daemon that has been running.
type deadlineBench struct {
	e     *Engine
	st    *sqlite.Store
	clk   *clock.Fake
	tasks []connectors.Task
}

func newDeadlineBench(b *testing.B) *deadlineBench {
	b.Helper()
	ctx := context.Background()
	clients := max(1, int(2000**deadlineScale))
	const perClient, people, ams = 100, 300, 50
	var y strings.Builder
	y.WriteString("agency: {name: Bench, timezone: Europe/Kyiv, language: en}\npeople:\n")
	for i := range people {
		role := "specialist, specialty: seo"
		if i < ams {
			role = "account_manager"
		}
		fmt.Fprintf(&y, "  - {id: p%03d, name: P %d, email: p%d@b.example, role: %s, slack_user_id: U0P%07d, jira_account_id: acc-%d}\n",
			i, i, i, role, i, i)
	}
	y.WriteString("clients:\n")
	for c := range clients {
		fmt.Fprintf(&y, "  - {id: c%04d, name: Client %d, account_manager: p%03d, jira_projects: [P%dA, P%dB]}\n", c, c, c%ams, c, c)
	}
	cfg, err := configs.Parse("bench.yaml", []byte(y.String()), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	clk := clock.NewFake(now)
	st, err := sqlite.Open(ctx, b.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	base := now.Truncate(24 * time.Hour)
	cats := []connectors.StatusCategory{connectors.StatusCategoryNew, connectors.StatusCategoryInProgress,
		connectors.StatusCategoryInProgress, connectors.StatusCategoryNew, connectors.StatusCategoryDone}
	bench := &deadlineBench{st: st, clk: clk}
	for c := range clients {
		var batch []connectors.Task
		for n := range perClient {
			p := fmt.Sprintf("P%dA", c)
			if n%2 == 1 {
				p = fmt.Sprintf("P%dB", c)
			}
			due := ""
			if n%10 != 0 {
				due = base.AddDate(0, 0, (n*7+c)%90-45).Format(time.DateOnly)
			}
			batch = append(batch, connectors.Task{Key: fmt.Sprintf("%s-%d", p, n), ID: fmt.Sprint(c*perClient + n), ProjectKey: p,
				Summary: "Prepare the monthly report", Status: "In Progress", StatusCategory: cats[n%len(cats)],
				AssigneeAccountID: fmt.Sprintf("acc-%d", ams+(c+n)%(people-ams)), DueDate: due,
				Updated: now.Add(-time.Hour)})
		}
		if err := st.UpsertTasks(ctx, batch); err != nil {
			b.Fatal(err)
		}
		bench.tasks = append(bench.tasks, batch...)
	}
	get := func() *configs.Config { return cfg }
	d, err := deliver.New(st, wlSlack{}, func() deliver.Directory { return cfg }, clk, nil, nil, deliver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	bench.e = New(get, st, d, clk, nil)
	if err := bench.e.RunDeadline(ctx); err != nil {
		b.Fatal(err)
	}
	return bench
}

// cpuTime is the CPU time the process has used so far: on a machine
// shared with other work, it measures a run better than the wall clock.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDeadlineFull is one full run of the deadline rule with nothing
// changed since the last (as after a reload, a date turning in a client's
// zone, or every DeadlineFullEvery): load the open tasks, evaluate them,
// and compare the findings with the open ones, writing nothing. It reports
// the Go heap in use after the run.
//
//	go test -run '^$' -bench DeadlineFull -benchtime 5x ./sync/engine -deadline.scale 1
func BenchmarkDeadlineFull(b *testing.B) {
	bench := newDeadlineBench(b)
	ctx := context.Background()
	var peak uint64
	var cpu time.Duration
	n := 0
	for b.Loop() {
		n++
		c0 := cpuTime(b)
		bench.clk.Advance(time.Minute)
		if err := bench.e.RunDeadline(ctx); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime(b) - c0
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/op")
}

// BenchmarkDeadlineOneChange is a run of the daemon's engine, which tracks
// task changes, after one task's due date moved: that task alone is read
// and evaluated, its old finding resolves and its new one opens.
//
//	go test -run '^$' -bench DeadlineOneChange -benchtime 5x ./sync/engine -deadline.scale 1
func BenchmarkDeadlineOneChange(b *testing.B) {
	bench := newDeadlineBench(b)
	bench.e.TrackTasks()
	ctx := context.Background()
	n := 0
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		t := bench.tasks[1+n%(len(bench.tasks)-1)]
		n++
		due, _ := time.Parse(time.DateOnly, "2026-11-20")
		t.DueDate = due.AddDate(0, 0, n%30).Format(time.DateOnly)
		t.StatusCategory = connectors.StatusCategoryInProgress
		bench.clk.Advance(time.Second)
		t.Updated = bench.clk.Now()
		if err := bench.st.UpsertTasks(ctx, []connectors.Task{t}); err != nil {
			b.Fatal(err)
		}
		bench.e.TasksChanged([]string{t.Key})
		c0 := cpuTime(b)
		b.StartTimer()
		if err := bench.e.RunDeadline(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime(b) - c0
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/op")
}
