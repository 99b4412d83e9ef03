package jira_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

func questionSpec() jira.IssueSpec {
	return jira.IssueSpec{
		Project: "ACME", IssueType: "Task", Summary: "Client questions for Anna, week 48",
		Description: "Please answer in writing:\n\n- Why did traffic drop?\n- When is the audit due?",
		Labels:      []string{"client-questions"}, DueDate: "2026-12-02", AssigneeAccountID: "anna",
		IdempotencyKey: "questions:acme-ua:anna:2026-W48",
	}
}

// issuesWithLabel counts the fake's issues carrying label.
func issuesWithLabel(e *env, label string) []jirafake.Issue {
	var out []jirafake.Issue
	for _, is := range e.fake.Issues() {
		if slices.Contains(is.Labels, label) {
			out = append(out, is)
		}
	}
	return out
}

func newWriteEnv(t *testing.T, o envOptions) *env {
	e := newEnv(t, o)
	e.addProjects(t, "ACME")
	if err := e.fake.AddUser(jirafake.User{AccountID: "anna", DisplayName: "Anna"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEnsureIssueIsIdempotent(t *testing.T) {
	tests := []struct {
		name string
		opts envOptions
	}{
		{"search sees writes at once", envOptions{}},
		// Search lags: only reconcileIssues lets the second call see the first's issue.
		{"eventually consistent search", envOptions{fake: jirafake.Options{SearchLag: 10 * time.Minute}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newWriteEnv(t, tt.opts)
			ctx := context.Background()
			key1, created1, err := e.client.EnsureIssue(ctx, questionSpec())
			if err != nil || !created1 {
				t.Fatalf("first EnsureIssue = %q, %v, %v", key1, created1, err)
			}
			key2, created2, err := e.client.EnsureIssue(ctx, questionSpec())
			if err != nil || created2 || key2 != key1 {
				t.Fatalf("second EnsureIssue = %q, %v, %v; want %q found again", key2, created2, err, key1)
			}
			label := jira.IdempotencyLabel(questionSpec().IdempotencyKey)
			got := issuesWithLabel(e, label)
			if len(got) != 1 || e.fake.RequestCount(routeCreate) != 1 {
				t.Fatalf("%d issues with the label after %d creates, want 1", len(got), e.fake.RequestCount(routeCreate))
			}
			is := got[0]
			if is.Assignee != "anna" || is.DueDate != "2026-12-02" || !slices.Contains(is.Labels, "client-questions") ||
				!strings.Contains(is.Description, "Why did traffic drop?") {
				t.Fatalf("created issue %+v does not match the spec", is)
			}
			var prop map[string]string
			if err := json.Unmarshal(is.Properties[jira.IdempotencyProperty], &prop); err != nil ||
				prop["idempotencyKey"] != questionSpec().IdempotencyKey {
				t.Fatalf("idempotency property = %s (%v)", is.Properties[jira.IdempotencyProperty], err)
			}
		})
	}
}

func TestEnsureIssueAfterCrashBetweenCreateAndProperty(t *testing.T) {
	e := newWriteEnv(t, envOptions{retry: -1})
	ctx := context.Background()
	// The property write fails as if the process died right after creating the issue.
	e.fake.InjectFailure(jirafake.Failure{Method: http.MethodPut, Path: "/rest/api/3/issue/*", Status: http.StatusServiceUnavailable, Count: 1})
	key1, _, err := e.client.EnsureIssue(ctx, questionSpec())
	if !errors.Is(err, jira.ErrUnavailable) {
		t.Fatalf("first attempt err = %v, want the injected 503", err)
	}
	// A restarted process has no memory of the write.
	restarted := e.newClient(t, envOptions{})
	key2, created, err := restarted.EnsureIssue(ctx, questionSpec())
	if err != nil || created || key2 != key1 {
		t.Fatalf("retry = %q, %v, %v; want %q found by its label", key2, created, err, key1)
	}
	got := issuesWithLabel(e, jira.IdempotencyLabel(questionSpec().IdempotencyKey))
	if len(got) != 1 {
		t.Fatalf("%d issues, want 1", len(got))
	}
	if _, ok := got[0].Properties[jira.IdempotencyProperty]; !ok {
		t.Fatal("retry did not repair the missing property")
	}
}

func TestEditCommentTransition(t *testing.T) {
	e := newWriteEnv(t, envOptions{})
	ctx := context.Background()
	key, _, err := e.client.EnsureIssue(ctx, questionSpec())
	if err != nil {
		t.Fatal(err)
	}
	desc, due := "Answered:\n- yes", ""
	if err := e.client.EditIssue(ctx, key, jira.IssueEdit{Description: &desc, DueDate: &due,
		AddLabels: []string{"answered"}, RemoveLabels: []string{"client-questions"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.client.AddComment(ctx, key, "Relayed to the client."); err != nil {
		t.Fatal(err)
	}
	if err := e.client.Transition(ctx, key, "done"); err != nil {
		t.Fatal(err)
	}
	is, _ := e.fake.Issue(key)
	if is.DueDate != "" || !slices.Contains(is.Labels, "answered") || slices.Contains(is.Labels, "client-questions") ||
		!strings.Contains(is.Description, "yes") || is.Status != "Done" || is.ResolutionDate.IsZero() {
		t.Fatalf("issue after edits: %+v", is)
	}
	if e.fake.RequestCount("POST /rest/api/3/issue/{issueIdOrKey}/comment") != 1 {
		t.Fatalf("comment not posted: %v", e.fake.RequestCounts())
	}
	if err := e.client.Transition(ctx, key, "Teleported"); !errors.Is(err, jira.ErrNoTransition) {
		t.Fatalf("unknown transition err = %v", err)
	}
	if err := e.client.AddComment(ctx, "ACME-999", "hi"); !errors.Is(err, jira.ErrNotFound) {
		t.Fatalf("comment on a missing issue err = %v, want ErrNotFound", err)
	}
}

func TestDryRunSendsNoWrites(t *testing.T) {
	e := newWriteEnv(t, envOptions{dryRun: true})
	e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "existing"})
	ctx := context.Background()
	key, created, err := e.client.EnsureIssue(ctx, questionSpec())
	if err != nil || key != "" || !created {
		t.Fatalf("dry-run EnsureIssue = %q, %v, %v", key, created, err)
	}
	desc := "x"
	if err := e.client.EditIssue(ctx, "ACME-1", jira.IssueEdit{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	if err := e.client.AddComment(ctx, "ACME-1", "hello"); err != nil {
		t.Fatal(err)
	}
	if err := e.client.Transition(ctx, "ACME-1", "Done"); err != nil {
		t.Fatal(err)
	}
	for route, n := range e.fake.RequestCounts() {
		if n > 0 && !strings.HasPrefix(route, "GET ") && route != routeSearchPost {
			t.Errorf("dry run sent %d %s", n, route)
		}
	}
	if len(e.fake.Issues()) != 1 {
		t.Fatalf("dry run created issues: %d", len(e.fake.Issues()))
	}
	if is, _ := e.fake.Issue("ACME-1"); is.Status != "To Do" || is.Description != "" {
		t.Fatalf("dry run changed the issue: %+v", is)
	}
	if got := strings.Count(e.logs.String(), "jira dry run: write not sent"); got != 4 {
		t.Fatalf("logged %d dry-run writes, want 4:\n%s", got, e.logs.String())
	}
}
