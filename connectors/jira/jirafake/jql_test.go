package jirafake

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

var testNow = time.Date(2026, 11, 27, 10, 13, 42, 0, time.UTC)

// jqlSite seeds a small site where each issue isolates one JQL feature.
func jqlSite(t *testing.T, tz *time.Location) *Fake {
	t.Helper()
	f := New(Options{Clock: clock.NewFake(testNow), TimeZone: tz})
	for _, p := range []Project{{Key: "ACME", Name: "Acme Corp"}, {Key: "BETA"}, {Key: "OR1", Name: "Gamma"}} {
		if _, err := f.AddProject(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.AddUser(User{AccountID: "u-anna", DisplayName: "Anna", Email: "anna@agency.example"}); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	seeds := []Issue{
		{Project: "ACME", Summary: "a1", Status: "To Do", Labels: []string{"seo"}, Updated: at("2026-11-27T10:13:00Z"), DueDate: "2026-11-27", Assignee: "u-anna"},
		{Project: "ACME", Summary: "a2", Status: "In Progress", Labels: []string{"ppc", "urgent"}, Updated: at("2026-11-27T10:12:59Z")},
		{Project: "ACME", Summary: "a3", Status: "Done", Updated: at("2026-11-26T08:00:00Z"), DueDate: "2026-11-28"},
		{Project: "BETA", Summary: "b1", Status: "In Review", Labels: []string{"seo"}, Updated: at("2026-11-20T00:00:00Z"),
			Properties: map[string]json.RawMessage{"liaison": json.RawMessage(`{"key":"q-1","n":3}`)}},
		{Project: "OR1", Summary: "g1", Status: "To Do", Updated: at("2026-11-27T09:00:00Z"), Assignee: DefaultAccountID},
	}
	for _, s := range seeds {
		s.Created = s.Updated
		if _, err := f.PutIssue(s); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func runJQL(t *testing.T, f *Fake, jql string) ([]string, error) {
	t.Helper()
	q, err := parseJQL(jql)
	if err != nil {
		return nil, err
	}
	f.sortUpdatedIndex()
	f.mu.RLock()
	defer f.mu.RUnlock()
	env := &jqlEnv{f: f, now: f.clock.Now(), tz: f.tz, me: f.users[0]}
	cq, err := env.compile(q)
	if err != nil {
		return nil, err
	}
	res, err := f.resultLocked(env, cq, jql)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, is := range res.issues {
		keys = append(keys, is.key)
	}
	return keys, nil
}

func TestJQLMatchesAndOrders(t *testing.T) {
	f := jqlSite(t, time.UTC)
	tests := []struct {
		jql  string
		want []string
	}{
		{`project in (ACME, BETA, "Gamma") ORDER BY key ASC`, []string{"ACME-1", "ACME-2", "ACME-3", "BETA-1", "OR1-1"}},
		{`project = acme ORDER BY key ASC`, []string{"ACME-1", "ACME-2", "ACME-3"}},
		{`project = "OR1"`, []string{"OR1-1"}},
		{`project in (ACME, BETA) AND updated >= "2026-11-27 10:13" ORDER BY updated ASC, key ASC`, []string{"ACME-1"}},
		{`project = ACME AND updated > "2026-11-27 10:12" ORDER BY updated ASC`, []string{"ACME-2", "ACME-1"}},
		{`project = ACME AND updated < "2026/11/27 10:13" ORDER BY key ASC`, []string{"ACME-2", "ACME-3"}},
		{`project = ACME AND updated <= "2026-11-27" ORDER BY key ASC`, []string{"ACME-3"}},
		{`key in (ACME-2, "BETA-1") ORDER BY key DESC`, []string{"BETA-1", "ACME-2"}},
		{`labels = seo ORDER BY key ASC`, []string{"ACME-1", "BETA-1"}},
		{`labels in (urgent, seo) ORDER BY key ASC`, []string{"ACME-1", "ACME-2", "BETA-1"}},
		// Jira's != never matches an empty field; NOT does.
		{`labels != seo ORDER BY key ASC`, []string{"ACME-2"}},
		{`NOT labels = seo ORDER BY key ASC`, []string{"ACME-2", "ACME-3", "OR1-1"}},
		{`labels is EMPTY ORDER BY key ASC`, []string{"ACME-3", "OR1-1"}},
		{`statusCategory != Done ORDER BY key ASC`, []string{"ACME-1", "ACME-2", "BETA-1", "OR1-1"}},
		{`statusCategory = "In Progress" ORDER BY key ASC`, []string{"ACME-2", "BETA-1"}},
		{`statusCategory in (new, done) AND project = ACME ORDER BY key ASC`, []string{"ACME-1", "ACME-3"}},
		{`duedate <= "2026-11-27" ORDER BY key ASC`, []string{"ACME-1"}},
		{`duedate >= "2026-11-27 10:13" ORDER BY key ASC`, []string{"ACME-3"}},
		{`issue.property[liaison].key = "q-1"`, []string{"BETA-1"}},
		{`issue.property[liaison].n = 3`, []string{"BETA-1"}},
		{`(project = BETA OR labels = ppc) AND NOT statusCategory = done ORDER BY key ASC`, []string{"ACME-2", "BETA-1"}},
		{`project = ACME OR project = BETA AND labels = seo ORDER BY key ASC`, []string{"ACME-1", "ACME-2", "ACME-3", "BETA-1"}},
		{`assignee = currentUser()`, []string{"OR1-1"}},
		{`assignee is EMPTY AND project = ACME ORDER BY key ASC`, []string{"ACME-2", "ACME-3"}},
		{`updated >= -2h ORDER BY updated DESC`, []string{"ACME-1", "ACME-2", "OR1-1"}},
		{`project = ACME ORDER BY duedate ASC, key DESC`, []string{"ACME-1", "ACME-3", "ACME-2"}},
		// Without ORDER BY the fake orders by key descending.
		{`project = ACME`, []string{"ACME-3", "ACME-2", "ACME-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.jql, func(t *testing.T) {
			got, err := runJQL(t, f, tt.jql)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestJQLUserTimeZone(t *testing.T) {
	// "2026-11-26 09:30" is 07:30 UTC in Kyiv (UTC+2 in November), so ACME-3
	// (updated 08:00 UTC) matches there and not for a UTC user.
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	for _, tc := range []struct {
		tz   *time.Location
		want []string
	}{
		{time.UTC, []string{"ACME-1", "ACME-2"}},
		{kyiv, []string{"ACME-1", "ACME-2", "ACME-3"}},
	} {
		f := jqlSite(t, tc.tz)
		got, err := runJQL(t, f, `project = ACME AND updated >= "2026-11-26 09:30" ORDER BY key ASC`)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) {
			t.Fatalf("%s: got %v, want %v", tc.tz, got, tc.want)
		}
	}
}

func TestJQLErrors(t *testing.T) {
	f := jqlSite(t, time.UTC)
	tests := []struct{ jql, want string }{
		{`project = NOPE`, "The value 'NOPE' does not exist for the field 'project'."},
		{`project in (ACME, "Nope Inc")`, "The value 'Nope Inc' does not exist for the field 'project'."},
		{`project ACME`, "Error in the JQL Query: Expecting operator but got 'ACME'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)"},
		{`project =`, "Error in the JQL Query: Expecting either a value, list or function before the end of the query."},
		{`project = OR`, "Error in the JQL Query: Expecting either a value, list or function but got 'OR'. You must surround 'OR' in quotation marks to use it as a value. (line 1, character 11)"},
		{`project in (ACME BETA)`, "Error in the JQL Query: Expecting ',' or ')' but got 'BETA'. (line 1, character 18)"},
		{`(project = ACME`, "Error in the JQL Query: Expecting ')' before the end of the query."},
		{`project = ACME AND`, "Error in the JQL Query: Expecting a field name before the end of the query."},
		{`project = ACME & labels = x`, "Error in the JQL Query: The character '&' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0026' instead. (line 1, character 16)"},
		{`summary ~ "x"`, "Field 'summary' is not supported by the Jira fake; extend connectors/jira/jirafake to search on it."},
		{`foo = bar`, "Field 'foo' does not exist or you do not have permission to view it."},
		{`project ~ ACME`, "The operator '~' is not supported by the 'project' field."},
		{`updated >= "yesterday"`, "Date value 'yesterday' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."},
		{`statusCategory = Finished`, "The value 'Finished' does not exist for the field 'statusCategory'."},
		{`key = ACME-99`, "An issue with key 'ACME-99' does not exist for field 'key'."},
		{`project = ACME ORDER BY labels`, "Not able to sort using field 'labels'."},
		{`project = ACME ORDER BY bogus`, "Field 'bogus' does not exist or you do not have permission to view it."},
		{`updated >= startOfYear()`, "Unable to find JQL function 'startOfYear()'."},
		{`summary = "unterminated`, "Error in the JQL Query: The quoted string '\"unterminated' has not been completed. (line 1, character 11)"},
		{`project = ACME project = BETA`, "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'project'. (line 1, character 16)"},
	}
	for _, tt := range tests {
		t.Run(tt.jql, func(t *testing.T) {
			_, err := runJQL(t, f, tt.jql)
			if err == nil {
				t.Fatal("expected an error")
			}
			if err.Error() != tt.want {
				t.Fatalf("error:\n got %q\nwant %q", err.Error(), tt.want)
			}
			if _, ok := err.(*jqlError); !ok {
				t.Fatalf("error is %T, want *jqlError (answered as 400)", err)
			}
		})
	}
}

func TestJQLParserShape(t *testing.T) {
	q, err := parseJQL(`NOT (a = 1 OR b in (2, "3")) AND c is not empty order by updated asc, key desc`)
	if err != nil {
		t.Fatal(err)
	}
	and, ok := q.where.(jqlAnd)
	if !ok || len(and.parts) != 2 {
		t.Fatalf("top is %T %+v, want a two-part AND", q.where, q.where)
	}
	if _, ok := and.parts[0].(jqlNot); !ok {
		t.Fatalf("first part is %T, want NOT", and.parts[0])
	}
	c := and.parts[1].(*jqlClause)
	if c.op != "IS NOT" || !c.values[0].empty {
		t.Fatalf("second clause = %+v, want IS NOT EMPTY", c)
	}
	if len(q.order) != 2 || q.order[0] != (jqlOrder{"updated", false}) || q.order[1] != (jqlOrder{"key", true}) {
		t.Fatalf("order = %+v", q.order)
	}
	if !strings.Contains(c.rawField, "c") {
		t.Fatalf("raw field lost: %+v", c)
	}
}
