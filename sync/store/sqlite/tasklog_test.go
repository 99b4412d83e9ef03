package sqlite_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// Every task write is stamped, so a copy catches up by asking for what
// was written after its stamp: stores, changes and deletion marks show,
// a stale record the store ignores does not, and removing a row moves the
// removal stamp.
func TestTaskLogStampsEveryWrite(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{Clock: clock.NewFake(now)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var log store.TaskLog = st
	task := func(key string, updated time.Time) connectors.Task {
		return connectors.Task{Key: key, ID: key, ProjectKey: "ACME", Summary: "s", Status: "To Do",
			StatusCategory: connectors.StatusCategoryNew, Updated: updated}
	}
	keys := func(seq int64) []string {
		t.Helper()
		var out []string
		err := log.EachTaskWrittenAfter(ctx, seq, func(t *connectors.Task) error {
			out = append(out, t.Key)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	s0, err := log.TaskSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertTasks(ctx, []connectors.Task{task("ACME-1", now), task("ACME-2", now)}); err != nil {
		t.Fatal(err)
	}
	s1, _ := log.TaskSeq(ctx)
	if got := keys(s0.Written); len(got) != 2 || s1.Written != s0.Written+2 {
		t.Fatalf("after storing two tasks: written after %d = %q, stamp %d", s0.Written, got, s1.Written)
	}
	if err := st.UpsertTasks(ctx, []connectors.Task{task("ACME-2", now.Add(-time.Hour))}); err != nil {
		t.Fatal(err)
	}
	if got := keys(s1.Written); len(got) != 0 {
		t.Fatalf("a stale record the store ignored shows as written: %q", got)
	}
	if err := st.MarkTasksDeleted(ctx, []string{"ACME-2"}); err != nil {
		t.Fatal(err)
	}
	if got := keys(s1.Written); len(got) != 1 || got[0] != "ACME-2" {
		t.Fatalf("after marking ACME-2 deleted: written %q", got)
	}
	// The upsert stamps rows itself and the triggers stamp every other
	// writer; both draw on one counter, so neither hides the other's write.
	s2, _ := log.TaskSeq(ctx)
	if err := st.UpsertTasks(ctx, []connectors.Task{task("ACME-1", now.Add(time.Hour))}); err != nil {
		t.Fatal(err)
	}
	if got := keys(s2.Written); len(got) != 1 || got[0] != "ACME-1" {
		t.Fatalf("after the upsert following a trigger's stamp: written %q", got)
	}
	s3, _ := log.TaskSeq(ctx)
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO tasks (key, id, project_key, summary, status, status_category,
		assignee_account_id, labels, issue_type, parent_key) VALUES ('ACME-3', '3', 'ACME', 's', 'To Do', 'new', '', '[]', 'Task', '')`); err != nil {
		t.Fatal(err)
	}
	if got := keys(s3.Written); len(got) != 1 || got[0] != "ACME-3" {
		t.Fatalf("a row inserted by another writer: written %q", got)
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM tasks WHERE key = 'ACME-1'`); err != nil {
		t.Fatal(err)
	}
	if s4, _ := log.TaskSeq(ctx); s4.Removed == s1.Removed {
		t.Fatalf("removing a row left the removal stamp at %d", s4.Removed)
	}
}

// The walk hands tasks over in stamp order and stops at the first error
// its callback returns, returning that error.
func TestEachTaskWrittenAfterStopsAtTheCallbacksError(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{Clock: clock.NewFake(now)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, k := range []string{"ACME-3", "ACME-1", "ACME-2"} {
		task := connectors.Task{Key: k, ID: k, ProjectKey: "ACME", StatusCategory: connectors.StatusCategoryNew, Updated: now}
		if err := st.UpsertTasks(ctx, []connectors.Task{task}); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	err = st.EachTaskWrittenAfter(ctx, 0, func(t *connectors.Task) error {
		seen = append(seen, t.Key)
		return nil
	})
	if err != nil || !slices.Equal(seen, []string{"ACME-3", "ACME-1", "ACME-2"}) {
		t.Fatalf("walked %q (%v), want the tasks in the order they were written", seen, err)
	}
	stop := errors.New("stop")
	seen = nil
	err = st.EachTaskWrittenAfter(ctx, 0, func(t *connectors.Task) error {
		seen = append(seen, t.Key)
		return stop
	})
	if !errors.Is(err, stop) || len(seen) != 1 {
		t.Fatalf("walk returned %v after %q, want the callback's error after one task", err, seen)
	}
}
