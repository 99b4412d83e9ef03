package engine

import (
	"fmt"
	"hash/maphash"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// The task copy's record gives back every field the deadline and workload
// rules judge by, estimates set or not, keeps the summary's hash in the
// summary's place, and stays at 72 bytes besides the key.
func TestTaskCopyRecordKeepsWhatTheRulesRead(t *testing.T) {
	if n := unsafe.Sizeof(taskRec{}); n > 72 {
		t.Errorf("a task record takes %d bytes, want at most 72", n)
	}
	c := newTaskCopy()
	c.names, c.ids = []string{""}, map[string]uint32{"": 0}
	full := connectors.Task{Key: "ACME-1", ID: "10001", ProjectKey: "ACME", Summary: "Landing page", Status: "In Review",
		StatusCategory: connectors.StatusCategoryInProgress, AssigneeAccountID: "712020:kate", DueDate: "2026-11-27",
		OriginalEstimate: connectors.Secs(7200), RemainingEstimate: connectors.Secs(0), TimeSpent: connectors.Secs(3600),
		Labels: []string{"seo"}, IssueType: "Task", ParentKey: "ACME-0", Created: time.Unix(1, 0), Updated: time.Unix(2, 0)}
	bare := connectors.Task{Key: "BOLT-2", ProjectKey: "BOLT", StatusCategory: connectors.StatusCategoryNew}
	for _, in := range []connectors.Task{full, bare} {
		r := c.record(&in)
		var got connectors.Task
		c.task(&r, &got)
		want := in
		want.ID, want.Labels, want.IssueType, want.ParentKey, want.Created, want.Updated = "", nil, "", "", time.Time{}, time.Time{}
		want.Summary = ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record of %s gives back\n%+v\nwant\n%+v", in.Key, got, want)
		}
		if r.sum != maphash.String(c.seed, in.Summary) {
			t.Errorf("record of %s keeps %x for its summary, want its hash", in.Key, r.sum)
		}
	}
	if a, b := c.record(&full), c.record(&connectors.Task{Key: "ACME-1", ProjectKey: "ACME", Summary: "Landing page v2"}); a.sum == b.sum {
		t.Error("two summaries have one hash")
	}
	if len(c.names) != 8 {
		t.Errorf("the copy holds %d distinct strings %q, want 8 (each once)", len(c.names), c.names)
	}
}

// A rebuild reads the configured projects a few at a time and keeps
// exactly their open tasks, however many projects there are.
func TestTaskCopyRebuildReadsEveryProjectInParts(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	st, err := sqlite.Open(t.Context(), t.TempDir(), sqlite.Options{Clock: clock.NewFake(now)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const projects = 2*rebuildProjects + 7
	cfg := &configs.Config{}
	var ts []connectors.Task
	want := map[string]bool{}
	for p := range projects + 1 { // the last project is not configured
		proj := fmt.Sprintf("P%03d", p)
		if p < projects {
			cfg.Clients = append(cfg.Clients, configs.Client{Client: connectors.Client{ID: fmt.Sprintf("c%03d", p), JiraProjects: []string{proj}}})
		}
		for i, cat := range []connectors.StatusCategory{connectors.StatusCategoryNew, connectors.StatusCategoryInProgress, connectors.StatusCategoryDone} {
			task := connectors.Task{Key: fmt.Sprintf("%s-%d", proj, i+1), ID: fmt.Sprintf("%d", p*10+i), ProjectKey: proj,
				Summary: "Work", StatusCategory: cat, Updated: now}
			ts = append(ts, task)
			if p < projects && cat != connectors.StatusCategoryDone {
				want[task.Key] = true
			}
		}
	}
	if err := st.UpsertTasks(t.Context(), ts); err != nil {
		t.Fatal(err)
	}
	counted := &countingLog{Store: st}
	c := newTaskCopy()
	if _, err := c.syncTasks(t.Context(), counted, counted, cfg); err != nil {
		t.Fatal(err)
	}
	if counted.full != 3 {
		t.Errorf("the rebuild listed tasks %d times, want 3 (%d projects, %d at a time)", counted.full, projects, rebuildProjects)
	}
	got := map[string]bool{}
	for i, r := range c.recs {
		got[r.key] = true
		if c.index[r.key] != int32(i) {
			t.Errorf("index of %s is %d, want %d", r.key, c.index[r.key], i)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the copy holds %d tasks, want the %d open tasks of the configured projects", len(got), len(want))
	}
	if len(c.index) != len(c.recs) || cap(c.recs) > len(c.recs)+len(c.recs)/4 {
		t.Errorf("index %d entries, records %d (room for %d)", len(c.index), len(c.recs), cap(c.recs))
	}
}
