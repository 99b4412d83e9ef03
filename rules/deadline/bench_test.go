package deadline

import (
	"fmt"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// benchInput is an agency far larger than any real one: 2,000 clients in
// five zones, 50 AMs with holidays, 200,000 tasks with due dates spread over
// three months around now, some done, some without a date.
func benchInput(b *testing.B) (Input, time.Time) {
	zones := []string{"Europe/Kyiv", "America/New_York", "Asia/Almaty", "Europe/Berlin", "Australia/Sydney"}
	locs := make([]*time.Location, len(zones))
	for i, z := range zones {
		locs[i] = mustLoc(b, z)
	}
	cals := make([]*hours.Calendar, 50)
	for i := range cals {
		cals[i] = officeCal(b, locs[i%len(locs)], "2026-11-30", "2026-12-25", "2027-01-01")
	}
	const clients, perClient = 2000, 100
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	base, _ := parseDay("2026-11-25")
	cats := []connectors.StatusCategory{todo, doing, doing, todo, done}
	in := Input{JiraBaseURL: "https://agency.atlassian.net", Assignees: map[string]string{}}
	for c := 0; c < clients; c++ {
		p1, p2 := fmt.Sprintf("P%dA", c), fmt.Sprintf("P%dB", c)
		conf := cfg(1+c%3, c%4)
		in.Clients = append(in.Clients, Client{ID: fmt.Sprintf("client-%04d", c), Name: fmt.Sprintf("Client %d", c),
			Location: locs[c%len(locs)], Projects: []string{p1, p2}, AM: fmt.Sprintf("am-%d", c%50),
			AMCalendar: cals[c%50], Config: conf})
		for n := 0; n < perClient; n++ {
			p := p1
			if n%2 == 1 {
				p = p2
			}
			due := ""
			if n%10 != 0 {
				due = dateOf(base + (n*7+c)%90 - 45).String()
			}
			acc := fmt.Sprintf("acc-%d", (c+n)%300)
			in.Assignees[acc] = fmt.Sprintf("person-%d", (c+n)%300)
			in.Tasks = append(in.Tasks, connectors.Task{Key: fmt.Sprintf("%s-%d", p, n), ProjectKey: p,
				Summary: "Prepare the monthly report", Status: "In Progress", StatusCategory: cats[n%len(cats)],
				AssigneeAccountID: acc, DueDate: due})
		}
	}
	return in, now
}

// BenchmarkEvaluate: go test -run '^$' -bench Evaluate -benchmem ./rules/deadline/
func BenchmarkEvaluate(b *testing.B) {
	in, now := benchInput(b)
	var n int
	b.ResetTimer()
	for b.Loop() {
		n = len(Evaluate(in, now))
	}
	b.ReportMetric(float64(n), "findings/op")
}
