package deliver

import (
	"slices"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/workload"
)

func TestRouteFinding(t *testing.T) {
	dir := Agency(t)
	dir.People = append(dir.People, connectors.Person{ID: "fiona", Role: connectors.RoleFinance, SlackUserID: "U0FIONA001"})
	dir.Cfg.Routes = []Route{
		{Rule: "workload", Recipients: []string{"head"}},
		{Rule: "deadline", Severity: "critical", Recipients: []string{"account_manager", "assignee"},
			EscalateTo: []string{"head", "account_manager"}, EscalateAfter: 16 * time.Hour, BypassWorkingHours: true},
		{Rule: "invoices", Recipients: []string{"finance", "channel:C0FINANCE1"}},
		{Recipients: []string{"account_manager"}},
	}
	dir.Clients["beta"] = &connectors.Client{ID: "beta", Name: "Beta", AccountManager: "anna", Head: "sergey"}
	dir.Routes["beta"] = []Route{{Rule: "deadline", Recipients: []string{"specialists", "head"}}}
	dir.Clients["beta"].Specialists = []string{"pavel"}

	crit := MakeFinding("deadline", "acme", "ACME-1", rules.SeverityCritical)
	noAssignee := crit
	noAssignee.Fields = map[string]string{}
	for _, tc := range []struct {
		name     string
		f        rules.Finding
		want     []string
		escalate []string
		bypass   bool
	}{
		{"critical deadline: AM and assignee, head later", crit, []string{"anna", "sergey"}, []string{"helen"}, true},
		{"assignee unknown is skipped", noAssignee, []string{"anna"}, []string{"helen"}, true},
		{"warning falls through to the catch-all", MakeFinding("deadline", "acme", "ACME-2", rules.SeverityWarning), []string{"anna"}, nil, false},
		{"workload goes to the agency's one head", MakeFinding("workload", "", "anna", rules.SeverityWarning), []string{"helen"}, nil, false},
		{"finance and a channel", MakeFinding("invoices", "acme", "2026-10", rules.SeverityInfo), []string{"fiona", "channel:C0FINANCE1"}, nil, false},
		{"client routes first, client head", MakeFinding("deadline", "beta", "BETA-1", rules.SeverityCritical), []string{"pavel", "sergey"}, nil, false},
		{"client without own match uses global", MakeFinding("response", "beta", "BETA-2", rules.SeverityWarning), []string{"anna"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := routeFinding(dir, tc.f)
			if !slices.Equal(got.recipients, tc.want) || !slices.Equal(got.escalate, tc.escalate) || got.bypass != tc.bypass {
				t.Errorf("route = %v escalate %v bypass %v; want %v escalate %v bypass %v",
					got.recipients, got.escalate, got.bypass, tc.want, tc.escalate, tc.bypass)
			}
		})
	}
}

func TestNoRoutesMeansAccountManager(t *testing.T) {
	dir := Agency(t)
	got := routeFinding(dir, MakeFinding("redirect", "acme", "C1/1.2", rules.SeverityWarning))
	if !slices.Equal(got.recipients, []string{"anna"}) {
		t.Errorf("recipients = %v, want the AM", got.recipients)
	}
}

func TestConfigValidateBypass(t *testing.T) {
	c := DefaultConfig()
	c.Routes = []Route{{Severity: "warning", Recipients: []string{"head"}, BypassWorkingHours: true}}
	if err := c.Validate(); err == nil {
		t.Error("bypass_working_hours on a warning route accepted")
	}
	c.Routes[0].Severity = "critical"
	if err := c.Validate(); err != nil {
		t.Errorf("critical bypass route refused: %v", err)
	}
}

// A finding about the agency itself has no client, hence no AM: with no
// route naming anyone for it, it goes to the head rather than nowhere.
func TestClientlessFindingFallsBackToHead(t *testing.T) {
	dir := Agency(t) // no routes: everything to the account manager
	f := MakeFinding("workload", "", "iryna", rules.SeverityWarning)
	if got := routeFinding(dir, f).recipients; !slices.Equal(got, []string{"helen"}) {
		t.Fatalf("recipients %v, want the head", got)
	}
	withClient := MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning)
	if got := routeFinding(dir, withClient).recipients; !slices.Equal(got, []string{"anna"}) {
		t.Fatalf("a client's finding went to %v, want its AM only", got)
	}
}

// A workload finding for an AM has no client: account_manager resolves
// through its am field, while the head's finding (no client, no am) keeps
// going to the head.
func TestWorkloadFindingForAnAMGoesToThatAM(t *testing.T) {
	subj := rules.Subject{Kind: rules.SubjectPerson, ID: "pavel"}
	head := rules.Finding{Key: rules.Key(workload.RuleName, "", subj, workload.KindOverloaded), Rule: workload.RuleName,
		Subject: subj, Severity: rules.SeverityWarning, Title: "Pavel is overloaded",
		Fields: map[string]string{workload.FieldKind: workload.KindOverloaded, workload.FieldPerson: "pavel", workload.FieldClients: "acme"}}
	forAM := head
	forAM.Key = workload.AMKey("pavel", "anna")
	forAM.Severity = rules.SeverityInfo
	forAM.Fields = map[string]string{workload.FieldKind: workload.KindOverloaded, workload.FieldPerson: "pavel",
		workload.FieldClients: "acme", workload.FieldAM: "anna"}
	documented := []Route{
		{Rule: workload.RuleName, Severity: "info", Recipients: []string{RecipientAccountManager}},
		{Rule: workload.RuleName, Recipients: []string{RecipientHead}},
	}
	headOnly := []Route{{Rule: workload.RuleName, Recipients: []string{RecipientHead}}}
	for _, tc := range []struct {
		name   string
		routes []Route
		f      rules.Finding
		want   []string
	}{
		{"default routes: the AM's finding to the AM", nil, forAM, []string{"anna"}},
		{"default routes: the head's finding to the head", nil, head, []string{"helen"}},
		{"documented routes: the AM's finding (info) to the AM", documented, forAM, []string{"anna"}},
		{"documented routes: the head's finding (warning) to the head", documented, head, []string{"helen"}},
		{"workload to the head alone: the AM's finding to the agency's one head", headOnly, forAM, []string{"helen"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := Agency(t)
			dir.Cfg.Routes = tc.routes
			if got := routeFinding(dir, tc.f).recipients; !slices.Equal(got, tc.want) {
				t.Errorf("recipients %v, want %v", got, tc.want)
			}
		})
	}
}
