package jirafake_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

func TestRateLimitPerCredential(t *testing.T) {
	s := newSite(t, jirafake.Options{RateLimit: jirafake.RateLimit{Burst: 3, PerSecond: 0.5}})
	if err := s.fake.AddUser(jirafake.User{AccountID: "u2", DisplayName: "Other", Email: "other@agency.example", APIToken: "t2"}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"2", "1", "0"} {
		resp := s.call(t, "GET", "/rest/api/3/myself", nil, nil)
		mustStatus(t, resp, 200)
		if got := resp.Header.Get("X-RateLimit-Remaining"); got != want {
			t.Fatalf("request %d: X-RateLimit-Remaining %q, want %q", i, got, want)
		}
	}
	var e errorBody
	resp := s.call(t, "GET", "/rest/api/3/myself", nil, &e)
	mustStatus(t, resp, http.StatusTooManyRequests)
	h := resp.Header
	if h.Get("Retry-After") != "2" || h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Reset") != "2026-11-27T10:13Z" ||
		h.Get("RateLimit-Reason") != "jira-burst-based" || len(e.ErrorMessages) != 1 {
		t.Fatalf("429 headers %v body %+v", h, e)
	}
	// Another credential has its own bucket.
	mustStatus(t, s.callAs(t, "other@agency.example", "t2", "GET", "/rest/api/3/myself", nil, nil), 200)
	// Honouring Retry-After is enough to get through again.
	s.clock.Advance(2 * time.Second)
	mustStatus(t, s.call(t, "GET", "/rest/api/3/myself", nil, nil), 200)
	mustStatus(t, s.call(t, "GET", "/rest/api/3/myself", nil, nil), 429)
}

func TestFailurePlan(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	s.fake.InjectFailure(jirafake.Failure{Method: "GET", Path: "/rest/api/3/search/jql", Status: 503, Count: 2, RetryAfter: 3 * time.Second})
	s.fake.InjectFailure(jirafake.Failure{Path: "/rest/api/3/issue/*", Status: 429, RetryAfter: time.Second})
	for range 2 {
		resp := s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME", nil, nil)
		mustStatus(t, resp, 503)
		if resp.Header.Get("Retry-After") != "3" {
			t.Fatalf("Retry-After = %q", resp.Header.Get("Retry-After"))
		}
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME", nil, nil), 200)
	mustStatus(t, s.call(t, "POST", "/rest/api/3/search/jql", map[string]any{"jql": "project = ACME"}, nil), 200)
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/ACME-7", nil, nil), 429)
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/ACME-7", nil, nil), 404)
	if n := s.fake.RequestCount("GET /rest/api/3/search/jql"); n != 3 {
		t.Fatalf("search counted %d times, want 3 (failures count)", n)
	}
}

func TestAdminAPI(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	post := func(method, path, body string, want int) {
		t.Helper()
		req, _ := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
		resp, err := s.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s %s: status %d, want %d", method, path, resp.StatusCode, want)
		}
	}
	post("POST", "/_fake/jira/projects", `{"key":"ACME","name":"Acme"}`, 201)
	post("POST", "/_fake/jira/projects", `{"key":"BETA"}`, 201)
	post("POST", "/_fake/jira/projects", `{"key":"bad key"}`, 400)
	post("POST", "/_fake/jira/users", `{"accountId":"u-anna","displayName":"Anna"}`, 204)
	post("POST", "/_fake/jira/issues", `{"project":"ACME","summary":"seeded","assignee":"u-anna","labels":["seo"]}`, 201)
	post("POST", "/_fake/jira/issues", `{"project":"ACME","sumary":"typo"}`, 400)
	s.clock.Advance(time.Minute)
	post("PATCH", "/_fake/jira/issues/ACME-1", `{"status":"In Progress"}`, 200)
	post("POST", "/_fake/jira/worklogs", `{"issueKey":"ACME-1","timeSpentSeconds":600}`, 201)
	post("POST", "/_fake/jira/issues/ACME-1/move", `{"project":"BETA"}`, 200)
	post("DELETE", "/_fake/jira/issues/NOPE-1", ``, 404)
	post("POST", "/_fake/jira/failures", `{"path":"/rest/api/3/myself","status":500}`, 204)
	post("POST", "/_fake/jira/generate", `{"seed":1,"projects":2,"issues":10}`, 200)

	is, ok := s.fake.Issue("BETA-1")
	if !ok || is.Summary != "seeded" || is.Status != "In Progress" || !is.Updated.Equal(t0.Add(time.Minute)) || *is.TimeSpent != 600 {
		t.Fatalf("issue after admin calls = %+v", is)
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/myself", nil, nil), 500)
	if got := s.fake.RequestCounts(); len(got) != 1 {
		t.Fatalf("admin calls were counted: %v", got)
	}
	if n := len(s.fake.Issues()); n != 11 {
		t.Fatalf("%d issues, want 11", n)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := newSite(t, jirafake.Options{})
	b := newSite(t, jirafake.Options{})
	for _, s := range []*site{a, b} {
		if _, err := s.fake.Generate(jirafake.GenerateOptions{Seed: 42, Projects: 3, Issues: 200, WorklogsPerIssue: 2}); err != nil {
			t.Fatal(err)
		}
	}
	ia, ib := a.fake.Issues(), b.fake.Issues()
	if len(ia) != 200 || len(ib) != 200 {
		t.Fatalf("generated %d and %d issues", len(ia), len(ib))
	}
	for i := range ia {
		x, y := ia[i], ib[i]
		if x.Key != y.Key || x.Status != y.Status || x.Assignee != y.Assignee || x.DueDate != y.DueDate ||
			!x.Updated.Equal(y.Updated) || strings.Join(x.Labels, ",") != strings.Join(y.Labels, ",") {
			t.Fatalf("issue %d differs:\n%+v\n%+v", i, x, y)
		}
		if x.Updated.After(t0) || x.Created.After(x.Updated) {
			t.Fatalf("issue %s has times out of order: created %v updated %v now %v", x.Key, x.Created, x.Updated, t0)
		}
	}
	if len(a.fake.Worklogs()) != len(b.fake.Worklogs()) || len(a.fake.Worklogs()) == 0 {
		t.Fatalf("worklogs %d vs %d", len(a.fake.Worklogs()), len(b.fake.Worklogs()))
	}
}
