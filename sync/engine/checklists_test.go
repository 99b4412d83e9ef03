package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// checklistsYAML is an agency of 30 clients with a monthly report list on
// the 1st and a weekly SEO audit, plus a 31st client that skips both.
func checklistsYAML() string {
	var b strings.Builder
	b.WriteString(`
agency:
  name: Northwind Growth
  timezone: Europe/Kyiv
  language: en
  slack_team_id: T01NWGROWTH
people:
  - {id: olena, name: Olena Kovalenko, email: olena@n.example, role: head, slack_user_id: U01OLENA01}
  - {id: anna, name: Anna Melnyk, email: anna@n.example, role: account_manager, slack_user_id: U01ANNA001, jira_account_id: "712020:anna"}
  - {id: oleh, name: Oleh Savchenko, email: oleh@n.example, role: specialist, specialty: seo, slack_user_id: U01OLEH001,
     jira_account_id: "712020:oleh", hours: ["mon-thu 09:00-18:00"]}
rules:
  checklists:
    lists:
      monthly-report:
        schedule: monthly:1
        assignee_role: account_manager
        due_offset_days: 3
        items: [Pull the numbers, Write the summary, Send to the client]
      seo-audit:
        schedule: weekly:mon
        assignee_role: specialist
        specialty: seo
        due_offset_days: 2
        items: [Crawl the site]
clients:
`)
	for i := 1; i <= 31; i++ {
		fmt.Fprintf(&b, "  - {id: client-%02d, name: Client %d, account_manager: anna, specialists: [oleh], jira_projects: [C%02d]", i, i, i)
		if i == 31 {
			b.WriteString(", rules: {checklists: {skip: [monthly-report, seo-audit]}}")
		}
		b.WriteString("}\n")
	}
	return b.String()
}

type checklistsEnv struct {
	t    *testing.T
	cfg  *configs.Config
	clk  *clock.Fake
	fake *jirafake.Fake
	url  string
}

func newChecklistsEnv(t *testing.T, now time.Time) *checklistsEnv {
	t.Helper()
	cfg, err := configs.Parse("agency.yaml", []byte(checklistsYAML()), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(now)
	fake, srv := jirafake.NewServer(t, jirafake.Options{Clock: clk})
	for i := 1; i <= 31; i++ {
		if _, err := fake.AddProject(jirafake.Project{Key: fmt.Sprintf("C%02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"712020:anna", "712020:oleh"} {
		if err := fake.AddUser(jirafake.User{AccountID: id, DisplayName: id}); err != nil {
			t.Fatal(err)
		}
	}
	return &checklistsEnv{t: t, cfg: cfg, clk: clk, fake: fake, url: srv.URL}
}

func (v *checklistsEnv) store() store.Store {
	v.t.Helper()
	st, err := sqlite.Open(context.Background(), v.t.TempDir(), sqlite.Options{Clock: v.clk})
	if err != nil {
		v.t.Fatal(err)
	}
	v.t.Cleanup(func() { st.Close() })
	return st
}

// runner is a fresh process on st: a new engine and a new Jira client.
func (v *checklistsEnv) runner(st store.Store) *Checklists {
	v.t.Helper()
	jc, err := jira.New(jira.Config{BaseURL: v.url, Email: jirafake.DefaultEmail, APIToken: secret.Secret(jirafake.DefaultToken)},
		jira.Options{Clock: v.clk})
	if err != nil {
		v.t.Fatal(err)
	}
	e := New(func() *configs.Config { return v.cfg }, st, &recorder{}, v.clk, nil)
	return NewChecklists(e, jc)
}

func (v *checklistsEnv) issues(label string) []jirafake.Issue {
	var out []jirafake.Issue
	for _, is := range v.fake.Issues() {
		for _, l := range is.Labels {
			if l == label {
				out = append(out, is)
				break
			}
		}
	}
	return out
}

func requests(f *jirafake.Fake) int {
	n := 0
	for _, c := range f.RequestCounts() {
		n += c
	}
	return n
}

func TestRunChecklistsMonthStartExactlyOnce(t *testing.T) {
	// Tuesday 1 December 2026, 10:00 in Kyiv.
	v := newChecklistsEnv(t, time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	st := v.store()
	if err := v.runner(st).RunChecklists(t.Context()); err != nil {
		t.Fatal(err)
	}
	reports := v.issues("monthly-report")
	if len(reports) != 30 {
		t.Fatalf("%d monthly report tasks, want 30", len(reports))
	}
	audits := v.issues("seo-audit")
	if len(audits) != 30 {
		t.Fatalf("%d seo audits, want 30 (the week's, created late but within the catch-up)", len(audits))
	}
	r := reports[0]
	// The fake renders hard breaks of the description away, so items are
	// checked one by one.
	if r.Assignee != "712020:anna" || r.DueDate != "2026-12-04" || r.IssueType != "Task" ||
		!strings.Contains(r.Description, "☐ Pull the numbers") || !strings.Contains(r.Description, "☐ Send to the client") ||
		!strings.Contains(strings.Join(r.Labels, " "), "liaison-checklist") {
		t.Errorf("monthly report task: %+v", r)
	}
	// Oleh works Monday to Thursday: two working days after Monday 30
	// November is Wednesday 2 December.
	if a := audits[0]; a.Assignee != "712020:oleh" || a.DueDate != "2026-12-02" {
		t.Errorf("seo audit: %+v", a)
	}
	for _, is := range append(reports, audits...) {
		if is.Project == "C31" {
			t.Errorf("client 31 skips its lists, yet %s was created", is.Key)
		}
	}

	// A restart on the same store does not even ask Jira.
	before := requests(v.fake)
	v.clk.Advance(time.Hour)
	if err := v.runner(st).RunChecklists(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(v.fake.Issues()); n != 60 {
		t.Fatalf("%d issues after a restart, want 60", n)
	}
	if d := requests(v.fake) - before; d != 0 {
		t.Errorf("%d Jira requests after a restart, want none", d)
	}

	// A replica with an empty store asks Jira, which finds every task by
	// its idempotency key.
	if err := v.runner(v.store()).RunChecklists(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(v.fake.Issues()); n != 60 {
		t.Fatalf("%d issues after a run on an empty store, want 60", n)
	}

	// Next month: 30 more reports; the week's audits already exist.
	v.clk.Set(time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC))
	if err := v.runner(st).RunChecklists(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(v.issues("monthly-report")); n != 60 {
		t.Errorf("%d monthly reports after January 1st, want 60", n)
	}
}

func TestRunChecklistsWithoutJira(t *testing.T) {
	v := newChecklistsEnv(t, time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	e := New(func() *configs.Config { return v.cfg }, v.store(), &recorder{}, v.clk, nil)
	var nilClient *jira.Client
	if err := NewChecklists(e, nilClient).RunChecklists(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(v.fake.Issues()); n != 0 {
		t.Errorf("%d issues created without Jira", n)
	}
}
