package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/workload"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// newWorkloadPair is a copyPair (deadline_copy_test.go) over the workload
// agency on Monday 7 December 2026, 09:00 in Kyiv, with no task yet.
func newWorkloadPair(t *testing.T) *copyPair {
	t.Helper()
	p := &copyPair{t: t, copied: newWorkloadEnv(t, workloadMonday), plain: newWorkloadEnv(t, workloadMonday)}
	p.plainSt = &plainStore{p.plain.st}
	p.restart()
	return p
}

// kateTask is a task of Kate's due on day with hours of work remaining.
func kateTask(key, day string, hours float64, cat connectors.StatusCategory) connectors.Task {
	proj, _, _ := strings.Cut(key, "-")
	return connectors.Task{Key: key, ID: "id-" + key, ProjectKey: proj, Summary: "Work " + key, Status: "In Progress",
		StatusCategory: cat, AssigneeAccountID: "712020:kate", DueDate: day,
		RemainingEstimate: connectors.Secs(int64(hours * 3600))}
}

// openWorkload lists the workload findings open in v's store, with their
// figures and when they were last written.
func openWorkload(t *testing.T, v *workloadEnv) []string {
	t.Helper()
	fs, err := v.st.ListOpenFindings(t.Context(), store.FindingFilter{Rule: workload.RuleName})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s/%s %s %s/%s h last=%s", f.Fields[workload.FieldAM], f.Fields[workload.FieldReasons], f.Title,
			f.Fields[workload.FieldRemainingHours], f.Fields[workload.FieldAvailableHours], f.LastSeen.Format(time.RFC3339)))
	}
	slices.Sort(out)
	return out
}

// reload gives both sides a new config, as a SIGHUP does.
func (p *copyPair) reload(edit func(yaml string) string) {
	p.t.Helper()
	for _, v := range []*workloadEnv{p.copied, p.plain} {
		cfg, err := configs.Parse("agency.yaml", []byte(edit(workloadYAML)), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
		if err != nil {
			p.t.Fatal(err)
		}
		v.cfg = cfg
	}
}

// Workload runs recording against the copy of the open workload findings
// record exactly what runs reading the store record, through new tasks,
// re-estimates, closes, hours running down, a config reload, a day turning,
// a restart and the rule turned off; and an hour passing with nothing else
// changed writes nothing.
func TestWorkloadFullRunFromCopyEqualsRunFromStore(t *testing.T) {
	p := newWorkloadPair(t)
	doing, done := connectors.StatusCategoryInProgress, connectors.StatusCategoryDone
	// 40 h due Monday to Friday, 32 h available (Wednesday off): over 90%.
	p.put(false, kateTask("ACME-1", "2026-12-07", 8, doing), kateTask("ACME-2", "2026-12-08", 8, doing),
		kateTask("ACME-3", "2026-12-09", 8, doing), kateTask("BOLT-1", "2026-12-10", 8, doing),
		kateTask("BOLT-2", "2026-12-11", 8, doing))
	p.run()
	opened := openWorkload(t, p.copied)
	if len(opened) != 2 {
		t.Fatalf("open workload findings: %q, want Kate's for the head and for Anna", opened)
	}
	if p.copyE.workload.open == nil || len(p.copyE.workload.open.byKey) != 2 {
		t.Fatal("the engine over the stamping store keeps no copy of the 2 open workload findings")
	}
	if p.plainE.workload.open != nil {
		t.Fatal("the engine reading the store keeps a copy")
	}

	// An hour later: fewer hours available, nothing else. Nothing is
	// written; the findings keep the figures of their last change.
	p.advance(time.Hour)
	p.run()
	if now := openWorkload(t, p.copied); !slices.Equal(now, opened) {
		t.Fatalf("an hour passing rewrote the findings:\nbefore: %q\nafter:  %q", opened, now)
	}

	// A new task nobody reported, then a re-estimate reported.
	p.advance(5 * time.Minute)
	p.put(false, kateTask("BOLT-3", "2026-12-08", 3, doing))
	p.run()
	changed := openWorkload(t, p.copied)
	if slices.Equal(changed, opened) {
		t.Fatal("a new task of 3 h left the findings as they were")
	}
	p.advance(5 * time.Minute)
	p.put(true, kateTask("ACME-2", "2026-12-08", 6.5, doing))
	p.run()

	// A task closed: still over.
	p.advance(time.Minute)
	p.put(true, kateTask("BOLT-3", "2026-12-08", 3, done))
	p.run()

	// A reload renames Kate: every finding's title changes.
	p.advance(time.Minute)
	p.reload(func(y string) string { return strings.Replace(y, "name: Kate Bondar", "name: Kateryna Bondar", 1) })
	p.run()
	if got := openWorkload(t, p.copied); !strings.Contains(strings.Join(got, "\n"), "Kateryna Bondar is overloaded") {
		t.Fatalf("after the reload: %q", got)
	}

	// The working day ends (the horizon moves to next Monday), the night
	// passes, Tuesday's working day begins.
	for _, at := range []time.Time{time.Date(2026, 12, 7, 16, 30, 0, 0, time.UTC), time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 8, 7, 5, 0, 0, time.UTC), time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)} {
		p.copied.clk.Set(at)
		p.plain.clk.Set(at)
		p.run()
	}

	// A restart: the copy is read from the store again, and a change made
	// while the daemon was down is seen.
	p.restart()
	p.advance(time.Minute)
	p.put(false, kateTask("BOLT-4", "2026-12-10", 4, doing))
	p.run()
	if p.copyE.workload.open == nil {
		t.Fatal("no copy after the restart")
	}

	// Two tasks done: Kate is back under every limit, her findings resolve.
	p.advance(time.Minute)
	p.put(true, kateTask("BOLT-1", "2026-12-10", 8, done), kateTask("BOLT-2", "2026-12-11", 8, done),
		kateTask("BOLT-4", "2026-12-10", 4, done))
	p.run()
	if got := openWorkload(t, p.copied); len(got) != 0 {
		t.Fatalf("Kate back under her limits, still open: %q", got)
	}

	// Over again, then the rule turned off: everything resolves.
	p.advance(time.Minute)
	p.put(true, kateTask("BOLT-5", "2026-12-09", 20, doing))
	p.run()
	if got := openWorkload(t, p.copied); len(got) == 0 {
		t.Fatal("20 h more opened nothing")
	}
	p.advance(time.Minute)
	p.reload(func(y string) string { return y + "rules:\n  workload: {enabled: false}\n" })
	p.run()
	if got := openWorkload(t, p.copied); len(got) != 0 {
		t.Fatalf("the rule turned off, still open: %q", got)
	}
	if n := len(p.copyE.workload.open.byKey); n != 0 {
		t.Fatalf("the copy holds %d findings, the store none", n)
	}
}

