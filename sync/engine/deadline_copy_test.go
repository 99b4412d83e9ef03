package engine

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/deadline"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// plainStore hides the store's task stamps (store.TaskLog), so an engine
// over it reads every task and every open finding on each full run, as
// before the copies existed.
type plainStore struct{ store.Store }

// copyPair runs the same agency, tasks and clock through two engines: one
// over the store itself, which keeps copies of the tasks and open findings
// between full runs, and one over plainStore, which reads the store every
// full run. Both track task changes, as the daemon's engine does.
type copyPair struct {
	t              *testing.T
	copied, plain  *workloadEnv
	plainSt        *plainStore
	copyE, plainE  *Engine
	copyLog        *countingLog
	keysByScenario []string
}

// countingLog counts what the engine reads from the store for its task copy.
type countingLog struct {
	store.Store
	full, since int
}

func (c *countingLog) ListTasks(ctx context.Context, f store.TaskFilter) ([]connectors.Task, error) {
	c.full++
	return c.Store.ListTasks(ctx, f)
}

func (c *countingLog) TaskSeq(ctx context.Context) (store.TaskSeq, error) {
	return c.Store.(store.TaskLog).TaskSeq(ctx)
}

func (c *countingLog) EachTaskWrittenAfter(ctx context.Context, seq int64, fn func(*connectors.Task) error) error {
	c.since++
	return c.Store.(store.TaskLog).EachTaskWrittenAfter(ctx, seq, fn)
}

func newCopyPair(t *testing.T) *copyPair {
	t.Helper()
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC) // Wednesday, 11:30 in Kyiv
	p := &copyPair{t: t, copied: newWorkloadEnv(t, now), plain: newWorkloadEnv(t, now)}
	p.plainSt = &plainStore{p.plain.st}
	p.restart()
	var ts []connectors.Task
	for i := range 40 {
		proj := "ACME"
		if i%2 == 1 {
			proj = "BOLT"
		}
		due := ""
		if i%7 != 0 {
			due = now.AddDate(0, 0, i%13-6).Format(time.DateOnly)
		}
		cat := connectors.StatusCategoryInProgress
		if i%5 == 0 {
			cat = connectors.StatusCategoryNew
		}
		ts = append(ts, connectors.Task{Key: fmt.Sprintf("%s-%d", proj, i), ID: fmt.Sprint(1000 + i), ProjectKey: proj,
			Summary: fmt.Sprintf("Task %d", i), Status: "In Progress", StatusCategory: cat,
			AssigneeAccountID: "712020:kate", DueDate: due, Updated: now})
	}
	p.put(false, ts...)
	p.run()
	return p
}

// restart gives both sides new engines, as a restarted daemon has.
func (p *copyPair) restart() {
	p.t.Helper()
	p.copyLog = &countingLog{Store: p.copied.st}
	ce, pe := p.copied.engine(), p.plain.engine()
	p.copyE = New(ce.cfg, p.copyLog, ce.rec, p.copied.clk, nil)
	p.plainE = New(pe.cfg, p.plainSt, pe.rec, p.plain.clk, nil)
	p.copyE.TrackTasks()
	p.plainE.TrackTasks()
}

// put stores tasks on both sides, reporting them to the engines or not.
func (p *copyPair) put(report bool, ts ...connectors.Task) {
	p.t.Helper()
	for _, v := range []*workloadEnv{p.copied, p.plain} {
		for i := range ts {
			ts[i].Updated = v.clk.Now()
		}
		if err := v.st.UpsertTasks(p.t.Context(), ts); err != nil {
			p.t.Fatal(err)
		}
	}
	if report {
		p.changed(ts...)
	}
}

func (p *copyPair) changed(ts ...connectors.Task) {
	var keys []string
	for _, t := range ts {
		keys = append(keys, t.Key)
	}
	p.copyE.TasksChanged(keys)
	p.plainE.TasksChanged(keys)
}

func (p *copyPair) advance(d time.Duration) {
	p.copied.clk.Advance(d)
	p.plain.clk.Advance(d)
}

func (p *copyPair) run() {
	p.t.Helper()
	if err := p.copyE.RunAll(p.t.Context()); err != nil {
		p.t.Fatal(err)
	}
	if err := p.plainE.RunAll(p.t.Context()); err != nil {
		p.t.Fatal(err)
	}
	p.same()
}

