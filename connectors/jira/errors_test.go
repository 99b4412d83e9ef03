package jira_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/store"
)

// wrongToken is distinctive so that a leak would be found in any text.
const wrongToken = "ATATT3xFfGF0-wrong-token-4f9c"

func TestErrorsNameClientAndQueryAndAreTyped(t *testing.T) {
	scopes := []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}, {ClientID: "steppe-foods", Projects: []string{"NOPE"}}}
	tests := []struct {
		name     string
		token    string
		run      func(e *env, c *jira.Client) error
		is       error
		status   int
		contains []string
	}{
		{
			name: "unknown project in JQL",
			run: func(e *env, c *jira.Client) error {
				s, _ := jira.NewSyncer(c, e.store, jira.SyncerOptions{Scopes: scopes})
				_, err := s.SyncIssues(context.Background())
				return err
			},
			is: jira.ErrBadRequest, status: http.StatusBadRequest,
			contains: []string{"jira: searching issues for clients acme-ua, steppe-foods", `(jql: project in ("ACME", "NOPE")`,
				"400 Bad Request", "The value 'NOPE' does not exist for the field 'project'."},
		},
		{
			name:  "missing auth",
			token: wrongToken,
			run: func(e *env, c *jira.Client) error {
				s, _ := jira.NewSyncer(c, e.store, jira.SyncerOptions{Scopes: scopes[:1]})
				_, err := s.SyncIssues(context.Background())
				return err
			},
			is: jira.ErrAuth, status: http.StatusUnauthorized,
			contains: []string{"for client acme-ua", `(jql: project in ("ACME")`, "401 Unauthorized",
				"Client must be authenticated"},
		},
		{
			name: "field not on the create screen",
			run: func(e *env, c *jira.Client) error {
				_, _, err := c.EnsureIssue(context.Background(), jira.IssueSpec{Project: "ACME", IssueType: "Task",
					Summary: "Questions", IdempotencyKey: "q1", Fields: map[string]any{"customfield_10999": "x"}})
				return err
			},
			is: jira.ErrBadRequest, status: http.StatusBadRequest,
			contains: []string{"creating issue in project ACME", "customfield_10999: Field 'customfield_10999' cannot be set"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			e.addProjects(t, "ACME")
			c := e.client
			if tt.token != "" {
				c = e.newClient(t, envOptions{token: tt.token})
			}
			err := tt.run(e, c)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			var ae *jira.APIError
			if !errors.As(err, &ae) || ae.Status != tt.status {
				t.Errorf("error %v is not an APIError with status %d", err, tt.status)
			}
			for _, want := range tt.contains {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			for _, secret := range []string{wrongToken, jirafake.DefaultToken} {
				if strings.Contains(err.Error(), secret) || strings.Contains(e.logs.String(), secret) {
					t.Errorf("token %q leaked into the error or logs: %v", secret, err)
				}
			}
		})
	}
}

func TestRateLimitIsRetriedByHTTPLayer(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME")
	e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "a"})
	e.clock.Advance(time.Hour)
	e.fake.InjectFailure(jirafake.Failure{Method: http.MethodGet, Path: "/rest/api/3/search/jql", Status: http.StatusTooManyRequests,
		Count: 1, RetryAfter: time.Second})
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}}})
	st, err := s.SyncIssues(context.Background())
	if err != nil {
		t.Fatalf("429 was not retried: %v", err)
	}
	if n := e.fake.RequestCount(routeSearchGet); n != 2 || st.Changed != 1 {
		t.Fatalf("%d search requests, stats %+v; want the 429 then one success", n, st)
	}
}

func TestRateLimitBeyondPatienceIsTyped(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME")
	// Longer than the client's MaxRetryAfter: handed back at once for a queue to reschedule.
	e.fake.InjectFailure(jirafake.Failure{Path: "/rest/api/3/search/jql", Status: http.StatusTooManyRequests,
		Count: 1, RetryAfter: 90 * time.Second})
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}}})
	_, err := s.SyncIssues(context.Background())
	var ae *jira.APIError
	if !errors.Is(err, jira.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != 90*time.Second || !ae.Temporary() {
		t.Fatalf("err = %v, want a temporary rate-limit error carrying Retry-After 90s", err)
	}
	if _, err := e.store.GetCursor(context.Background(), jira.SourceIssues); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cursor saved despite the failure: %v", err)
	}
}
