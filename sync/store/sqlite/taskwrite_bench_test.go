package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// BenchmarkUpsertTaskPageIntoLargeTable times what a first Jira pull does
// per page at the reference load: 100 new tasks of one project, with 300
// people's assignees and scattered due dates, stored in one transaction
// into a table that already holds many projects' tasks. A table of a few
// thousand rows fits SQLite's page cache and hides what each index costs.
func BenchmarkUpsertTaskPageIntoLargeTable(b *testing.B) {
	const projects, perProject = 1000, 50
	s := openTemp(b)
	defer s.Close()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	page := func(project, from int) []connectors.Task {
		out := make([]connectors.Task, 100)
		for i := range out {
			n := from + i
			out[i] = connectors.Task{
				Key: fmt.Sprintf("P%04d-%d", project, n), ID: fmt.Sprint(10_000_000 + project*10_000 + n),
				ProjectKey: fmt.Sprintf("P%04d", project), Summary: "Rewrite the category page titles",
				Status: "In Progress", StatusCategory: connectors.StatusCategoryInProgress,
				AssigneeAccountID: fmt.Sprintf("5b10a2844c20165700ede%03d", r.IntN(300)),
				DueDate:           time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
				RemainingEstimate: connectors.Secs(3600), Labels: []string{"seo"},
				Updated: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(1e6)) * time.Second),
			}
		}
		return out
	}
	for p := range projects {
		for from := 0; from < perProject; from += 100 {
			if err := s.UpsertTasks(ctx, page(p, from)[:min(100, perProject-from)]); err != nil {
				b.Fatal(err)
			}
		}
	}
	n := 0
	for b.Loop() {
		if err := s.UpsertTasks(ctx, page(n%projects, 1000+n)); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
}
