package workload

import (
	"fmt"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/hours"
)

// benchInput is the reference load: 300 people (50 AMs, 250 specialists)
// in five zones with vacations, 2,000 clients, 200,000 tasks with due
// dates spread over two months around now, some done, some undated.
func benchInput(b *testing.B) (Input, time.Time) {
	zones := []string{"Europe/Kyiv", "America/New_York", "Asia/Almaty", "Europe/Berlin", "Australia/Sydney"}
	now := time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)
	in := Input{Config: DefaultConfig()}
	for i := range 300 {
		loc := mustLoc(b, zones[i%len(zones)])
		p := Person{ID: fmt.Sprintf("p%03d", i), Name: fmt.Sprintf("Person %d", i), Role: connectors.RoleSpecialist,
			JiraAccountID: fmt.Sprintf("acc-%03d", i), Calendar: officeCal(b, loc, "2026-12-09")}
		if i < 50 {
			p.Role = connectors.RoleAccountManager
		}
		in.People = append(in.People, p)
	}
	for c := range 2000 {
		in.Clients = append(in.Clients, Client{ID: fmt.Sprintf("client-%04d", c), Name: fmt.Sprintf("Client %d", c),
			AM: fmt.Sprintf("p%03d", c%50), Projects: []string{fmt.Sprintf("P%dA", c), fmt.Sprintf("P%dB", c)}})
	}
	base := hours.DateOf(now)
	cats := []connectors.StatusCategory{connectors.StatusCategoryNew, connectors.StatusCategoryInProgress,
		connectors.StatusCategoryInProgress, connectors.StatusCategoryDone}
	for i := range 200_000 {
		c := i % 2000
		t := connectors.Task{Key: fmt.Sprintf("P%dA-%d", c, i), ProjectKey: fmt.Sprintf("P%dA", c),
			StatusCategory: cats[i%len(cats)], AssigneeAccountID: fmt.Sprintf("acc-%03d", 50+i%250)}
		if i%7 != 0 {
			t.DueDate = base.AddDays(i%60 - 30).String()
		}
		if i%3 == 0 {
			t.RemainingEstimate = connectors.Secs(int64(i%8+1) * 3600)
		} else if i%3 == 1 {
			t.OriginalEstimate, t.TimeSpent = connectors.Secs(6*3600), connectors.Secs(int64(i%5)*3600)
		}
		in.Tasks = append(in.Tasks, t)
	}
	return in, now
}

func BenchmarkEvaluate(b *testing.B) {
	in, now := benchInput(b)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(Evaluate(in, now))
	}
	b.ReportMetric(float64(n), "findings")
}
