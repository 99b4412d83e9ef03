package bench

import (
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
	cpu := func(restart bool) time.Duration {
		var ds []time.Duration
		for range 5 {
			if restart {
				l.Restart()
			}
			c0 := CPUTime()
			if err := l.FullAll(ctx); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, CPUTime()-c0)
		}
		slices.Sort(ds)
		return ds[2]
	}
	first := cpu(true)
	full := cpu(false)
	ratio := float64(full) / float64(first)
	t.Logf("full run %v CPU, first run after a start %v CPU: ratio %.3f (limit %.2f)", full, first, ratio, fullRunRatioLimit)
	if ratio > fullRunRatioLimit {
		t.Fatalf("a full run took %v of CPU, %.2f× the first run after a start (%v); at most %.2f×",
			full, ratio, first, fullRunRatioLimit)
	}
}
