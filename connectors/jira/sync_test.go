package jira_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/store"
)

// generatedScopes splits the generated projects C01..C20 over ten clients.
func generatedScopes() []jira.Scope {
	var out []jira.Scope
	for i := 0; i < 10; i++ {
		out = append(out, jira.Scope{ClientID: fmt.Sprintf("client-%02d", i+1),
			Projects: []string{fmt.Sprintf("C%02d", 2*i+1), fmt.Sprintf("C%02d", 2*i+2)}})
	}
	return out
}

func TestSyncIssuesFirstIdleAndIncremental(t *testing.T) {
	kathmandu, err := time.LoadLocation("Asia/Kathmandu") // +05:45: minute flooring must happen in the user's zone
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	e := newEnv(t, envOptions{fake: jirafake.Options{TimeZone: kathmandu}})
	keys, err := e.fake.Generate(jirafake.GenerateOptions{Seed: 7, Projects: 20, Issues: 5000})
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]string{}
	for i := 1; i <= 8; i++ { // gen00009 and gen00010 stay unknown
		people[fmt.Sprintf("gen%05d", i)] = fmt.Sprintf("person-%d", i)
	}
	s := e.syncer(t, jira.SyncerOptions{Scopes: generatedScopes(), People: people})
	ctx := context.Background()
	e.clock.Advance(time.Hour) // nothing changed within the consistency lag of the first pass

	st, err := s.SyncIssues(ctx)
	if err != nil {
		t.Fatalf("first sync: %v", err)
	}
	// 20 projects: two queries of 10 at once, each ending on a part page.
	if st.Fetched != 5000 || st.Changed != 5000 || st.Requests > 50+st.Queries || st.Queries != 2 {
		t.Fatalf("first sync stats = %+v, want 5000 fetched and changed in about 50 pages of two queries", st)
	}
	if n := len(e.tasks(t, store.TaskFilter{})); n != 5000 {
		t.Fatalf("store holds %d tasks, want 5000", n)
	}
	for _, k := range []string{keys[0], keys[1234], keys[4999]} {
		checkMapped(t, e, k)
	}
	if _, err := s.SyncWorklogs(ctx); err != nil {
		t.Fatalf("first worklog sync: %v", err)
	}
	unknown := strings.Count(e.logs.String(), "not a configured person")
	if unknown != 2 || e.metric(t, "liaison_jira_unknown_assignees_total", nil) != 2 {
		t.Fatalf("unknown assignees reported %d times (metric %v), want once each for gen00009 and gen00010",
			unknown, e.metric(t, "liaison_jira_unknown_assignees_total", nil))
	}

	// Idle cycle.
	e.clock.Advance(5 * time.Minute)
	e.fake.ResetRequestCounts()
	st, err = s.SyncIssues(ctx)
	if err != nil {
		t.Fatalf("idle sync: %v", err)
	}
	if _, err := s.SyncWorklogs(ctx); err != nil {
		t.Fatalf("idle worklog sync: %v", err)
	}
	if n := e.fake.RequestCount(routeSearchGet) + e.fake.RequestCount(routeSearchPost); n != 1 || st.Fetched != 0 || st.Changed != 0 {
		t.Fatalf("idle cycle: %d search requests, stats %+v; want exactly one request and nothing new", n, st)
	}
	if n := e.fake.RequestCount(routeWLUpdated); n > 1 {
		t.Fatalf("idle cycle made %d worklog-updated requests, want at most one", n)
	}

	// 37 issues change.
	e.clock.Advance(5 * time.Minute)
	var changed []string
	for i := 0; i < 37; i++ {
		k := keys[i*135]
		changed = append(changed, k)
		if _, err := e.fake.UpdateIssue(k, func(is *jirafake.Issue) {
			is.Summary = "changed " + k
			is.Status = "Done"
		}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(2 * time.Minute)
	e.fake.ResetRequestCounts()
	st, err = s.SyncIssues(ctx)
	if err != nil {
		t.Fatalf("incremental sync: %v", err)
	}
	if n := e.fake.RequestCount(routeSearchGet); n != 1 || st.Fetched != 37 || st.Changed != 37 {
		t.Fatalf("after 37 changes: %d search requests, stats %+v; want one page with exactly the 37", n, st)
	}
	for _, k := range changed {
		tk := e.task(t, k)
		if tk.Summary != "changed "+k || tk.StatusCategory != connectors.StatusCategoryDone {
			t.Fatalf("task %s not updated in store: %+v", k, tk)
		}
	}
	if got := strings.Count(e.logs.String(), "not a configured person"); got != 2 {
		t.Fatalf("unknown assignees reported %d times after three cycles, want still 2", got)
	}
}

// checkMapped compares a stored task with the fake's issue field by field.
func checkMapped(t *testing.T, e *env, key string) {
	t.Helper()
	is, ok := e.fake.Issue(key)
	if !ok {
		t.Fatalf("fake has no %s", key)
	}
	tk := e.task(t, key)
	wantCat := map[string]connectors.StatusCategory{"To Do": "new", "In Progress": "indeterminate", "In Review": "indeterminate", "Done": "done"}[is.Status]
	labels := is.Labels
	if len(labels) == 0 {
		labels = nil
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"id", tk.ID, is.ID},
		{"project", tk.ProjectKey, is.Project},
		{"summary", tk.Summary, is.Summary},
		{"status", tk.Status, is.Status},
		{"category", tk.StatusCategory, wantCat},
		{"assignee", tk.AssigneeAccountID, is.Assignee},
		{"due", tk.DueDate, is.DueDate},
		{"original", fmt.Sprint(deref(tk.OriginalEstimate)), fmt.Sprint(deref(is.OriginalEstimate))},
		{"remaining", fmt.Sprint(deref(tk.RemainingEstimate)), fmt.Sprint(deref(is.RemainingEstimate))},
		{"spent", fmt.Sprint(deref(tk.TimeSpent)), fmt.Sprint(deref(is.TimeSpent))},
		{"labels", fmt.Sprint(tk.Labels), fmt.Sprint(labels)},
		{"type", tk.IssueType, is.IssueType},
		{"created", tk.Created.UnixMilli(), is.Created.UnixMilli()},
		{"updated", tk.Updated.UnixMilli(), is.Updated.UnixMilli()},
		{"resolved", tk.Resolved.UnixMilli(), is.ResolutionDate.UnixMilli()},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s %s: stored %v, Jira has %v", key, c.name, c.got, c.want)
		}
	}
}

