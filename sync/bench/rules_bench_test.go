package bench

import (
	"context"
	"flag"
	"runtime"
	"testing"
	"time"
)

// scale sizes the benchmarks as a fraction of the reference load.
var scale = flag.Float64("scale", 0.1, "fraction of the reference load (2,000 clients, 200,000 issues) the benchmarks use")

func ruleLoad(b *testing.B) *RuleLoad {
	b.Helper()
	l, err := NewRuleLoad(b.Context(), b.TempDir(), *scale)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Store.Close() })
	return l
}

// BenchmarkDeadlineFull is one full run of the deadline rule with nothing
// changed since the last (as after a date turning in a client's zone, or
// every engine.DeadlineFullEvery). It reports the CPU time per run and the
// Go heap at its highest over the runs.
//
//	go test -run '^$' -bench DeadlineFull -benchtime 5x ./sync/bench -scale 1
func BenchmarkDeadlineFull(b *testing.B) {
	l := ruleLoad(b)
	fullRuns(b, l.Full)
}

// BenchmarkDeadlineFullAllRules is one run of every rule the daemon runs
// on its rules tick (engine.RunAll), the deadline rule's a full one.
//
//	go test -run '^$' -bench DeadlineFullAllRules -benchtime 5x ./sync/bench -scale 1
func BenchmarkDeadlineFullAllRules(b *testing.B) {
	l := ruleLoad(b)
	fullRuns(b, l.FullAll)
}

// BenchmarkDeadlineFirstRunAfterStart is the first run of every rule by a
// new engine over a store already holding the load and its findings, as
// after a start: the copies of the tasks and open findings are read.
//
//	go test -run '^$' -bench DeadlineFirstRunAfterStart -benchtime 3x ./sync/bench -scale 1
func BenchmarkDeadlineFirstRunAfterStart(b *testing.B) {
	l := ruleLoad(b)
	fullRuns(b, func(ctx context.Context) error {
		b.StopTimer()
		l.Restart()
		runtime.GC()
		b.StartTimer()
		return l.FullAll(ctx)
	})
}

func fullRuns(b *testing.B, run func(context.Context) error) {
	var (
		cpu time.Duration
		n   int
	)
	mem := WatchMemory()
	for b.Loop() {
		c0 := CPUTime()
		if err := run(b.Context()); err != nil {
			b.Fatal(err)
		}
		cpu += CPUTime() - c0
		n++
	}
	heap, rss := mem.Stop()
	b.ReportMetric(heap, "MB-heap")
	b.ReportMetric(rss, "MB-rss")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/op")
}

// BenchmarkDeadlineOneChange is a run of the daemon's engine, which tracks
// task changes, after one task's due date moved: that task alone is read
// and evaluated, its old finding resolves and its new one opens.
//
//	go test -run '^$' -bench DeadlineOneChange -benchtime 20x ./sync/bench -scale 1
func BenchmarkDeadlineOneChange(b *testing.B) {
	l := ruleLoad(b)
	l.Track()
	var (
		cpu time.Duration
		n   int
	)
	for b.Loop() {
		b.StopTimer()
		if err := l.Change(b.Context()); err != nil {
			b.Fatal(err)
		}
		c0 := CPUTime()
		b.StartTimer()
		if err := l.Incremental(b.Context()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += CPUTime() - c0
		n++
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/op")
}
