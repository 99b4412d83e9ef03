package reports_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/liaisonhq/liaison/sync/reports"
)

// refreshAll publishes n clients' reports and returns the requests the
// fake counted.
func refreshAll(tb testing.TB, p *reports.Publisher, n, days int) {
	tb.Helper()
	ctx := context.Background()
	for i := range n {
		c := acme()
		c.ID = fmt.Sprintf("client%04d", i)
		c.Report.Recipients = []string{fmt.Sprintf("owner@%s.example", c.ID)}
		c.Contacts = nil
		if _, err := p.Publish(ctx, clientTarget(c, days)); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestUnchangedRefreshSendsNothing: many clients' daily refresh with
// nothing new sends no request at all: the state comes from the store.
func TestUnchangedRefreshSendsNothing(t *testing.T) {
	e := newEnv(t)
	p, _ := reports.New(reports.Options{Sheets: e.sheet, Store: e.st, Clock: e.clk})
	refreshAll(t, p, 40, 20)
	e.fake.ResetCounts()
	refreshAll(t, p, 40, 20)
	if tr := e.fake.Traffic(); tr.Writes+tr.Sharing+tr.Reads != 0 {
		t.Fatalf("unchanged refresh of 40 clients sent %+v", tr)
	}
	// A day later every file is verified once (1 Drive read each) and
	// its permissions listed (1 read): still no write.
	e.clk.Advance(25 * 60 * 60 * 1e9)
	refreshAll(t, p, 40, 20)
	if tr := e.fake.Traffic(); tr.Writes != 0 || tr.Reads != 80 {
		t.Fatalf("daily verification of 40 clients sent %+v; want 0 writes, 80 reads", tr)
	}
}

// BenchmarkRefreshUnchanged2000 measures the daily refresh of 2,000
// clients' reports when nothing changed, after a first run created and
// shared them all; it reports the requests sent per refresh.
func BenchmarkRefreshUnchanged2000(b *testing.B) {
	const clients = 2000
	e := newEnv(b)
	p, _ := reports.New(reports.Options{Sheets: e.sheet, Store: e.st, Clock: e.clk})
	refreshAll(b, p, clients, 20)
	first := e.fake.Traffic()
	b.ResetTimer()
	for range b.N {
		e.fake.ResetCounts()
		refreshAll(b, p, clients, 20)
	}
	b.StopTimer()
	tr := e.fake.Traffic()
	b.ReportMetric(float64(tr.Writes+tr.Sharing), "writes/refresh")
	b.ReportMetric(float64(tr.Reads), "reads/refresh")
	b.ReportMetric(float64(first.Writes), "first-run-writes")
	b.ReportMetric(float64(first.Sharing), "first-run-sharing-writes")
	b.ReportMetric(float64(first.Reads), "first-run-reads")
}