func deref(p *int64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func TestSyncIssuesMapsParentAndNulls(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME")
	est := int64(7200)
	parent := e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "Epic", IssueType: "Epic"})
	e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "Child", Parent: parent.Key, OriginalEstimate: &est,
		Labels: []string{"seo", "urgent"}, DueDate: "2026-12-01", Status: "In Progress"})
	e.clock.Advance(time.Hour)
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}}})
	if _, err := s.SyncIssues(context.Background()); err != nil {
		t.Fatal(err)
	}
	child := e.task(t, "ACME-2")
	if child.ParentKey != parent.Key || *child.OriginalEstimate != 7200 || child.RemainingEstimate != nil ||
		child.TimeSpent != nil || !slices.Equal(child.Labels, []string{"seo", "urgent"}) || child.DueDate != "2026-12-01" ||
		child.StatusCategory != connectors.StatusCategoryInProgress || !child.Resolved.IsZero() {
		t.Fatalf("child mapped wrong: %+v", child)
	}
	if ep := e.task(t, parent.Key); ep.IssueType != "Epic" || ep.ParentKey != "" || ep.OriginalEstimate != nil {
		t.Fatalf("epic mapped wrong: %+v", ep)
	}
}

func TestCursorNotAdvancedWhenStoringFails(t *testing.T) {
	e := newEnv(t, envOptions{})
	if _, err := e.fake.Generate(jirafake.GenerateOptions{Seed: 3, Projects: 2, Issues: 250}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	ctx := context.Background()
	scopes := []jira.Scope{{ClientID: "acme-ua", Projects: []string{"C01", "C02"}}}

	// Failing on the first page leaves no cursor at all.
	fs := &failingStore{Store: e.store, failAt: 1}
	s, err := jira.NewSyncer(e.client, fs, jira.SyncerOptions{Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.SyncIssues(ctx)
	if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "acme-ua") {
		t.Fatalf("err = %v, want the injected failure naming the client", err)
	}
	if _, err := e.store.GetCursor(ctx, jira.SourceIssues); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cursor after a failed first page: %v, want none", err)
	}

	// Failing on the second page keeps the first page and a cursor covering only it.
	fs = &failingStore{Store: e.store, failAt: 2}
	s, _ = jira.NewSyncer(e.client, fs, jira.SyncerOptions{Scopes: scopes})
	st, err := s.SyncIssues(ctx)
	if !errors.Is(err, errInjected) || st.Changed != 100 {
		t.Fatalf("stats %+v err %v, want the first page stored then the injected failure", st, err)
	}
	if n := len(e.tasks(t, store.TaskFilter{})); n != 100 {
		t.Fatalf("store holds %d tasks, want the first page's 100", n)
	}

	// The next run resumes from the first page's newest change, not from scratch.
	s = e.syncer(t, jira.SyncerOptions{Scopes: scopes})
	st, err = s.SyncIssues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Fetched >= 250 || st.Fetched < 150 || st.Changed != 150 {
		t.Fatalf("resumed stats %+v, want the remaining 150 changed out of fewer than 250 fetched", st)
	}
	if n := len(e.tasks(t, store.TaskFilter{})); n != 250 {
		t.Fatalf("store holds %d tasks, want 250", n)
	}
}

func TestProjectAddedLaterIsBackfilled(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME", "STEP")
	for i := 0; i < 3; i++ {
		e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "a"})
		e.putIssue(t, jirafake.Issue{Project: "STEP", Summary: "s"})
	}
	e.clock.Advance(time.Hour)
	ctx := context.Background()
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}}})
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Minute)
	s = e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}},
		{ClientID: "steppe-foods", Projects: []string{"STEP"}}}})
	st, err := s.SyncIssues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Queries != 2 || st.Changed != 3 {
		t.Fatalf("stats %+v, want an incremental query for ACME and a full one for STEP bringing its 3 issues", st)
	}
	e.clock.Advance(10 * time.Minute)
	if st, _ = s.SyncIssues(ctx); st.Queries != 1 {
		t.Fatalf("next pass ran %d queries, want the cursors merged into one", st.Queries)
	}
}

