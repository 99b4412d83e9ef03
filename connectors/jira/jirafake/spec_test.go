package jirafake_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake/spectest"
)

// exchange is one recorded request and its response.
type exchange struct {
	req     *http.Request
	reqBody []byte
	status  int
	header  http.Header
	body    []byte
}

// recorder is a RoundTripper that keeps every exchange for validation.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.log = append(r.log, exchange{req: req, reqBody: reqBody, status: resp.StatusCode, header: resp.Header.Clone(), body: body})
	r.mu.Unlock()
	return resp, nil
}

// specPath finds ../shared/specs/jira/jira-platform.v3.json next to the repository root.
func TestSpecConformance(t *testing.T) {
	start := time.Now()
	s := newSite(t, jirafake.Options{})
	v, err := spectest.Load(s.srv.URL)
	if errors.Is(err, spectest.ErrNoSpec) {
		t.Skipf("Jira OpenAPI spec unavailable: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: s.srv.Client().Transport}
	client := &http.Client{Transport: rec}
	do := func(method, path, body string, want int) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
		if body == "" {
			req, _ = http.NewRequest(method, s.srv.URL+path, nil)
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		req.SetBasicAuth(jirafake.DefaultEmail, jirafake.DefaultToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
		}
		return b
	}

	seedProjects(t, s.fake, "ACME", "BETA")
	if _, err := s.fake.Generate(jirafake.GenerateOptions{Seed: 3, Projects: 2, Issues: 30, WorklogsPerIssue: 2}); err != nil {
		t.Fatal(err)
	}
	adfBody := `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"hello"}]}]}`
	do("POST", "/rest/api/3/issue", `{"fields":{"project":{"key":"ACME"},"issuetype":{"name":"Task"},"summary":"Spec","description":`+adfBody+`,"labels":["a"],"duedate":"2026-12-01","assignee":{"accountId":"`+jirafake.DefaultAccountID+`"}}}`, 201)
	do("POST", "/rest/api/3/issue", `{"fields":{"project":{"key":"ACME"},"issuetype":{"name":"Task"},"summary":"x","description":"plain"}}`, 400)
	do("GET", "/rest/api/3/issue/ACME-1", "", 200)
	do("GET", "/rest/api/3/issue/ACME-1?fields=summary,status&properties=liaison", "", 200)
	do("GET", "/rest/api/3/issue/ACME-404", "", 404)
	do("PUT", "/rest/api/3/issue/ACME-1", `{"fields":{"summary":"Spec 2"},"update":{"labels":[{"add":"b"},{"remove":"a"}]}}`, 204)
	do("POST", "/rest/api/3/issue/ACME-1/comment", `{"body":`+adfBody+`}`, 201)
	do("GET", "/rest/api/3/issue/ACME-1/comment", "", 200)
	do("PUT", "/rest/api/3/issue/ACME-1/properties/liaison", `{"key":"q-1"}`, 201)
	do("PUT", "/rest/api/3/issue/ACME-1/properties/liaison", `{"key":"q-2"}`, 200)
	do("GET", "/rest/api/3/issue/ACME-1/properties/liaison", "", 200)
	do("GET", "/rest/api/3/issue/ACME-1/transitions", "", 200)
	do("POST", "/rest/api/3/issue/ACME-1/transitions", `{"transition":{"id":"31"}}`, 204)
	do("POST", "/rest/api/3/issue/ACME-1/worklog", `{"started":"2026-11-27T09:00:00.000+0000","timeSpentSeconds":1800,"comment":`+adfBody+`}`, 201)
	do("GET", "/rest/api/3/issue/ACME-1/worklog", "", 200)
	if err := s.fake.DeleteWorklog(s.fake.Worklogs()[0].ID); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(2 * time.Minute)
	do("GET", "/rest/api/3/worklog/updated?since=0", "", 200)
	do("GET", "/rest/api/3/worklog/deleted?since=0", "", 200)
	do("POST", "/rest/api/3/worklog/list", `{"ids":[100000,100001,100002]}`, 200)
	do("GET", "/rest/api/3/myself", "", 200)
	do("GET", "/rest/api/3/user/search?query=special&maxResults=5", "", 200)
	do("GET", "/rest/api/3/serverInfo", "", 200)

	jql := url.QueryEscape(`project in (ACME, C01, C02) AND updated >= "2026-01-01 00:00" ORDER BY updated ASC, key ASC`)
	page := do("GET", "/rest/api/3/search/jql?jql="+jql+"&maxResults=10&fields=*all", "", 200)
	token := regexp.MustCompile(`"nextPageToken":"([^"]+)"`).FindSubmatch(page)
	if token == nil {
		t.Fatalf("first page has no nextPageToken: %s", page)
	}
	do("GET", "/rest/api/3/search/jql?jql="+jql+"&maxResults=10&fields=summary,status&nextPageToken="+string(token[1]), "", 200)
	// reconcileIssues is form-exploded here; go-jira sends one comma-joined
	// value, which the fake also accepts but the spec's int64 items do not.
	do("GET", "/rest/api/3/search/jql?jql="+jql+"&reconcileIssues=10000&reconcileIssues=10001", "", 200)
	do("POST", "/rest/api/3/search/jql", `{"jql":"project = ACME","fields":["summary","labels","comment"],"maxResults":5,"expand":"names","reconcileIssues":[10000]}`, 200)
	do("GET", "/rest/api/3/search/jql?jql="+url.QueryEscape("project = ACME AND"), "", 400)
	do("GET", "/rest/api/3/search?jql=project%3DACME", "", 410)

	for _, ex := range rec.log {
		if err := v.Check(ex.req, ex.reqBody, ex.status, ex.header, ex.body); err != nil {
			t.Errorf("%s %s: %v\nbody: %.400s", ex.req.Method, ex.req.URL.Path, err, ex.body)
		}
	}
	// Control: the validator must reject what Jira would not send, here the
	// old search's "total" in an enhanced search answer.
	req, _ := http.NewRequest("GET", s.srv.URL+"/rest/api/3/search/jql?jql=project%3DACME", nil)
	if v.Check(req, nil, 200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"issues":[],"isLast":true,"total":0}`)) == nil {
		t.Fatal("control: a search answer with total passed validation; the check is not biting")
	}
	if len(rec.log) < 25 {
		t.Fatalf("recorded only %d exchanges", len(rec.log))
	}
	t.Logf("validated %d exchanges against the spec in %v", len(rec.log), time.Since(start))
}
