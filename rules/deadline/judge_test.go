package deadline

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// Judging task by task and rendering each verdict gives exactly the
// findings Evaluate returns: same keys, fields, severities and former
// kinds, across zones, settings (a disabled client, assignees notified,
// no digest), done, deleted and foreign tasks.
func TestJudgeRendersWhatEvaluateReturns(t *testing.T) {
	kyiv, ny := mustLoc(t, "Europe/Kyiv"), mustLoc(t, "America/New_York")
	in := Input{JiraBaseURL: "https://agency.atlassian.net/", Assignees: map[string]string{"acc-1": "kate"}}
	for i, id := range []string{"delta", "alpha", "charlie", "bravo", "echo"} {
		p := strings.ToUpper(id[:2])
		c := cfg(1+i%3, i%3)
		c.NotifyAssignee = i%2 == 0
		c.NoDueDateDigest = i != 2
		c.Enabled = i != 4
		in.Clients = append(in.Clients, Client{ID: id, Name: "Client " + id, Location: []*time.Location{kyiv, ny}[i%2],
			Projects: []string{p}, AM: "am-" + id, AMCalendar: officeCal(t, kyiv, "2026-11-27"), Config: c})
		for n := range 30 {
			due := ""
			if n%6 != 0 {
				due = fmt.Sprintf("2026-11-%02d", 10+n%20)
			}
			tk := task(fmt.Sprintf("%s-%d", p, n), []connectors.StatusCategory{todo, doing, doing, done}[n%4], due)
			tk.AssigneeAccountID = []string{"", "acc-1", "acc-2"}[n%3]
			tk.Deleted = n == 7
			in.Tasks = append(in.Tasks, tk)
		}
	}
	in.Tasks = append(in.Tasks, task("ZZ-1", doing, "2026-11-20"))
	now := wall(t, kyiv, "2026-11-25 12:00")
	want := Evaluate(in, now)
	if len(want) == 0 {
		t.Fatal("the input yields no findings")
	}
	j := NewJudge(in, now)
	var got []rules.Finding
	for i := range in.Tasks {
		tk := &in.Tasks[i]
		v, ok := j.Task(tk)
		if !ok {
			continue
		}
		f := j.Finding(tk, v)
		if k := j.Key(tk, &v); f.Key != k || f.ClientID != j.ClientID(v) || j.Finding(tk, v).Key != k {
			t.Errorf("%s: key %s, client %s; Key %s, ClientID %s", tk.Key, f.Key, f.ClientID, k, j.ClientID(v))
		}
		if f.Fields[FieldKind] != v.Kind || f.Severity != v.Severity {
			t.Errorf("%s: finding kind %s/%v, verdict %s/%v", tk.Key, f.Fields[FieldKind], f.Severity, v.Kind, v.Severity)
		}
		got = append(got, f)
	}
	slices.SortFunc(got, func(a, b rules.Finding) int {
		return cmp.Or(strings.Compare(a.ClientID, b.ClientID), strings.Compare(a.Key, b.Key))
	})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("judged and rendered task by task:\n%v\nEvaluate:\n%v", got, want)
	}
}
