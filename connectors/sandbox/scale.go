package sandbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

// The reference load (DESIGN.md) at scale 1: 2,000 clients, each with two
// Jira projects, 100 issues, a Slack Connect channel with one contact, a
// Google Ads account and a Search Console property; 300 people: 50
// account managers, a head of accounts and specialists.
const (
	RefClients         = 2000
	RefPeople          = 300
	RefAccountManagers = 50
	RefIssuesPerClient = 100
)

// ScaledClients is the number of clients at scale (at least one).
func ScaledClients(scale float64) int { return max(1, int(RefClients*scale)) }

// ScaleScenario is the reference load at scale (0.1 is a tenth of its
// clients, issues, channels, Ads accounts and Search Console sites; the
// 300 people stay): an agency whose clients have no messages to replay,
// for measuring a daemon's backfill and idle cycles. Its issues are not
// in the scenario (200,000 of them would make a slow YAML document):
// NewScaled puts them into the Jira fake directly.
func ScaleScenario(scale float64) (*Scenario, error) {
	if scale <= 0 || scale > 1 {
		return nil, fmt.Errorf("scale scenario: scale must be in (0, 1], not %g", scale)
	}
	clients := ScaledClients(scale)
	var y strings.Builder
	y.Grow(clients * 500)
	fmt.Fprintf(&y, "agency: {name: Reference Agency, timezone: Europe/Kyiv, language: en, slack: {id: T0REFAGENCY, name: Reference Agency}}\npeople:\n")
	for i := range RefPeople {
		role := "specialist, specialty: seo"
		switch {
		case i < RefAccountManagers:
			role = "account_manager, capacity: {max_clients: 60}"
		case i == RefPeople-1:
			role = "head"
		}
		fmt.Fprintf(&y, "  - {id: p%03d, name: Person %d, email: p%d@agency.example, role: %s, slack_user_id: U0P%07d, jira_account_id: acc-%d}\n",
			i, i, i, role, i, i)
	}
	y.WriteString("clients:\n")
	for c := range clients {
		fmt.Fprintf(&y, "  - {id: c%04d, name: Client %d, account_manager: p%03d, head: p%03d, specialists: [p%03d], jira_projects: [P%dA, P%dB],"+
			" slack_channels: [{id: C0CH%06d, name: ext-c%04d}], slack_team: {id: T0CL%06d, name: Client %d},"+
			" contacts: [{id: k%04d, name: Contact %d, email: k%d@client%d.example}],"+
			" google_ads: {customer_ids: [\"%010d\"], login_customer_id: \"%s\"}, search_console: {properties: [\"sc-domain:client%d.example\"]}}\n",
			c, c, c%RefAccountManagers, RefPeople-1, RefAccountManagers+c%(RefPeople-RefAccountManagers-1), c, c,
			c, c, c, c,
			c, c, c, c,
			5000000000+c, GoogleManagerID, c)
	}
	return ParseScenario(fmt.Sprintf("reference-load-%g.yaml", scale), []byte(y.String()))
}

// NewScaled builds a sandbox seeded with ScaleScenario(scale) (opts.Seed
// is ignored) and puts the scale's issues into its Jira fake: 100 per
// client over its two projects, as sync/bench's rule load has them — a
// fifth done, a tenth without a due date, due dates spread over 45 days
// either side of the sandbox's start.
func NewScaled(opts Options, scale float64) (*Sandbox, error) {
	sc, err := ScaleScenario(scale)
	if err != nil {
		return nil, err
	}
	opts.Seed = sc
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := s.seedScaleIssues(len(sc.Clients)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Sandbox) seedScaleIssues(clients int) error {
	start := s.start
	base := start.Truncate(24 * time.Hour)
	statuses := []string{"To Do", "In Progress", "In Review", "To Do", "Done"}
	for c := range clients {
		for n := range RefIssuesPerClient {
			p := fmt.Sprintf("P%dA", c)
			if n%2 == 1 {
				p = fmt.Sprintf("P%dB", c)
			}
			in := jirafake.Issue{Project: p, Summary: "Prepare the monthly report", Status: statuses[n%len(statuses)],
				Assignee: fmt.Sprintf("acc-%d", RefAccountManagers+(c+n)%(RefPeople-RefAccountManagers-1)),
				Updated:  start.Add(-time.Hour), Created: start.Add(-30 * 24 * time.Hour)}
			if n%10 != 0 {
				in.DueDate = base.AddDate(0, 0, (n*7+c)%90-45).Format(time.DateOnly)
			}
			if in.Status == "Done" {
				in.ResolutionDate = in.Updated
			}
			if _, err := s.jira.PutIssue(in); err != nil {
				return fmt.Errorf("seeding the reference load's issues: %w", err)
			}
		}
	}
	return nil
}