// state is every deadline finding the store holds, open or resolved, with
// what was planned for it.
func (p *copyPair) state(v *workloadEnv) []string {
	p.t.Helper()
	ctx := p.t.Context()
	open, err := v.st.ListOpenFindings(ctx, store.FindingFilter{})
	if err != nil {
		p.t.Fatal(err)
	}
	var out []string
	keys := map[string]bool{}
	for _, f := range open {
		keys[f.Key] = true
	}
	for _, k := range p.keysByScenario {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		f, err := v.st.GetFinding(ctx, k)
		if err != nil {
			p.t.Fatal(err)
		}
		fields := slices.Sorted(maps.Keys(f.Fields))
		for i, name := range fields {
			fields[i] = name + "=" + f.Fields[name]
		}
		ns, err := v.st.ListNotifications(ctx, store.NotificationFilter{FindingKey: f.Key})
		if err != nil {
			p.t.Fatal(err)
		}
		var notes []string
		for _, n := range ns {
			notes = append(notes, fmt.Sprintf("%s/%v/%s", n.Recipient, n.State, n.DueAt.Format(time.RFC3339)))
		}
		out = append(out, fmt.Sprintf("%s %s %v %q [%s] first=%s last=%s resolved=%s notes=%v", f.Key, f.Subject.ID, f.Severity,
			f.Title, strings.Join(fields, " "), f.FirstSeen.Format(time.RFC3339), f.LastSeen.Format(time.RFC3339),
			f.ResolvedAt.Format(time.RFC3339), notes))
	}
	return out
}

// same fails unless both stores hold the same findings and notifications.
func (p *copyPair) same() {
	p.t.Helper()
	a, b := p.state(p.copied), p.state(p.plain)
	for _, s := range a {
		if k, _, _ := strings.Cut(s, " "); !slices.Contains(p.keysByScenario, k) {
			p.keysByScenario = append(p.keysByScenario, k)
		}
	}
	if !slices.Equal(a, b) {
		p.t.Fatalf("runs from the copies and from the store differ:\ncopies: %s\nstore:  %s",
			strings.Join(a, "\n        "), strings.Join(b, "\n        "))
	}
}

// Full runs from the copies of the tasks and open findings record exactly
// what full runs reading the store record, through reported and
// unreported changes, moved, deleted, closed and removed tasks, a day
// turning and a restart; and between full runs they read only the tasks
// written since.
func TestDeadlineFullRunFromCopiesEqualsRunFromStore(t *testing.T) {
	p := newCopyPair(t)
	if p.copyE.tasks.loads != 1 {
		t.Fatalf("the first run read every task %d times, want once", p.copyE.tasks.loads)
	}
	if len(p.state(p.copied)) == 0 {
		t.Fatal("the scenario opens no findings")
	}
	task := func(key, due string, cat connectors.StatusCategory) connectors.Task {
		proj, _, _ := strings.Cut(key, "-")
		return connectors.Task{Key: key, ID: "id-" + key, ProjectKey: proj, Summary: "Moved " + key, Status: "In Progress",
			StatusCategory: cat, AssigneeAccountID: "712020:kate", DueDate: due}
	}
	doing := connectors.StatusCategoryInProgress

	// Reported changes, an incremental run: a due date moved, a task
	// closed, a new overdue one, a summary changed.
	p.advance(time.Minute)
	p.put(true, task("ACME-2", "2026-11-23", doing), task("BOLT-3", "2026-11-24", connectors.StatusCategoryDone),
		task("ACME-90", "2026-11-18", doing), task("BOLT-5", "2026-11-26", doing))
	p.run()

	// A deletion reported, and a change nobody reported: the next full
	// run (DeadlineFullEvery later) sees it from the task stamps.
	p.advance(time.Minute)
	for _, v := range []*workloadEnv{p.copied, p.plain} {
		if err := v.st.MarkTasksDeleted(t.Context(), []string{"ACME-4"}); err != nil {
			t.Fatal(err)
		}
	}
	p.changed(connectors.Task{Key: "ACME-4"})
	p.put(false, task("BOLT-7", "2026-11-20", doing), task("ACME-8", "", connectors.StatusCategoryDone))
	p.run()
	p.advance(DeadlineFullEvery)
	p.run()
	if p.copyE.tasks.loads != 1 {
		t.Fatalf("full runs read every task %d times, want once (at the start)", p.copyE.tasks.loads)
	}
	if p.copyLog.since == 0 {
		t.Fatal("full runs never asked the store for the tasks written since")
	}

	// A task closed (reported: its finding resolves between full runs),
	// then reopened as it was without a report: the full run reopens the
	// finding.
	p.advance(time.Minute)
	p.put(true, task("BOLT-11", "2026-11-23", doing))
	p.run()
	p.advance(DeadlineFullEvery)
	p.run()
	p.advance(time.Minute)
	p.put(true, task("BOLT-11", "2026-11-23", connectors.StatusCategoryDone))
	p.run()
	p.advance(DeadlineFullEvery)
	p.put(false, task("BOLT-11", "2026-11-23", doing))
	p.run()

	// A row removed outright: the copy is rebuilt.
	for _, v := range []*workloadEnv{p.copied, p.plain} {
		if _, err := v.st.(*sqlite.Store).DB().ExecContext(t.Context(), `DELETE FROM tasks WHERE key = 'BOLT-9'`); err != nil {
			t.Fatal(err)
		}
	}
	p.advance(DeadlineFullEvery)
	p.run()
	if p.copyE.tasks.loads != 2 {
		t.Fatalf("after a row was removed every task was read %d times in all, want twice", p.copyE.tasks.loads)
	}

	// Friday 27 November, 00:05 in Kyiv: tasks due Thursday are overdue,
	// every overdue one a day later.
	p.advance(time.Hour)
	p.copied.clk.Set(time.Date(2026, 11, 26, 22, 5, 0, 0, time.UTC))
	p.plain.clk.Set(time.Date(2026, 11, 26, 22, 5, 0, 0, time.UTC))
	p.run()

	// A restart: the copies are rebuilt from the store, and a change
	// made while the daemon was down is seen.
	p.restart()
	p.advance(time.Minute)
	p.put(false, task("ACME-6", "2026-11-27", doing))
	p.run()
	if p.copyE.tasks.loads != 1 {
		t.Fatalf("the first run after a restart read every task %d times, want once", p.copyE.tasks.loads)
	}
	p.advance(time.Minute)
	p.put(true, task("ACME-6", "2026-11-30", doing))
	p.run()
}

