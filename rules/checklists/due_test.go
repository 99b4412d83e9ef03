package checklists

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

func officeCal(t *testing.T, loc *time.Location) *hours.Calendar {
	t.Helper()
	w, err := hours.ParseWeek([]string{"mon-fri 09:00-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	xmas, _ := hours.ParseDate("2026-12-25")
	return &hours.Calendar{Location: loc, Week: w, Holidays: []hours.Date{xmas}}
}

func testClient(t *testing.T) Client {
	t.Helper()
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	cal := officeCal(t, kyiv)
	return Client{ID: "acme", Name: "Acme", Location: kyiv, StartDate: "2026-11-16", Projects: []string{"ACME", "ACMEADS"},
		AM:          &Assignee{ID: "anna", JiraAccountID: "acc-anna", Calendar: cal},
		Specialists: []Assignee{{ID: "kate", Specialty: "ppc", JiraAccountID: "acc-kate", Calendar: cal}, {ID: "oleh", Specialty: "seo", JiraAccountID: "acc-oleh", Calendar: cal}},
		Config: Config{Enabled: true, Lists: map[string]Checklist{
			"monthly-report": {Items: []string{"Pull the numbers", " Write the summary "}, AssigneeRole: connectors.RoleAccountManager, DueOffsetDays: 3, Schedule: "monthly:2"},
			"seo-audit":      {Items: []string{"Crawl"}, AssigneeRole: connectors.RoleSpecialist, Specialty: "seo", DueOffsetDays: 1, Schedule: "weekly:mon"},
			"onboarding":     {Items: []string{"Accesses"}, AssigneeRole: connectors.RoleAccountManager, DueOffsetDays: 5, Schedule: ScheduleOnStart},
			"budget":         {Items: []string{"Check spend"}, AssigneeRole: connectors.RoleFinance, Schedule: "monthly:1"},
		}},
	}
}

func TestDue(t *testing.T) {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	at := func(day, hour int) time.Time { return time.Date(2026, 12, day, hour, 0, 0, 0, kyiv) }
	tests := []struct {
		name string
		now  time.Time
		edit func(c *Client)
		want []string // idempotency key → due date
	}{
		{"Tuesday 1 December: budget (monthly:1) and the week's seo audit", at(1, 10), nil,
			[]string{"checklist/acme/budget/2026-12=2026-12-01", "checklist/acme/seo-audit/2026-W49=2026-12-01"}},
		{"Wednesday 2 December: the monthly report too, due 3 working days later", at(2, 0), nil,
			[]string{"checklist/acme/budget/2026-12=2026-12-01", "checklist/acme/monthly-report/2026-12=2026-12-07", "checklist/acme/seo-audit/2026-W49=2026-12-01"}},
		{"30 November 23:30 UTC is already 1 December in Kyiv", time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), nil,
			[]string{"checklist/acme/budget/2026-12=2026-12-01", "checklist/acme/seo-audit/2026-W49=2026-12-01"}},
		{"after the catch-up week nothing monthly is due", at(9, 10), nil,
			[]string{"checklist/acme/seo-audit/2026-W50=2026-12-08"}},
		{"on_start on the start date", time.Date(2026, 11, 16, 9, 0, 0, 0, kyiv), nil,
			[]string{"checklist/acme/onboarding/start=2026-11-23", "checklist/acme/seo-audit/2026-W47=2026-11-17"}},
		{"no run before the client's start", at(1, 10), func(c *Client) { c.StartDate = "2026-12-03" }, nil},
		{"a monthly run scheduled before the start is not made", at(4, 10), func(c *Client) { c.StartDate = "2026-12-02" },
			[]string{"checklist/acme/monthly-report/2026-12=2026-12-07", "checklist/acme/onboarding/start=2026-12-09"}},
		{"skipped lists are not run", at(2, 10), func(c *Client) { c.Config.Skip = []string{"budget", "seo-audit"} },
			[]string{"checklist/acme/monthly-report/2026-12=2026-12-07"}},
		{"disabled for the client", at(2, 10), func(c *Client) { c.Config.Enabled = false }, nil},
		{"due dates skip weekends and holidays", time.Date(2026, 12, 24, 9, 0, 0, 0, kyiv), func(c *Client) {
			c.Config.Lists = map[string]Checklist{"x": {Items: []string{"a"}, AssigneeRole: connectors.RoleAccountManager, DueOffsetDays: 2, Schedule: "weekly:thu"}}
		}, []string{"checklist/acme/x/2026-W52=2026-12-29"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(t)
			if tt.edit != nil {
				tt.edit(&c)
			}
			runs, skipped := Due(Input{Clients: []Client{c}}, tt.now)
			var got []string
			for _, r := range runs {
				got = append(got, r.IdempotencyKey+"="+r.DueDate)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("runs %v\nwant %v", got, tt.want)
			}
			if len(skipped) != 0 {
				t.Errorf("skipped %v", skipped)
			}
		})
	}
}

func TestRunContent(t *testing.T) {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	c := testClient(t)
	runs, _ := Due(Input{Clients: []Client{c}}, time.Date(2026, 12, 2, 10, 0, 0, 0, kyiv))
	byList := map[string]Run{}
	for _, r := range runs {
		byList[r.List] = r
	}
	mr := byList["monthly-report"]
	if mr.Project != "ACME" || mr.Assignee != "anna" || mr.AssigneeAccount != "acc-anna" {
		t.Errorf("monthly report: %+v", mr)
	}
	if mr.Summary != "monthly-report · Acme · 2026-12" {
		t.Errorf("summary %q", mr.Summary)
	}
	if !strings.HasPrefix(mr.Description, "☐ Pull the numbers\n☐ Write the summary\n") {
		t.Errorf("description %q", mr.Description)
	}
	if strings.Join(mr.Labels, ",") != "liaison-checklist,monthly-report" {
		t.Errorf("labels %v", mr.Labels)
	}
	if a := byList["seo-audit"]; a.Assignee != "oleh" {
		t.Errorf("the seo audit goes to %q, want the seo specialist", a.Assignee)
	}
	if b := byList["budget"]; b.Assignee != "" || b.AssigneeAccount != "" {
		t.Errorf("no finance person, yet the budget goes to %q", b.Assignee)
	}
}

func TestDueWithoutProject(t *testing.T) {
	c := testClient(t)
	c.Projects = nil
	runs, skipped := Due(Input{Clients: []Client{c}}, time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	if len(runs) != 0 || len(skipped) != 3 || skipped[0].Reason == "" {
		t.Errorf("runs %v, skipped %v", runs, skipped)
	}
}
