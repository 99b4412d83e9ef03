package jirafake_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

var jiraTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$`)

func TestSearchV2JQLPagesThroughEveryIssueWithGoJira(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	keys, err := s.fake.Generate(jirafake.GenerateOptions{Seed: 7, Projects: 20, Issues: 5000})
	if err != nil {
		t.Fatal(err)
	}
	var projects []string
	for i := 1; i <= 20; i++ {
		projects = append(projects, fmt.Sprintf("C%02d", i))
	}
	jql := fmt.Sprintf(`project in (%s) AND updated >= "2026-01-01 00:00" ORDER BY updated ASC, key ASC`, strings.Join(projects, ", "))
	client := s.goJira(t)

	seen := map[string]bool{}
	var last time.Time
	token, pages := "", 0
	for {
		issues, resp, err := client.Issue.SearchV2JQL(jql, &jira.SearchOptionsV2{
			NextPageToken: token, MaxResults: 100,
			Fields: []string{"summary", "status", "updated", "assignee", "timeestimate", "duedate", "labels"},
		})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		if len(issues) != 100 {
			t.Fatalf("page %d has %d issues, want 100", pages, len(issues))
		}
		for _, is := range issues {
			if seen[is.Key] {
				t.Fatalf("issue %s returned twice", is.Key)
			}
			seen[is.Key] = true
			if is.Fields == nil || is.Fields.Summary == "" || is.Fields.Status == nil || is.Fields.Status.StatusCategory.Key == "" {
				t.Fatalf("issue %s lacks requested fields: %+v", is.Key, is.Fields)
			}
			if is.Fields.Description != "" || is.Fields.Project.Key != "" {
				t.Fatalf("issue %s carries fields that were not requested", is.Key)
			}
			u := time.Time(is.Fields.Updated)
			if u.Before(last) {
				t.Fatalf("issue %s updated %v before previous %v: not ordered", is.Key, u, last)
			}
			last = u
		}
		if resp.IsLast {
			if resp.NextPageToken != "" {
				t.Fatalf("last page carries nextPageToken %q", resp.NextPageToken)
			}
			break
		}
		if resp.NextPageToken == "" {
			t.Fatal("page without isLast has no nextPageToken")
		}
		token = resp.NextPageToken
	}
	if len(seen) != len(keys) || pages != 50 {
		t.Fatalf("saw %d issues in %d pages, want %d in 50", len(seen), pages, len(keys))
	}
	if n := s.fake.RequestCount("GET /rest/api/2/search/jql"); n != 50 {
		t.Fatalf("request counter = %d, want 50", n)
	}
}

func TestSearchPageSizeCaps(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	if _, err := s.fake.Generate(jirafake.GenerateOptions{Seed: 1, Projects: 2, Issues: 300}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  int
	}{
		{"maxResults=1000&fields=summary", 100},
		{"maxResults=1000&fields=key", 300},
		{"maxResults=5000", 300},
		{"", 50},
		{"maxResults=7&fields=id", 7},
	}
	for _, tt := range tests {
		var out struct {
			Issues []map[string]any `json:"issues"`
		}
		mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql="+url.QueryEscape("project in (C01, C02)")+"&"+tt.query, nil, &out), 200)
		if len(out.Issues) != tt.want {
			t.Errorf("%q: %d issues, want %d", tt.query, len(out.Issues), tt.want)
		}
	}
}

func TestSearchV3ShapesGetAndPost(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	est := int64(7200)
	parent := mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "Epic", IssueType: "Epic"})
	child := mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "Write report", Description: "line one\nline two",
		DueDate: "2026-12-01", OriginalEstimate: &est, Labels: []string{"report"}, Assignee: jirafake.DefaultAccountID, Parent: parent.Key})

	var got struct {
		Issues        []map[string]any `json:"issues"`
		IsLast        bool             `json:"isLast"`
		NextPageToken *string          `json:"nextPageToken"`
		Total         *int             `json:"total"`
	}
	q := url.Values{"jql": {"project = ACME ORDER BY key ASC"}, "fields": {"*all,-comment"}}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?"+q.Encode(), nil, &got), 200)
	if len(got.Issues) != 2 || !got.IsLast || got.NextPageToken != nil || got.Total != nil {
		t.Fatalf("GET page = %+v; want 2 issues, isLast, no token, no total", got)
	}
	is := got.Issues[1]
	fields := is["fields"].(map[string]any)
	if is["key"] != child.Key || is["id"] != child.ID || !strings.HasSuffix(is["self"].(string), "/rest/api/3/issue/"+child.ID) {
		t.Fatalf("envelope = id %v key %v self %v", is["id"], is["key"], is["self"])
	}
	if _, has := fields["comment"]; has {
		t.Fatal("-comment did not exclude comment")
	}
	desc := fields["description"].(map[string]any)
	if desc["type"] != "doc" || desc["version"] != float64(1) {
		t.Fatalf("v3 description is not ADF: %v", desc)
	}
	for _, name := range []string{"created", "updated"} {
		if !jiraTimeRE.MatchString(fields[name].(string)) {
			t.Fatalf("%s = %q, not Jira's time format", name, fields[name])
		}
	}
	status := fields["status"].(map[string]any)
	if status["name"] != "To Do" || status["statusCategory"].(map[string]any)["key"] != "new" {
		t.Fatalf("status = %v", status)
	}
	if fields["duedate"] != "2026-12-01" || fields["timeoriginalestimate"] != float64(7200) || fields["timespent"] != nil {
		t.Fatalf("dates/estimates = %v %v %v", fields["duedate"], fields["timeoriginalestimate"], fields["timespent"])
	}
	if fields["parent"].(map[string]any)["key"] != parent.Key || fields["assignee"].(map[string]any)["accountId"] != jirafake.DefaultAccountID {
		t.Fatalf("parent/assignee = %v / %v", fields["parent"], fields["assignee"])
	}
	if fields["issuetype"].(map[string]any)["subtask"] != false || fields["project"].(map[string]any)["key"] != "ACME" {
		t.Fatalf("issuetype/project = %v / %v", fields["issuetype"], fields["project"])
	}

	// POST pages with a token; v2 renders the description as text.
	body := map[string]any{"jql": "project = ACME ORDER BY key ASC", "maxResults": 1, "fields": []string{"summary", "description"}}
	var p1, p2 struct {
		Issues        []map[string]any `json:"issues"`
		IsLast        bool             `json:"isLast"`
		NextPageToken string           `json:"nextPageToken"`
	}
	mustStatus(t, s.call(t, "POST", "/rest/api/3/search/jql", body, &p1), 200)
	if len(p1.Issues) != 1 || p1.IsLast || p1.NextPageToken == "" {
		t.Fatalf("first POST page = %+v", p1)
	}
	body["nextPageToken"] = p1.NextPageToken
	mustStatus(t, s.call(t, "POST", "/rest/api/2/search/jql", body, &p2), 200)
	if len(p2.Issues) != 1 || !p2.IsLast || p2.Issues[0]["key"] != child.Key {
		t.Fatalf("second POST page = %+v", p2)
	}
	if d := p2.Issues[0]["fields"].(map[string]any)["description"]; d != "line one\nline two" {
		t.Fatalf("v2 description = %#v, want plain text", d)
	}
}

func TestSearchWithoutFieldsReturnsIDsOnly(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	is := mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "x"})
	for _, fields := range []string{"", "&fields=id"} {
		var out struct {
			Issues []map[string]any `json:"issues"`
		}
		mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME"+fields, nil, &out), 200)
		if len(out.Issues) != 1 || len(out.Issues[0]) != 1 || out.Issues[0]["id"] != is.ID {
			t.Fatalf("fields %q: issues = %v, want only {id: %s}", fields, out.Issues, is.ID)
		}
	}
}

func TestSearchRejects(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME", "BETA")
	for range 3 {
		mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "x"})
	}
	var first struct {
		NextPageToken string `json:"nextPageToken"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME&maxResults=1", nil, &first), 200)

	tests := []struct {
		name, method, path string
		body               any
		status             int
		msg                string
	}{
		{"bad jql", "GET", "/rest/api/3/search/jql?jql=" + url.QueryEscape("project = ACME AND"), nil, 400, "Error in the JQL Query: Expecting a field name before the end of the query."},
		{"unknown project", "GET", "/rest/api/3/search/jql?jql=project%3DNOPE", nil, 400, "The value 'NOPE' does not exist for the field 'project'."},
		{"unbounded", "GET", "/rest/api/3/search/jql?jql=" + url.QueryEscape("order by key"), nil, 400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."},
		{"missing jql", "GET", "/rest/api/3/search/jql", nil, 400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."},
		{"unknown param", "GET", "/rest/api/3/search/jql?jql=project%3DACME&startAt=50", nil, 400, "The query parameter 'startAt' is not supported."},
		{"bad maxResults", "GET", "/rest/api/3/search/jql?jql=project%3DACME&maxResults=many", nil, 400, "The value 'many' is invalid for the 'maxResults' parameter."},
		{"garbage token", "GET", "/rest/api/3/search/jql?jql=project%3DACME&nextPageToken=zzz", nil, 400, "The provided next page token is invalid or expired."},
		{"token of another query", "GET", "/rest/api/3/search/jql?jql=project%3DBETA&nextPageToken=" + first.NextPageToken, nil, 400, "The provided next page token is invalid or expired."},
		{"unknown body field", "POST", "/rest/api/3/search/jql", map[string]any{"jql": "project = ACME", "startAt": 0}, 400, `Unrecognized field "startAt" in the request body.`},
		{"too many reconcile ids", "GET", "/rest/api/3/search/jql?jql=project%3DACME&reconcileIssues=" + strings.Repeat("1,", 50) + "1", nil, 400, "The 'reconcileIssues' parameter accepts at most 50 issue ids."},
		{"removed v3 search", "GET", "/rest/api/3/search?jql=project%3DACME", nil, 410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"},
		{"removed v2 search POST", "POST", "/rest/api/2/search", map[string]any{"jql": "project = ACME"}, 410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"},
		{"unknown path", "GET", "/rest/api/3/issue/ACME-1/nonsense", nil, 404, "No API endpoint matches GET /rest/api/3/issue/ACME-1/nonsense in the Jira fake."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e errorBody
			mustStatus(t, s.call(t, tt.method, tt.path, tt.body, &e), tt.status)
			if len(e.ErrorMessages) != 1 || e.ErrorMessages[0] != tt.msg || e.Errors == nil {
				t.Fatalf("body = %+v, want errorMessages [%q] and errors {}", e, tt.msg)
			}
		})
	}
}

func TestSearchTokenExpiresAfterSevenDays(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "a"})
	mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "b"})
	var p struct {
		NextPageToken string `json:"nextPageToken"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME&maxResults=1", nil, &p), 200)
	s.clock.Advance(6 * 24 * time.Hour)
	mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME&maxResults=1&nextPageToken="+p.NextPageToken, nil, nil), 200)
	s.clock.Advance(2 * 24 * time.Hour)
	mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME&maxResults=1&nextPageToken="+p.NextPageToken, nil, nil), 400)
}

func TestAuthenticationRequired(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	if err := s.fake.AddUser(jirafake.User{AccountID: "u2", DisplayName: "Second", Email: "second@agency.example", APIToken: "tok-2"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, token string
		status            int
	}{
		{"no credentials", "", "", 401},
		{"wrong token", jirafake.DefaultEmail, "nope", 401},
		{"token of another user", jirafake.DefaultEmail, "tok-2", 401},
		{"second user", "second@agency.example", "tok-2", 200},
	}
	for _, tt := range tests {
		for _, path := range []string{"/rest/api/3/myself", "/rest/api/3/search/jql?jql=project%3DX", "/rest/api/2/issue/X-1"} {
			resp := s.callAs(t, tt.user, tt.token, "GET", path, nil, nil)
			if tt.status == 401 {
				mustStatus(t, resp, 401)
				b := make([]byte, 100)
				n, _ := resp.Body.Read(b)
				if string(b[:n]) != "Client must be authenticated to access this resource." {
					t.Fatalf("%s %s: 401 body %q", tt.name, path, b[:n])
				}
			} else if resp.StatusCode == 401 {
				t.Fatalf("%s %s: rejected valid credentials", tt.name, path)
			}
		}
	}
	var me struct {
		AccountID string `json:"accountId"`
	}
	mustStatus(t, s.callAs(t, "second@agency.example", "tok-2", "GET", "/rest/api/3/myself", nil, &me), 200)
	if me.AccountID != "u2" {
		t.Fatalf("myself = %q, want u2", me.AccountID)
	}
}

func TestSearchKeysetPagingSurvivesWrites(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	for i := range 10 {
		mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "x", Created: t0.Add(-time.Hour), Updated: t0.Add(time.Duration(i-20) * time.Minute)})
	}
	jql := url.QueryEscape(`project = ACME AND updated >= "2026-11-27 00:00" ORDER BY updated ASC, key ASC`)
	seen := map[string]int{}
	token := ""
	for page := 0; ; page++ {
		var out struct {
			Issues []struct {
				Key string `json:"key"`
			} `json:"issues"`
			IsLast        bool   `json:"isLast"`
			NextPageToken string `json:"nextPageToken"`
		}
		path := "/rest/api/3/search/jql?fields=key&maxResults=3&jql=" + jql
		if token != "" {
			path += "&nextPageToken=" + token
		}
		mustStatus(t, s.call(t, "GET", path, nil, &out), 200)
		for _, is := range out.Issues {
			seen[is.Key]++
		}
		if page == 0 {
			// An issue not yet returned moves to the end; one already
			// returned moves too. Offset paging would now skip ACME-4.
			s.clock.Advance(time.Second)
			for _, k := range []string{"ACME-1", "ACME-5"} {
				if _, err := s.fake.UpdateIssue(k, func(is *jirafake.Issue) { is.Summary = "changed" }); err != nil {
					t.Fatal(err)
				}
			}
		}
		if out.IsLast {
			break
		}
		token = out.NextPageToken
	}
	for i := 1; i <= 10; i++ {
		k := fmt.Sprintf("ACME-%d", i)
		want := 1
		if k == "ACME-1" {
			want = 2 // returned before the write and again after it
		}
		if seen[k] != want {
			t.Errorf("%s seen %d times, want %d (all: %v)", k, seen[k], want, seen)
		}
	}
}

func TestSearchEventualConsistency(t *testing.T) {
	s := newSite(t, jirafake.Options{SearchLag: 5 * time.Second})
	seedProjects(t, s.fake, "ACME")
	old := mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "old", Updated: t0.Add(-time.Hour)})
	s.clock.Advance(time.Second)
	fresh := mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "fresh"})
	keys := func(extra string) []string {
		var out struct {
			Issues []struct {
				Key string `json:"key"`
			} `json:"issues"`
		}
		mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?fields=key&jql=project%3DACME%20ORDER%20BY%20key%20ASC"+extra, nil, &out), 200)
		var ks []string
		for _, is := range out.Issues {
			ks = append(ks, is.Key)
		}
		return ks
	}
	if got := keys(""); !slices.Equal(got, []string{old.Key}) {
		t.Fatalf("within the lag: %v, want only %s", got, old.Key)
	}
	if got := keys("&reconcileIssues=" + fresh.ID); !slices.Equal(got, []string{old.Key, fresh.Key}) {
		t.Fatalf("reconciled: %v, want both", got)
	}
	s.clock.Advance(5 * time.Second)
	if got := keys(""); !slices.Equal(got, []string{old.Key, fresh.Key}) {
		t.Fatalf("after the lag: %v, want both", got)
	}
}

func TestRequestCountsIdleCycle(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	s.fake.ResetRequestCounts()
	mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME", nil, nil), http.StatusOK)
	got := s.fake.RequestCounts()
	if len(got) != 1 || got["GET /rest/api/3/search/jql"] != 1 {
		t.Fatalf("counts = %v, want exactly one search", got)
	}
}

func TestConcurrentSearchesAndWrites(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	if _, err := s.fake.Generate(jirafake.GenerateOptions{Seed: 9, Projects: 3, Issues: 300}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 20 {
				if g%2 == 0 {
					_, err := s.fake.UpdateIssue(fmt.Sprintf("C0%d-%d", g%3+1, i+1), func(is *jirafake.Issue) { is.Labels = append(is.Labels, "x") })
					if err != nil && !strings.Contains(err.Error(), "not found") {
						done <- err
						return
					}
					continue
				}
				req, _ := http.NewRequest("GET", s.srv.URL+"/rest/api/3/search/jql?fields=summary&jql=project%20in%20(C01,C02,C03)", nil)
				req.SetBasicAuth(jirafake.DefaultEmail, jirafake.DefaultToken)
				resp, err := s.srv.Client().Do(req)
				if err != nil {
					done <- err
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					done <- fmt.Errorf("status %d", resp.StatusCode)
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