// A full run from the copies with nothing changed writes nothing: no
// finding is upserted or resolved, no notification planned.
func TestDeadlineFullRunFromCopiesWritesNothingWhenNothingChanged(t *testing.T) {
	p := newCopyPair(t)
	deadlines := func() []string {
		return slices.DeleteFunc(p.state(p.copied), func(s string) bool { return !strings.HasPrefix(s, deadline.RuleName+":") })
	}
	before := deadlines()
	p.advance(DeadlineFullEvery)
	lists := p.copyLog.full
	p.run()
	if p.copyLog.full != lists {
		t.Errorf("a full run with nothing changed listed tasks %d times, want none", p.copyLog.full-lists)
	}
	if after := deadlines(); !slices.Equal(before, after) {
		t.Fatalf("a full run with nothing changed changed the store:\nbefore: %q\nafter:  %q", before, after)
	}
	open, err := p.copied.st.ListOpenFindings(t.Context(), store.FindingFilter{Rule: deadline.RuleName})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p.copyE.deadline.open.byKey); got != len(open) {
		t.Fatalf("the copy holds %d open findings, the store %d", got, len(open))
	}
}

// A full run renders a finding only for a task whose verdict or shown
// fields changed since its open finding was recorded: none when nothing
// changed; after unreported changes of a summary, a status and an
// assignee, those tasks alone, with the same result as a run reading the
// store; after a day turns, every dated one.
func TestDeadlineFullRunRendersOnlyChangedVerdicts(t *testing.T) {
	p := newCopyPair(t)
	open := func() int {
		fs, err := p.copied.st.ListOpenFindings(t.Context(), store.FindingFilter{Rule: deadline.RuleName})
		if err != nil {
			t.Fatal(err)
		}
		return len(fs)
	}
	if n := open(); n < 10 {
		t.Fatalf("the scenario opens %d deadline findings, want at least 10", n)
	}
	rendered := func() int { return p.copyE.deadline.open.rendered }
	if got, want := rendered(), open(); got != want {
		t.Fatalf("the first run rendered %d findings, want all %d (the copy starts from the store)", got, want)
	}
	p.advance(DeadlineFullEvery)
	p.run()
	if got := rendered(); got != 0 {
		t.Fatalf("a full run with nothing changed rendered %d findings, want 0", got)
	}

	// ACME-2 (overdue), ACME-6 (due today) and BOLT-3 (overdue) change
	// what their findings show, unreported.
	get := func(key string) connectors.Task {
		tk, err := p.copied.st.GetTask(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	a, b, c := get("ACME-2"), get("ACME-6"), get("BOLT-3")
	a.Summary, b.Status, c.AssigneeAccountID = "Renamed", "Review", "712020:nobody"
	p.advance(DeadlineFullEvery)
	p.put(false, a, b, c)
	p.run()
	if got := rendered(); got != 3 {
		t.Fatalf("after three tasks changed a full run rendered %d findings, want 3", got)
	}
	p.advance(DeadlineFullEvery)
	p.run()
	if got := rendered(); got != 0 {
		t.Fatalf("the run after rendered %d findings, want 0", got)
	}

	// Thursday 26 November, 00:05 in Kyiv: every dated finding's day
	// counts move.
	p.copied.clk.Set(time.Date(2026, 11, 25, 22, 5, 0, 0, time.UTC))
	p.plain.clk.Set(time.Date(2026, 11, 25, 22, 5, 0, 0, time.UTC))
	p.run()
	if got := rendered(); got == 0 {
		t.Fatal("a day turning rendered no finding")
	}
}

// keyOrder sorts finding keys of one rule as the keys themselves sort, so
// that a full run records findings in the order Evaluate returns them.
func TestKeyOrderSortsAsTheKeys(t *testing.T) {
	var keys []string
	for i := range 300 {
		keys = append(keys, rules.Key(deadline.RuleName, fmt.Sprintf("client-%d", i%7),
			rules.Subject{Kind: rules.SubjectTask, ID: fmt.Sprintf("ACME-%d", i)}, "overdue"))
	}
	byKey := slices.Clone(keys)
	slices.Sort(byKey)
	byOrder := slices.Clone(keys)
	slices.SortFunc(byOrder, func(a, b string) int {
		ka, kb := keyOrder(a), keyOrder(b)
		return bytes.Compare(ka[:], kb[:])
	})
	if !slices.Equal(byKey, byOrder) {
		t.Error("keys sorted by keyOrder differ from keys sorted as strings")
	}
	if keyOrder("odd") == keyOrder("other") {
		t.Error("two keys of another shape share their order bytes")
	}
}

// ReleaseCopies, called as a reload begins, empties both copies; the next
// run reads every task and open finding again, is a full one even though
// the config did not change (a rejected reload), sees the changes made in
// between, reported or not, and records what a run reading the store
// records.
func TestReleaseCopiesMakesTheNextRunReadEverythingAgain(t *testing.T) {
	p := newCopyPair(t)
	doing := connectors.StatusCategoryInProgress
	p.advance(time.Minute)
	p.put(true, connectors.Task{Key: "ACME-2", ID: "id-ACME-2", ProjectKey: "ACME", Summary: "Moved", Status: "In Progress",
		StatusCategory: doing, AssigneeAccountID: "712020:kate", DueDate: "2026-11-20"})
	p.run()
	full := p.copyE.tasks.loads

	p.copyE.ReleaseCopies()
	if p.copyE.tasks.recs != nil || p.copyE.tasks.index != nil || p.copyE.deadline.open != nil {
		t.Fatal("ReleaseCopies kept a copy")
	}
	p.advance(time.Minute)
	p.put(false, connectors.Task{Key: "BOLT-3", ID: "id-BOLT-3", ProjectKey: "BOLT", Summary: "Unreported", Status: "In Progress",
		StatusCategory: doing, AssigneeAccountID: "712020:kate", DueDate: "2026-11-19"})
	p.plainE.ReleaseCopies() // plainE keeps no copies; its next run is a full one too
	lists := p.copyLog.full
	p.run()
	// Every finding is rendered again (the verdicts are unknown after the
	// copies are read): one list for the task copy, and one per client
	// for the summaries, not one read per task.
	if got := p.copyLog.full - lists; got != 3 {
		t.Errorf("the run after ReleaseCopies listed tasks %d times, want 3 (the copy, then each client's summaries)", got)
	}
	if p.copyE.tasks.loads != full+1 {
		t.Fatalf("the run after ReleaseCopies read every task %d times, want once", p.copyE.tasks.loads-full)
	}
	if p.copyE.deadline.open == nil || p.copyE.deadline.cfg == nil {
		t.Fatal("the run after ReleaseCopies did not rebuild the findings copy")
	}
	// Back to incremental runs: a reported change reads no task list.
	p.advance(time.Minute)
	p.put(true, connectors.Task{Key: "BOLT-3", ID: "id-BOLT-3", ProjectKey: "BOLT", Summary: "Unreported", Status: "In Progress",
		StatusCategory: connectors.StatusCategoryDone, AssigneeAccountID: "712020:kate", DueDate: "2026-11-19"})
	p.run()
	if p.copyE.tasks.loads != full+1 {
		t.Fatalf("an incremental run after the rebuild read every task again")
	}
}

// An open deadline finding stored under a key of another shape than
// rules.Key's (none is made so; the copy keeps keys in 16 bytes) is
// resolved under its stored key when no task produces it, as a run
// reading the store resolves it.
func TestDeadlineCopyResolvesAKeyOfAnotherShape(t *testing.T) {
	p := newCopyPair(t)
	const odd = deadline.RuleName + ":Legacy-ACME-3"
	for _, v := range []*workloadEnv{p.copied, p.plain} {
		f := rules.Finding{Key: odd, Rule: deadline.RuleName, ClientID: "acme", Severity: rules.SeverityWarning,
			Subject: rules.Subject{Kind: "task", ID: "ACME-3"}, Title: "ACME-3 from an older build", LastSeen: v.clk.Now()}
		if _, err := v.st.UpsertFinding(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	p.restart()
	p.advance(time.Minute)
	p.run()
	f, err := p.copied.st.GetFinding(t.Context(), odd)
	if err != nil {
		t.Fatal(err)
	}
	if f.ResolvedAt.IsZero() {
		t.Fatal("the finding under a key of another shape stayed open")
	}
}

func TestIsHexKey(t *testing.T) {
	k := rules.Key(deadline.RuleName, "acme", rules.Subject{Kind: "task", ID: "ACME-1"}, "overdue")
	for _, c := range []struct {
		key  string
		want bool
	}{
		{k, true},
		{strings.ToUpper(k[:len(k)-1]) + k[len(k)-1:], false},
		{deadline.RuleName + ":" + strings.Repeat("0", 31), false},
		{"workload:" + strings.Repeat("0", 32), false},
		{deadline.RuleName + ":" + strings.Repeat("g", 32), false},
	} {
		if got := isHexKey(c.key, deadline.RuleName); got != c.want {
			t.Errorf("isHexKey(%q) = %v, want %v", c.key, got, c.want)
		}
	}
	fc := newFindingCopy(nil)
	if got := fc.stored(fc.key(k)); got != k {
		t.Errorf("stored(key(%q)) = %q", k, got)
	}
	if got := fc.stored(fc.key("deadline:odd")); got != "deadline:odd" {
		t.Errorf("stored(key(odd)) = %q", got)
	}
}

// The copy's map of findings by task keeps one key per task in place and
// moves a task with several to the side, back again as they resolve.
func TestFindingCopyTaskKeys(t *testing.T) {
	fc := newFindingCopy(nil)
	a, b, c := findingKey{1}, findingKey{2}, findingKey{3}
	keys := func(task string) []findingKey {
		var buf [1]findingKey
		return slices.Clone(fc.taskKeys(task, &buf))
	}
	check := func(step, task string, want ...findingKey) {
		t.Helper()
		if got := keys(task); !slices.Equal(got, want) {
			t.Errorf("%s: keys of %s = %v, want %v", step, task, got, want)
		}
	}
	fc.addTaskKey("T-1", a)
	fc.addTaskKey("T-1", a)
	check("one key, added twice", "T-1", a)
	fc.addTaskKey("T-1", b)
	fc.addTaskKey("T-1", c)
	check("three keys", "T-1", a, b, c)
	fc.removeTaskKey("T-1", b)
	check("one of three resolved", "T-1", a, c)
	fc.removeTaskKey("T-1", a)
	check("two of three resolved", "T-1", c)
	if len(fc.more) != 0 || fc.byTask["T-1"] != c {
		t.Errorf("a task back to one key is not in place: byTask %v, more %v", fc.byTask, fc.more)
	}
	fc.removeTaskKey("T-1", b)
	check("a key it does not have", "T-1", c)
	fc.removeTaskKey("T-1", c)
	check("all resolved", "T-1")
	check("never seen", "T-2")
}