func TestLongProjectListIsSplitAndPosted(t *testing.T) {
	e := newEnv(t, envOptions{})
	var projects []string
	for i := 0; i < 700; i++ {
		projects = append(projects, fmt.Sprintf("P%04d", i))
	}
	e.addProjects(t, projects...)
	e.putIssue(t, jirafake.Issue{Project: projects[0], Summary: "first"})
	e.putIssue(t, jirafake.Issue{Project: projects[699], Summary: "last"})
	e.clock.Advance(time.Hour)
	// One query at a time: the split by length alone.
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "network", Projects: projects}}, BackfillStreams: 1})
	st, err := s.SyncIssues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// About 6,300 characters: one full query near the limit, sent as a POST,
	// and the short remainder, which fits in a GET.
	if st.Queries != 2 || e.fake.RequestCount(routeSearchPost) != 1 || e.fake.RequestCount(routeSearchGet) != 1 {
		t.Fatalf("stats %+v, POST %d, GET %d: want the 700 projects in two queries, the long one POSTed", st,
			e.fake.RequestCount(routeSearchPost), e.fake.RequestCount(routeSearchGet))
	}
	if n := len(e.tasks(t, store.TaskFilter{})); n != 2 {
		t.Fatalf("stored %d tasks, want 2", n)
	}
}

func TestReconcileMarksDeletedAndMovedIssues(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME", "BETA", "ZED")
	for i := 0; i < 5; i++ {
		e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: fmt.Sprint("acme ", i)})
	}
	e.putIssue(t, jirafake.Issue{Project: "BETA", Summary: "beta"})
	e.putIssue(t, jirafake.Issue{Project: "ZED", Summary: "not ours"})
	e.clock.Advance(time.Hour)
	ctx := context.Background()
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}},
		{ClientID: "beta-corp", Projects: []string{"BETA"}}}})
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.fake.DeleteIssue("ACME-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.fake.MoveIssue("ACME-2", "ZED"); err != nil { // out of scope
		t.Fatal(err)
	}
	moved, err := e.fake.MoveIssue("ACME-3", "BETA") // into another client's project
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Minute)
	e.fake.ResetRequestCounts()
	rs, err := s.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rs.MarkedDeleted != 3 || rs.Keys != 4 { // ACME-4, ACME-5, BETA-1 and the moved BETA-2
		t.Fatalf("reconcile stats %+v, want 4 keys listed and 3 tasks marked", rs)
	}
	for key, deleted := range map[string]bool{"ACME-1": true, "ACME-2": true, "ACME-3": true, "ACME-4": false, "BETA-1": false} {
		if got := e.task(t, key).Deleted; got != deleted {
			t.Errorf("%s deleted = %v, want %v", key, got, deleted)
		}
	}
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	if tk := e.task(t, moved.Key); tk.Deleted || tk.ProjectKey != "BETA" {
		t.Fatalf("moved issue %s: %+v, want it live in BETA", moved.Key, tk)
	}
	open := e.tasks(t, store.TaskFilter{OpenOnly: true})
	if len(open) != 4 { // ACME-4, ACME-5, BETA-1, BETA-2
		t.Fatalf("open tasks %d, want 4", len(open))
	}
}

func TestReconcileSparesRecentlyChangedTasks(t *testing.T) {
	// Search lags behind writes: a task stored a moment ago may be missing
	// from the listing without being gone.
	e := newEnv(t, envOptions{fake: jirafake.Options{SearchLag: 30 * time.Second}})
	e.addProjects(t, "ACME")
	e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "old"})
	e.clock.Advance(time.Hour)
	ctx := context.Background()
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}}})
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.fake.UpdateIssue("ACME-1", func(is *jirafake.Issue) { is.Summary = "new" }); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(40 * time.Second) // visible to search again
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	if e.task(t, "ACME-1").Summary != "new" {
		t.Fatal("edit not synced")
	}
	if _, err := e.fake.UpdateIssue("ACME-1", func(is *jirafake.Issue) { is.Summary = "newer" }); err != nil {
		t.Fatal(err)
	}
	// Store the fresh edit directly, as a webhook-triggered pull racing the index would.
	tk := e.task(t, "ACME-1")
	tk.Summary, tk.Updated = "newer", e.clock.Now()
	if err := e.store.UpsertTasks(ctx, []connectors.Task{tk}); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rs.MarkedDeleted != 0 || e.task(t, "ACME-1").Deleted {
		t.Fatalf("reconcile marked a task changed within the lag: %+v", rs)
	}
}
