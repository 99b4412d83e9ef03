package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

func TestSplitByLength(t *testing.T) {
	var projects []string
	for i := 0; i < 1000; i++ {
		projects = append(projects, fmt.Sprintf("PRJ%d", i))
	}
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	build := func(ps []string) string { return issuesJQL(ps, since, time.UTC) }
	for _, max := range []int{100, 1500, 6000, 1 << 20} {
		groups := splitByLength(projects, max, build)
		var joined []string
		for _, g := range groups {
			if len(g) > 1 && len(build(g)) > max {
				t.Errorf("max %d: group of %d gives %d chars", max, len(g), len(build(g)))
			}
			joined = append(joined, g...)
		}
		if !slices.Equal(joined, projects) {
			t.Errorf("max %d: groups lose or reorder projects", max)
		}
		if max == 1<<20 && len(groups) != 1 {
			t.Errorf("a short query was split into %d", len(groups))
		}
		// Fewest groups: merging any two neighbours would exceed max.
		for i := 0; i+1 < len(groups); i++ {
			if len(build(append(slices.Clone(groups[i]), groups[i+1][0]))) <= max {
				t.Errorf("max %d: group %d could take one more project", max, i)
			}
		}
	}
}

func TestIssuesJQL(t *testing.T) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Skip(err)
	}
	since := time.Date(2026, 11, 27, 8, 13, 59, 999e6, time.UTC)
	tests := []struct {
		projects []string
		since    time.Time
		loc      *time.Location
		want     string
	}{
		{[]string{"ACME"}, time.Time{}, time.UTC, `project in ("ACME") ORDER BY updated ASC, key ASC`},
		{[]string{"ACME", "IN"}, since, time.UTC, `project in ("ACME", "IN") AND updated >= "2026-11-27 08:13" ORDER BY updated ASC, key ASC`},
		{[]string{"ACME"}, since, kyiv, `project in ("ACME") AND updated >= "2026-11-27 10:13" ORDER BY updated ASC, key ASC`},
		{[]string{`A"B\`}, time.Time{}, time.UTC, `project in ("A\"B\\") ORDER BY updated ASC, key ASC`},
	}
	for _, tt := range tests {
		if got := issuesJQL(tt.projects, tt.since, tt.loc); got != tt.want {
			t.Errorf("issuesJQL(%v) =\n %s\nwant\n %s", tt.projects, got, tt.want)
		}
	}
}

func TestTextToADF(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", `{"type":"doc","version":1,"content":[{"type":"paragraph"}]}`},
		{"Hello", `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Hello"}]}]}`},
		{"a\nb\n\nc", `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"a"},{"type":"hardBreak"},{"type":"text","text":"b"}]},{"type":"paragraph","content":[{"type":"text","text":"c"}]}]}`},
		{"Q:\r\n- one\r\n* two\nend", `{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"Q:"}]},{"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]},{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}]},{"type":"paragraph","content":[{"type":"text","text":"end"}]}]}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(TextToADF(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("TextToADF(%q) =\n %s\nwant\n %s", tt.in, b, tt.want)
		}
	}
}

func TestAPIErrorText(t *testing.T) {
	e := &APIError{Op: "searching issues", Clients: []string{"acme-ua", "steppe-foods"}, JQL: `project in ("ACME")`,
		Status: 400, Messages: []string{"Error in the JQL Query"}, Fields: map[string]string{"b": "two", "a": "one"}}
	want := `jira: searching issues for clients acme-ua, steppe-foods (jql: project in ("ACME")): 400 Bad Request: Error in the JQL Query; a: one; b: two`
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e.Error(), want)
	}
	if !strings.Contains((&APIError{Op: "x", Status: 401, Body: "nope"}).Error(), "401 Unauthorized: nope") {
		t.Error("plain body not shown")
	}
}

func TestScopesAndPeopleOf(t *testing.T) {
	scopes := ScopesOf([]connectors.Client{{ID: "acme-ua", JiraProjects: []string{"ACME", "ACMEADS"}}, {ID: "no-jira"}})
	if fmt.Sprint(scopes) != "[{acme-ua [ACME ACMEADS]}]" {
		t.Errorf("ScopesOf = %v", scopes)
	}
	people := PeopleOf([]connectors.Person{{ID: "anna", JiraAccountID: "5b10a"}, {ID: "am-without-jira"}})
	if fmt.Sprint(people) != "map[5b10a:anna]" {
		t.Errorf("PeopleOf = %v", people)
	}
}

func TestErrorNamesAFewOfManyClients(t *testing.T) {
	var clients []string
	for i := range 2000 {
		clients = append(clients, fmt.Sprintf("client-%04d", i))
	}
	e := &opError{op: "searching issues", clients: clients, jql: `updated >= "2026-11-27 10:13"`, err: errors.New("boom")}
	want := `jira: searching issues for 2000 clients (client-0000, client-0001, client-0002, …) (jql: updated >= "2026-11-27 10:13"): boom`
	if got := e.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
