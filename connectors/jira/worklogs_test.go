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

func TestSyncWorklogs(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME", "ZED")
	for _, u := range []string{"anna", "boris"} {
		if err := e.fake.AddUser(jirafake.User{AccountID: u, DisplayName: u}); err != nil {
			t.Fatal(err)
		}
	}
	e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "one"})
	e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "two"})
	e.putIssue(t, jirafake.Issue{Project: "ZED", Summary: "not a client's"})
	day1 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	day2 := day1.AddDate(0, 0, 1)
	add := func(issue, author string, started time.Time, secs int64) string {
		t.Helper()
		wl, err := e.fake.AddWorklog(jirafake.Worklog{IssueKey: issue, Author: author, Started: started, TimeSpentSeconds: secs})
		if err != nil {
			t.Fatal(err)
		}
		return wl.ID
	}
	add("ACME-1", "anna", day1, 7200)
	add("ACME-2", "anna", day1.Add(3*time.Hour), 3600)
	bor := add("ACME-1", "boris", day2, 10800)
	add("ZED-1", "anna", day1, 1800)
	e.clock.Advance(2 * time.Minute) // past Jira's one-minute feed delay

	ctx := context.Background()
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}}})
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	ws, err := s.SyncWorklogs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ws.Changed != 4 || ws.Stored != 3 || ws.Skipped != 1 {
		t.Fatalf("first worklog pass %+v, want 4 changed, 3 stored, the ZED one skipped", ws)
	}
	checkSums(t, e, map[string]int64{"anna/2026-11-25": 10800, "boris/2026-11-26": 10800})

	// Idle: one feed request, nothing listed.
	e.clock.Advance(5 * time.Minute)
	e.fake.ResetRequestCounts()
	if ws, err = s.SyncWorklogs(ctx); err != nil || ws.Changed != 0 {
		t.Fatalf("idle pass %+v, %v", ws, err)
	}
	if e.fake.RequestCount(routeWLUpdated) != 1 || e.fake.RequestCount(routeWLList) != 0 {
		t.Fatalf("idle pass made %v", e.fake.RequestCounts())
	}

	// Only changed worklogs are fetched.
	if _, err := e.fake.UpdateWorklog(bor, func(w *jirafake.Worklog) { w.TimeSpentSeconds = 14400 }); err != nil {
		t.Fatal(err)
	}
	add("ACME-2", "boris", day2, 1800)
	e.clock.Advance(2 * time.Minute)
	e.fake.ResetRequestCounts()
	if ws, err = s.SyncWorklogs(ctx); err != nil || ws.Changed != 2 || ws.Stored != 2 {
		t.Fatalf("pass after two changes %+v, %v; want exactly those two", ws, err)
	}
	if e.fake.RequestCount(routeWLList) != 1 {
		t.Fatalf("requests %v, want one worklog/list", e.fake.RequestCounts())
	}
	checkSums(t, e, map[string]int64{"anna/2026-11-25": 10800, "boris/2026-11-26": 16200})

	// Deleted worklogs are removed by the slow pass.
	if err := e.fake.DeleteWorklog(bor); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	rs, err := s.Reconcile(ctx)
	if err != nil || rs.WorklogsDeleted != 1 {
		t.Fatalf("reconcile %+v, %v; want one worklog deleted", rs, err)
	}
	checkSums(t, e, map[string]int64{"anna/2026-11-25": 10800, "boris/2026-11-26": 1800})
	// And the deleted feed's cursor moved: a second pass deletes nothing again.
	e.clock.Advance(2 * time.Minute)
	if rs, err = s.Reconcile(ctx); err != nil || rs.WorklogsDeleted != 0 {
		t.Fatalf("second reconcile %+v, %v", rs, err)
	}
}

func checkSums(t *testing.T, e *env, want map[string]int64) {
	t.Helper()
	sums, err := e.store.SumWorklogs(context.Background(), store.WorklogQuery{
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		ByAuthor: true, ByDay: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, s := range sums {
		got[s.AuthorAccountID+"/"+s.Day] += s.Seconds
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sums per author/day = %v, want %v", got, want)
	}
}

func TestWorklogOnIssueNotYetSynced(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME", "ZED")
	e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "synced"})
	e.clock.Advance(time.Hour)
	ctx := context.Background()
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}}})
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	// Created and logged on after the issue pass; the worklog pass runs first.
	fresh := e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "fresh"})
	e.putIssue(t, jirafake.Issue{Project: "ZED", Summary: "internal"})
	for _, k := range []string{fresh.Key, "ZED-1"} {
		if _, err := e.fake.AddWorklog(jirafake.Worklog{IssueKey: k, Started: t0, TimeSpentSeconds: 600}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(2 * time.Minute)
	ws, err := s.SyncWorklogs(ctx)
	if err != nil || ws.Stored != 1 || ws.Skipped != 1 {
		t.Fatalf("stats %+v, %v; want the fresh issue's worklog stored and ZED's skipped", ws, err)
	}
	if tk := e.task(t, fresh.Key); tk.Summary != "fresh" {
		t.Fatalf("fresh issue not stored: %+v", tk)
	}
}