// flakyRec fails keyed reconciles while fail is set, as a store that is
// briefly unreachable does.
type flakyRec struct {
	*deliver.Deliverer
	fail bool
}

func (f *flakyRec) ReconcileKeys(ctx context.Context, rule string, fs []rules.Finding, resolve []string, now time.Time) (deliver.ReconcileResult, error) {
	if f.fail {
		return deliver.ReconcileResult{}, errors.New("store unreachable")
	}
	return f.Deliverer.ReconcileKeys(ctx, rule, fs, resolve, now)
}

// A failed run drops the copy of the open workload findings: the next run
// reads them from the store again and records what the failed run did not.
func TestWorkloadCopyReadAgainAfterAFailedRun(t *testing.T) {
	p := newWorkloadPair(t)
	doing := connectors.StatusCategoryInProgress
	p.put(false, kateTask("ACME-1", "2026-12-07", 8, doing), kateTask("ACME-2", "2026-12-08", 8, doing),
		kateTask("ACME-3", "2026-12-09", 8, doing), kateTask("BOLT-1", "2026-12-10", 8, doing),
		kateTask("BOLT-2", "2026-12-11", 8, doing))
	p.run()
	flaky := &flakyRec{Deliverer: p.copyE.rec.(*deliver.Deliverer), fail: true}
	p.copyE.rec = flaky
	p.advance(time.Minute)
	p.put(false, kateTask("BOLT-3", "2026-12-08", 3, doing))
	if err := p.copyE.RunWorkload(t.Context()); err == nil {
		t.Fatal("a run whose writes failed reported no error")
	}
	if p.copyE.workload.open != nil {
		t.Fatal("a failed run kept its copy of the open workload findings")
	}
	flaky.fail = false
	p.run()
	if p.copyE.workload.open == nil || len(p.copyE.workload.open.byKey) != 2 {
		t.Fatal("the run after the failure did not read the open workload findings again")
	}
}
