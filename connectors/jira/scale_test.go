package jira_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestIdleCycleAt2000ClientsIsOneSearchAndOneWorklogRequest counts every
// request the fake sees in an idle cycle at the reference number of
// clients: the changed-issues query names no project, so it is one page
// whatever the number of clients, and the worklog feed one more.
func TestIdleCycleAt2000ClientsIsOneSearchAndOneWorklogRequest(t *testing.T) {
	e := newEnv(t, envOptions{})
	const clients = 2000
	var scopes []jira.Scope
	var keys []string
	for i := range clients {
		keys = append(keys, fmt.Sprintf("P%04d", i))
		scopes = append(scopes, jira.Scope{ClientID: fmt.Sprintf("client-%04d", i), Projects: []string{keys[i]}})
	}
	e.addProjects(t, keys...)
	e.addProjects(t, "INTERNAL") // the agency's own project: visible, no client's
	for i := 0; i < clients; i += 40 {
		e.putIssue(t, jirafake.Issue{Project: keys[i], Summary: "task of " + keys[i]})
	}
	e.clock.Advance(time.Hour)
	ctx := context.Background()
	cycle := func() (jira.Stats, int, map[string]int) {
		t.Helper()
		e.fake.ResetRequestCounts()
		s := e.syncer(t, jira.SyncerOptions{Scopes: scopes}) // the daemon builds one per run
		st, err := s.SyncIssues(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SyncWorklogs(ctx); err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, n := range e.fake.RequestCounts() {
			total += n
		}
		return st, total, e.fake.RequestCounts()
	}
	if st, _, _ := cycle(); st.Changed != 50 {
		t.Fatalf("first sync stored %d tasks, want 50", st.Changed)
	}
	e.clock.Advance(2 * time.Minute)
	cycle() // the first incremental pass also reads the API user's time zone, once per process

	e.clock.Advance(2 * time.Minute)
	st, total, counts := cycle()
	search := counts[routeSearchGet] + counts[routeSearchPost]
	if search != 1 || counts[routeWLUpdated] != 1 || total != 2 || st.Queries != 1 {
		t.Fatalf("idle cycle at %d clients: %d requests %v, stats %+v; want exactly 1 search + 1 worklog request",
			clients, total, counts, st)
	}

	// Activity in a project no client owns costs no extra request and is not stored.
	e.putIssue(t, jirafake.Issue{Project: "INTERNAL", Summary: "team offsite"})
	e.clock.Advance(2 * time.Minute)
	st, total, _ = cycle()
	if total != 2 || st.Outside != 1 || st.Changed != 0 {
		t.Fatalf("cycle after an internal change: %d requests, stats %+v; want 2 requests, 1 issue outside, nothing stored", total, st)
	}
	if n := len(e.tasks(t, store.TaskFilter{ProjectKeys: []string{"INTERNAL"}, IncludeDeleted: true})); n != 0 {
		t.Fatalf("stored %d tasks of a project no client owns", n)
	}
}

// TestMovedIssueRetiredWithinOneCycle moves one task to a project no client
// owns and another between two clients' projects: the next incremental pass
// retires both old keys (the deadline rule stops judging them) and stores
// the second under its new key, without any reconciliation pass.
func TestMovedIssueRetiredWithinOneCycle(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME", "STEP", "ARCHIVE")
	away := e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "audit", DueDate: "2026-11-30"})
	across := e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "media plan"})
	stays := e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "report"})
	scopes := []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}, {ClientID: "steppe-foods", Projects: []string{"STEP"}}}
	e.clock.Advance(time.Hour)
	ctx := context.Background()
	s := e.syncer(t, jira.SyncerOptions{Scopes: scopes})
	for range 2 {
		if _, err := s.SyncIssues(ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(2 * time.Minute)
	}

	if _, err := e.fake.MoveIssue(away.Key, "ARCHIVE"); err != nil {
		t.Fatal(err)
	}
	moved, err := e.fake.MoveIssue(across.Key, "STEP")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute) // past the consistency lag
	st, err := s.SyncIssues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Moved != 2 || st.Outside != 1 || st.Queries != 1 {
		t.Fatalf("stats %+v, want 2 retired in one query, 1 issue outside the clients' projects", st)
	}
	var live []string
	for _, tk := range e.tasks(t, store.TaskFilter{}) {
		live = append(live, tk.Key)
	}
	if want := []string{stays.Key, moved.Key}; fmt.Sprint(live) != fmt.Sprint(want) {
		t.Fatalf("live tasks %v, want %v", live, want)
	}
	for _, k := range []string{away.Key, across.Key} {
		if tk := e.task(t, k); !tk.Deleted {
			t.Errorf("%s still live after its issue moved", k)
		}
	}
	if n := e.metric(t, "liaison_jira_tasks_marked_deleted_total", nil); n != 2 {
		t.Errorf("tasks deleted metric %v, want 2", n)
	}

	// A later pass brings nothing back.
	e.clock.Advance(2 * time.Minute)
	if st, err = s.SyncIssues(ctx); err != nil || st.Moved != 0 || st.Changed != 0 {
		t.Fatalf("next pass: stats %+v, err %v; want nothing to do", st, err)
	}
	if tk := e.task(t, away.Key); !tk.Deleted {
		t.Errorf("%s came back", away.Key)
	}
}
