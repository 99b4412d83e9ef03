package bench

import (
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
// changed since the last (as after a reload, a date turning in a client's
// zone, or every engine.DeadlineFullEvery). It reports the CPU time per run
// and the Go heap in use after it.
//
//	go test -run '^$' -bench DeadlineFull -benchtime 5x ./sync/bench -scale 1
func BenchmarkDeadlineFull(b *testing.B) {
	l := ruleLoad(b)
	var (
		peak uint64
		cpu  time.Duration
		n    int
	)
	for b.Loop() {
		c0 := CPUTime()
		if err := l.Full(b.Context()); err != nil {
			b.Fatal(err)
		}
		cpu += CPUTime() - c0
		n++
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
