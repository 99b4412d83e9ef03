package bench

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"
)

// fullRunRatioLimit bounds the CPU time of a full run of every rule, from
// the copies of the tasks and open findings, over the CPU time of the
// first run after a start, which reads them from the store. Measured at
// ≈ 0.2 on 2026-12-02 (see docs/BENCHMARKS.md); twice that fails, so a
// full run that grows 2× (reading the tasks or findings again, writing
// unchanged findings) is caught.
const fullRunRatioLimit = 0.4

// deadlineRunRatioLimit and deadlineRunBytesPerTask bound a full deadline
// run with nothing changed, which compares verdicts and renders no
// finding: its CPU time over that of the deadline rule's first run after
// a start, and the bytes it allocates per task. Measured at 10,000 tasks
// on 2026-12-03: a ratio of 0.017–0.030 and 19 bytes per task (see
// docs/BENCHMARKS.md); the limits are twice that. A run rendering every
// finding again to compare it takes 0.13 and allocates 582 bytes per task,
// and fails both.
const (
	deadlineRunRatioLimit   = 0.06
	deadlineRunBytesPerTask = 40
)

// A full run of every rule costs a fraction of the first run after a
// start: it reads neither the tasks nor the open findings and writes
// nothing when nothing changed. CPU times, medians of 5, at 10,000 tasks.
func TestFullRuleRunCostsAFractionOfTheFirstAfterAStart(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 10,000 tasks")
	}
	ctx := t.Context()
	l, err := NewRuleLoad(ctx, t.TempDir(), 0.05)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Store.Close()
	cpu := func(restart bool, run func(context.Context) error) time.Duration {
		var ds []time.Duration
		for range 5 {
			if restart {
				l.Restart()
			}
			c0 := CPUTime()
			if err := run(ctx); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, CPUTime()-c0)
		}
		slices.Sort(ds)
		return ds[2]
	}
	first := cpu(true, l.FullAll)
	full := cpu(false, l.FullAll)
	ratio := float64(full) / float64(first)
	t.Logf("full run %v CPU, first run after a start %v CPU: ratio %.3f (limit %.2f)", full, first, ratio, fullRunRatioLimit)
	if ratio > fullRunRatioLimit {
		t.Fatalf("a full run took %v of CPU, %.2f× the first run after a start (%v); at most %.2f×",
			full, ratio, first, fullRunRatioLimit)
	}

	// The deadline rule's full run alone renders no finding when nothing
	// changed: a fraction of its first run after a start, which renders
	// and compares every one, and a few bytes allocated per open task.
	first = cpu(true, l.Full)
	full = cpu(false, l.Full)
	ratio = float64(full) / float64(first)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	if err := l.Full(ctx); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&m1)
	perTask := float64(m1.TotalAlloc-m0.TotalAlloc) / float64(l.NTasks)
	t.Logf("full deadline run %v CPU, first after a start %v CPU: ratio %.3f (limit %.2f); %.0f bytes allocated per task (limit %d)",
		full, first, ratio, deadlineRunRatioLimit, perTask, deadlineRunBytesPerTask)
	if ratio > deadlineRunRatioLimit {
		t.Errorf("a full deadline run took %v of CPU, %.2f× its first run after a start (%v); at most %.2f×",
			full, ratio, first, deadlineRunRatioLimit)
	}
	if perTask > deadlineRunBytesPerTask {
		t.Errorf("a full deadline run with nothing changed allocated %.0f bytes per task, at most %d", perTask, deadlineRunBytesPerTask)
	}
}
