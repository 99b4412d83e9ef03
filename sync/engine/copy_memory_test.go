package engine

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/sync/store"
)

// copyBytesPerTask is what the task copy and the deadline findings copy
// held together per open task with a finding, measured on 2026-12-03
// (318 bytes; 481 when the copies kept summaries and keys as strings);
// the test fails at twice that. At the reference load the
// two are most of the daemon's live heap between runs, which the Go
// runtime lets grow to twice its size: a copy that doubles its bytes per
// task adds ≈ 60 MB to the daemon's resident set there.
const copyBytesPerTask = 320

// The copies the engine keeps between runs cost a bounded number of bytes
// per open task: measured as the live heap they hold after a full run
// (the difference ReleaseCopies makes), with every task overdue so that
// each has a finding in the copy.
func TestCopiesHoldFewBytesPerTask(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes what each allocation costs")
	}
	const n = 10000
	v := newWorkloadEnv(t, time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC))
	var ts []connectors.Task
	for i := range n {
		proj := []string{"ACME", "BOLT"}[i%2]
		ts = append(ts, connectors.Task{Key: fmt.Sprintf("%s-%d", proj, i+1), ID: fmt.Sprint(10000 + i), ProjectKey: proj,
			Summary: fmt.Sprintf("Landing page copy for the spring campaign, part %d", i),
			Status:  "In Progress", StatusCategory: connectors.StatusCategoryInProgress,
			AssigneeAccountID: "712020:kate", DueDate: "2026-11-20", RemainingEstimate: connectors.Secs(3600),
			Updated: v.clk.Now()})
	}
	if err := v.st.UpsertTasks(t.Context(), ts); err != nil {
		t.Fatal(err)
	}
	e := v.engine()
	e.TrackTasks()
	if err := e.RunDeadline(t.Context()); err != nil {
		t.Fatal(err)
	}
	open, err := v.st.ListOpenFindings(t.Context(), store.FindingFilter{Rule: deadline.RuleName})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != n {
		t.Fatalf("%d open deadline findings, want one per task (%d)", len(open), n)
	}
	open = nil
	// A second full run builds the copies from the store, as after a
	// reload, rather than from what the first run recorded.
	e.ReleaseCopies()
	if err := e.RunDeadline(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(e.tasks.recs) != n || e.deadline.open == nil || len(e.deadline.open.byKey) != n {
		t.Fatalf("the copies hold %d tasks and %d findings, want %d of each", len(e.tasks.recs), len(e.deadline.open.byKey), n)
	}
	held := liveHeap()
	e.ReleaseCopies()
	released := liveHeap()
	runtime.KeepAlive(e)
	perTask := float64(held-released) / n
	t.Logf("the task and findings copies hold %.0f bytes per open task with a finding (%d tasks; limit %d)", perTask, n, 2*copyBytesPerTask)
	if perTask > 2*copyBytesPerTask {
		t.Errorf("the copies hold %.0f bytes per task, more than twice the %d measured", perTask, copyBytesPerTask)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
