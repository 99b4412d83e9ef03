package jirafake_test

import (
	"slices"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

func adf(text string) map[string]any {
	return map[string]any{"type": "doc", "version": 1, "content": []any{
		map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": text}}},
	}}
}

func TestCreateIssueV3(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	valid := map[string]any{
		"project": map[string]any{"key": "ACME"}, "issuetype": map[string]any{"name": "Task"},
		"summary": "Client questions, week 48", "description": adf("Q1?"), "duedate": "2026-12-04",
		"assignee": map[string]any{"accountId": jirafake.DefaultAccountID}, "labels": []string{"liaison-questions"},
		"timetracking": map[string]any{"originalEstimate": "1d 2h"},
	}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range valid {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return map[string]any{"fields": m}
	}
	rejects := []struct {
		name  string
		body  map[string]any
		field string
		msg   string
	}{
		{"unknown field", with("priority", map[string]any{"name": "High"}), "priority", "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown."},
		{"custom field", with("customfield_10010", 3), "customfield_10010", "Field 'customfield_10010' cannot be set. It is not on the appropriate screen, or unknown."},
		{"plain description", with("description", "just text"), "description", "Operation value must be an Atlassian Document (see the Atlassian Document Format)"},
		{"ADF without version", with("description", map[string]any{"type": "doc", "content": []any{}}), "description", "Operation value must be an Atlassian Document (see the Atlassian Document Format)"},
		{"no summary", with("summary", nil), "summary", "You must specify a summary of the issue."},
		{"unknown project", with("project", map[string]any{"key": "NOPE"}), "project", "Specify a valid project ID or key"},
		{"no issue type", with("issuetype", nil), "issuetype", "Specify an issue type"},
		{"bad due date", with("duedate", "04/12/2026"), "duedate", "Error parsing date string: 04/12/2026"},
		{"unknown assignee", with("assignee", map[string]any{"accountId": "ghost"}), "assignee", "User 'ghost' cannot be assigned issues."},
	}
	for _, tt := range rejects {
		t.Run(tt.name, func(t *testing.T) {
			var e errorBody
			mustStatus(t, s.call(t, "POST", "/rest/api/3/issue", tt.body, &e), 400)
			if e.Errors[tt.field] != tt.msg {
				t.Fatalf("errors = %v, want %s: %q", e.Errors, tt.field, tt.msg)
			}
		})
	}
	if n := len(s.fake.Issues()); n != 0 {
		t.Fatalf("rejected creates left %d issues", n)
	}

	var created struct{ ID, Key, Self string }
	mustStatus(t, s.call(t, "POST", "/rest/api/3/issue", with("", nil), &created), 201)
	if created.Key != "ACME-1" || created.ID == "" || created.Self != s.srv.URL+"/rest/api/3/issue/"+created.ID {
		t.Fatalf("created = %+v", created)
	}
	got, _ := s.fake.Issue("ACME-1")
	if got.Description != "Q1?" || got.DueDate != "2026-12-04" || *got.OriginalEstimate != 10*3600 ||
		!got.Created.Equal(t0) || got.Reporter != jirafake.DefaultAccountID || !slices.Equal(got.Labels, []string{"liaison-questions"}) {
		t.Fatalf("stored issue = %+v", got)
	}
}

func TestCreateAndGetIssueV2WithGoJira(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	c := s.goJira(t)
	is, _, err := c.Issue.Create(&jira.Issue{Fields: &jira.IssueFields{
		Project: jira.Project{Key: "ACME"}, Type: jira.IssueType{Name: "Task"},
		Summary: "Monthly report", Description: "plain text works in v2", Labels: []string{"report"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := c.Issue.Get(is.Key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fields.Description != "plain text works in v2" || got.Fields.Summary != "Monthly report" ||
		got.Fields.Status.Name != "To Do" || !time.Time(got.Fields.Created).Equal(t0) {
		t.Fatalf("got %+v", got.Fields)
	}
	// v3 GET of the same issue returns the description as ADF.
	var v3 struct {
		Fields struct {
			Description map[string]any `json:"description"`
		} `json:"fields"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/"+is.Key, nil, &v3), 200)
	if v3.Fields.Description["type"] != "doc" {
		t.Fatalf("v3 description = %v", v3.Fields.Description)
	}
	var e errorBody
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/ACME-99", nil, &e), 404)
	if e.ErrorMessages[0] != "Issue does not exist or you do not have permission to see it." {
		t.Fatalf("404 body = %+v", e)
	}
}

func TestEditIssue(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "s", Labels: []string{"a", "b"}})
	s.clock.Advance(time.Minute)

	mustStatus(t, s.call(t, "PUT", "/rest/api/3/issue/ACME-1", map[string]any{
		"fields": map[string]any{"summary": "renamed"},
		"update": map[string]any{"labels": []any{map[string]any{"add": "c"}, map[string]any{"remove": "a"}}},
	}, nil), 204)
	got, _ := s.fake.Issue("ACME-1")
	if got.Summary != "renamed" || !slices.Equal(got.Labels, []string{"b", "c"}) || !got.Updated.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after edit: %+v", got)
	}

	// A no-op edit does not move updated; a rejected one changes nothing.
	s.clock.Advance(time.Minute)
	mustStatus(t, s.call(t, "PUT", "/rest/api/3/issue/ACME-1", map[string]any{"fields": map[string]any{"summary": "renamed"}}, nil), 204)
	var e errorBody
	mustStatus(t, s.call(t, "PUT", "/rest/api/3/issue/ACME-1", map[string]any{"fields": map[string]any{"summary": "again", "sprint": 3}}, &e), 400)
	if e.Errors["sprint"] == "" {
		t.Fatalf("errors = %v", e.Errors)
	}
	mustStatus(t, s.call(t, "PUT", "/rest/api/3/issue/ACME-1", map[string]any{"fields": map[string]any{"description": "not adf"}}, &e), 400)
	if after, _ := s.fake.Issue("ACME-1"); after.Summary != "renamed" || !after.Updated.Equal(got.Updated) {
		t.Fatalf("no-op or rejected edit changed the issue: %+v", after)
	}
}

func TestCommentsPropertiesTransitions(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "s"})

	var e errorBody
	mustStatus(t, s.call(t, "POST", "/rest/api/3/issue/ACME-1/comment", map[string]any{"body": "plain"}, &e), 400)
	var c struct {
		ID   string         `json:"id"`
		Body map[string]any `json:"body"`
	}
	s.clock.Advance(time.Second)
	mustStatus(t, s.call(t, "POST", "/rest/api/3/issue/ACME-1/comment", map[string]any{"body": adf("Answered in writing")}, &c), 201)
	if c.ID == "" || c.Body["type"] != "doc" {
		t.Fatalf("comment = %+v", c)
	}
	var page struct {
		Total    int `json:"total"`
		Comments []struct {
			Body string `json:"body"`
		} `json:"comments"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/2/issue/ACME-1/comment", nil, &page), 200)
	if page.Total != 1 || page.Comments[0].Body != "Answered in writing" {
		t.Fatalf("v2 comments = %+v", page)
	}
	if is, _ := s.fake.Issue("ACME-1"); !is.Updated.Equal(t0.Add(time.Second)) {
		t.Fatalf("comment did not bump updated: %v", is.Updated)
	}

	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/ACME-1/properties/liaison", nil, nil), 404)
	mustStatus(t, s.call(t, "PUT", "/rest/api/3/issue/ACME-1/properties/liaison", map[string]any{"key": "q-1"}, nil), 201)
	mustStatus(t, s.call(t, "PUT", "/rest/api/3/issue/ACME-1/properties/liaison", map[string]any{"key": "q-2"}, nil), 200)
	mustStatus(t, s.call(t, "PUT", "/rest/api/3/issue/ACME-1/properties/liaison", "", nil), 400)
	var prop struct {
		Key   string            `json:"key"`
		Value map[string]string `json:"value"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/ACME-1/properties/liaison", nil, &prop), 200)
	if prop.Key != "liaison" || prop.Value["key"] != "q-2" {
		t.Fatalf("property = %+v", prop)
	}
	var found struct {
		Issues []map[string]any `json:"issues"`
	}
	mustStatus(t, s.call(t, "POST", "/rest/api/3/search/jql", map[string]any{"jql": `issue.property[liaison].key = "q-2"`}, &found), 200)
	if len(found.Issues) != 1 {
		t.Fatalf("property search found %d issues", len(found.Issues))
	}

	var tr struct {
		Transitions []struct {
			ID string `json:"id"`
			To struct {
				StatusCategory struct {
					Key string `json:"key"`
				} `json:"statusCategory"`
			} `json:"to"`
		} `json:"transitions"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/ACME-1/transitions", nil, &tr), 200)
	done := ""
	for _, x := range tr.Transitions {
		if x.To.StatusCategory.Key == "done" {
			done = x.ID
		}
	}
	if done == "" {
		t.Fatalf("no transition to done in %+v", tr)
	}
	mustStatus(t, s.call(t, "POST", "/rest/api/3/issue/ACME-1/transitions", map[string]any{"transition": map[string]any{"id": "999"}}, &e), 400)
	s.clock.Advance(time.Second)
	mustStatus(t, s.call(t, "POST", "/rest/api/3/issue/ACME-1/transitions", map[string]any{"transition": map[string]any{"id": done}}, nil), 204)
	is, _ := s.fake.Issue("ACME-1")
	if is.Status != "Done" || !is.ResolutionDate.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("after transition: status %q resolved %v", is.Status, is.ResolutionDate)
	}
}

func TestMoveAndDeleteIssue(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME", "BETA")
	mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "s"})
	moved, err := s.fake.MoveIssue("ACME-1", "BETA")
	if err != nil || moved.Key != "BETA-1" {
		t.Fatalf("move = %+v, %v", moved, err)
	}
	var got struct {
		Key string `json:"key"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/ACME-1", nil, &got), 200)
	if got.Key != "BETA-1" {
		t.Fatalf("old key resolves to %q, want BETA-1", got.Key)
	}
	var out struct {
		Issues []map[string]any `json:"issues"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/search/jql?jql=project%3DACME", nil, &out), 200)
	if len(out.Issues) != 0 {
		t.Fatalf("moved issue still in its old project: %v", out.Issues)
	}
	if err := s.fake.DeleteIssue("BETA-1"); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/BETA-1", nil, nil), 404)
	mustStatus(t, s.call(t, "GET", "/rest/api/3/issue/ACME-1", nil, nil), 404)
}

func TestUserEndpoints(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	if err := s.fake.AddUser(jirafake.User{AccountID: "u-anna", DisplayName: "Anna Petrenko", Email: "anna@agency.example"}); err != nil {
		t.Fatal(err)
	}
	var users []struct {
		AccountID string `json:"accountId"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/user/search?query=petr", nil, &users), 200)
	if len(users) != 1 || users[0].AccountID != "u-anna" {
		t.Fatalf("user search = %+v", users)
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/user/search", nil, nil), 400)
	me, _, err := s.goJira(t).User.GetSelf()
	if err != nil || me.AccountID != jirafake.DefaultAccountID || me.EmailAddress != jirafake.DefaultEmail {
		t.Fatalf("myself = %+v, %v", me, err)
	}
}
