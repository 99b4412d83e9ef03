package engine

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/sync/store"
)

// incrEnv is the workload agency with deadline tasks, its engine tracking
// task changes as the daemon's does.
type incrEnv struct {
	*workloadEnv
	counted *countingStore
}

func newIncrEnv(t *testing.T) *incrEnv {
	t.Helper()
	// Wednesday 25 November 2026, 11:30 in Kyiv.
	v := &incrEnv{workloadEnv: newWorkloadEnv(t, time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC))}
	v.counted = &countingStore{Store: v.st}
	e := v.engine()
	v.e = New(e.cfg, v.counted, e.rec, v.clk, nil)
	v.e.TrackTasks()
	v.put(
		connectors.Task{Key: "ACME-1", DueDate: "2026-11-20"}, // overdue
		connectors.Task{Key: "ACME-2", DueDate: "2026-11-26"}, // due tomorrow
		connectors.Task{Key: "BOLT-1", DueDate: "2026-11-24"}, // overdue
		connectors.Task{Key: "BOLT-2", DueDate: "2027-02-01"}, // far off: no finding
	)
	v.run()
	return v
}

// put stores tasks as a Jira pull would, without reporting them.
func (v *incrEnv) put(ts ...connectors.Task) {
	v.t.Helper()
	for i := range ts {
		t := &ts[i]
		t.ID, t.ProjectKey = t.Key, t.Key[:4]
		t.Summary, t.Status, t.StatusCategory = "Landing page", "In Progress", connectors.StatusCategoryInProgress
		t.AssigneeAccountID, t.Updated = "712020:kate", v.clk.Now()
	}
	if err := v.st.UpsertTasks(v.t.Context(), ts); err != nil {
		v.t.Fatal(err)
	}
}

func (v *incrEnv) run() {
	v.t.Helper()
	if err := v.e.RunDeadline(v.t.Context()); err != nil {
		v.t.Fatal(err)
	}
}

// open lists the open deadline findings as "task due-date kind".
func (v *incrEnv) open() []string {
	v.t.Helper()
	fs, err := v.st.ListOpenFindings(v.t.Context(), store.FindingFilter{Rule: deadline.RuleName})
	if err != nil {
		v.t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Subject.ID+" "+f.Fields[deadline.FieldDueDate]+" "+f.Fields[deadline.FieldKind])
	}
	sort.Strings(out)
	return out
}

func (v *incrEnv) wantOpen(want ...string) {
	v.t.Helper()
	got := v.open()
	if len(got) != len(want) {
		v.t.Fatalf("open findings %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			v.t.Fatalf("open findings %q, want %q", got, want)
		}
	}
}

// Between full runs the deadline rule evaluates only the tasks reported
// changed, without listing the tasks: a moved due date resolves the old
// finding and opens the new one, a deleted task's finding resolves, and
// the other findings stay as they are.
func TestDeadlineEvaluatesOnlyChangedTasks(t *testing.T) {
	v := newIncrEnv(t)
	v.wantOpen("ACME-1 2026-11-20 overdue", "ACME-2 2026-11-26 due_soon", "BOLT-1 2026-11-24 overdue")

	lists := v.counted.reads.Load()
	v.clk.Advance(time.Minute)
	v.put(connectors.Task{Key: "ACME-1", DueDate: "2026-11-23"})
	v.e.TasksChanged([]string{"ACME-1"})
	v.run()
	v.wantOpen("ACME-1 2026-11-23 overdue", "ACME-2 2026-11-26 due_soon", "BOLT-1 2026-11-24 overdue")

	v.clk.Advance(time.Minute)
	if err := v.st.MarkTasksDeleted(t.Context(), []string{"BOLT-1"}); err != nil {
		t.Fatal(err)
	}
	v.e.TasksChanged([]string{"BOLT-1"})
	v.run()
	v.wantOpen("ACME-1 2026-11-23 overdue", "ACME-2 2026-11-26 due_soon")

	v.clk.Advance(time.Minute)
	v.run() // nothing changed: nothing read, nothing written
	if n := v.counted.reads.Load() - lists; n != 0 {
		t.Fatalf("incremental runs listed tasks %d times, want 0", n)
	}
}

// A change nobody reported (another replica's pull) is seen at the next
// full run, DeadlineFullEvery after the last; a client's date turning makes
// a full run too, so a task due today is overdue the next morning though
// the task itself did not change.
func TestDeadlineFullRunsCatchWhatWasNotReported(t *testing.T) {
	v := newIncrEnv(t)
	v.put(connectors.Task{Key: "BOLT-2", DueDate: "2026-11-19"})
	v.clk.Advance(time.Minute)
	v.run()
	v.wantOpen("ACME-1 2026-11-20 overdue", "ACME-2 2026-11-26 due_soon", "BOLT-1 2026-11-24 overdue")
	v.clk.Advance(DeadlineFullEvery)
	v.run()
	v.wantOpen("ACME-1 2026-11-20 overdue", "ACME-2 2026-11-26 due_soon", "BOLT-1 2026-11-24 overdue", "BOLT-2 2026-11-19 overdue")

	// Friday 27 November, 00:05 in Kyiv: ACME-2, due Thursday, is overdue.
	v.clk.Set(time.Date(2026, 11, 26, 22, 5, 0, 0, time.UTC))
	v.run()
	v.wantOpen("ACME-1 2026-11-20 overdue", "ACME-2 2026-11-26 overdue", "BOLT-1 2026-11-24 overdue", "BOLT-2 2026-11-19 overdue")
}

// An engine whose task changes are not tracked (`liaison sync --once`)
// evaluates every task on every run.
func TestDeadlineUntrackedRunsAreFull(t *testing.T) {
	v := newIncrEnv(t)
	e := v.engine()
	v.put(connectors.Task{Key: "BOLT-2", DueDate: "2026-11-19"})
	v.clk.Advance(time.Minute)
	if err := e.RunDeadline(t.Context()); err != nil {
		t.Fatal(err)
	}
	v.wantOpen("ACME-1 2026-11-20 overdue", "ACME-2 2026-11-26 due_soon", "BOLT-1 2026-11-24 overdue", "BOLT-2 2026-11-19 overdue")
}

// A run after more than DeadlineIncrementalMax changed tasks is a full one:
// judging each of them on its own would read each from the store and hold
// all their findings at once. Up to the limit, runs stay incremental.
func TestDeadlineManyChangedTasksMakeAFullRun(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	cfg := &configs.Config{}
	days := clientDays(cfg, now)
	for _, tc := range []struct {
		changed     int
		incremental bool
	}{{1, true}, {DeadlineIncrementalMax, true}, {DeadlineIncrementalMax + 1, false}} {
		s := newDeadlineState()
		s.tracking, s.cfg, s.days, s.fullAt = true, cfg, days, now
		keys := make([]string, tc.changed)
		for i := range keys {
			keys[i] = fmt.Sprintf("ACME-%d", i)
		}
		s.dirty = map[string]struct{}{}
		for _, k := range keys {
			s.dirty[k] = struct{}{}
		}
		got, incremental := s.plan(cfg, days, now.Add(time.Minute), true)
		if incremental != tc.incremental || len(got) != tc.changed {
			t.Errorf("%d changed tasks: incremental %v with %d keys, want %v with %d", tc.changed, incremental, len(got), tc.incremental, tc.changed)
		}
		if len(s.dirty) != 0 {
			t.Errorf("%d changed tasks: %d still marked changed after the plan took them", tc.changed, len(s.dirty))
		}
	}
}
