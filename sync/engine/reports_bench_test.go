package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// benchClients is how many clients the benchmark store holds; each has 2
// Ads accounts × 3 campaigns, a Search Console property with 40 queries
// and 15 pages a day, over October and November, and 30 Jira tasks with
// 2 worklogs each: about 4,300 metric rows per client.
const benchClients = 40

func benchEnv(b *testing.B) (*Engine, *countingStore, []string) {
	b.Helper()
	ctx := context.Background()
	var y strings.Builder
	y.WriteString("agency: {name: Bench, timezone: Europe/Kyiv, language: en}\npeople:\n" +
		"  - {id: am, name: A M, email: am@b.example, role: account_manager, slack_user_id: U0AM000001}\n" +
		"  - {id: sp, name: S P, email: sp@b.example, role: specialist, specialty: seo, slack_user_id: U0SP000001, jira_account_id: acc-sp}\nclients:\n")
	var ids []string
	for i := range benchClients {
		id := fmt.Sprintf("c%03d", i)
		ids = append(ids, id)
		fmt.Fprintf(&y, "  - {id: %s, name: Client %d, account_manager: am, jira_projects: [P%03d], google_ads: {customer_ids: [\"%010d\", \"%010d\"]}, "+
			"search_console: {properties: [\"sc-domain:c%d.example\"]}, billing: {currency: UAH}}\n", id, i, i, 2*i+1, 2*i+2, i)
	}
	cfg, err := configs.Parse("bench.yaml", []byte(y.String()), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		b.Fatal(err)
	}
	clk := clock.NewFake(reportNow)
	raw, err := sqlite.Open(ctx, b.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	p, _ := report.ParsePeriod("2026-10")
	days := append(p.Days(), p.Next().Days()...)
	m := func(n int) map[string]float64 {
		f := float64(n%97 + 1)
		return map[string]float64{connectors.MetricClicks: f, connectors.MetricImpressions: 40 * f, connectors.MetricCost: 3.5 * f,
			connectors.MetricConversions: f / 10, connectors.MetricPositionSum: 400 * f}
	}
	for i, id := range ids {
		for a := 1; a <= 2; a++ {
			acct := fmt.Sprintf("%010d", 2*i+a)
			var rows []connectors.MetricRow
			for d, day := range days {
				rows = append(rows, connectors.MetricRow{Source: connectors.SourceAds, ClientID: id, Account: acct, Date: day.String(), Metrics: m(d)})
				for c := range 3 {
					rows = append(rows, connectors.MetricRow{Source: connectors.SourceAds, ClientID: id, Account: acct, Date: day.String(),
						Dimension: fmt.Sprintf("campaign:%d%d", a, c), Metrics: m(d + c)})
				}
			}
			if err := raw.ReplaceMetrics(ctx, connectors.SourceAds, acct, days[0].String(), days[len(days)-1].String(), rows); err != nil {
				b.Fatal(err)
			}
		}
		prop := fmt.Sprintf("sc-domain:c%d.example", i)
		var rows []connectors.MetricRow
		for d, day := range days {
			rows = append(rows, connectors.MetricRow{Source: connectors.SourceGSC, ClientID: id, Account: prop, Date: day.String(), Metrics: m(d)})
			for q := range 40 {
				rows = append(rows, connectors.MetricRow{Source: connectors.SourceGSC, ClientID: id, Account: prop, Date: day.String(),
					Dimension: fmt.Sprintf("query:q%d", q), Metrics: m(d * q)})
			}
			for pg := range 15 {
				rows = append(rows, connectors.MetricRow{Source: connectors.SourceGSC, ClientID: id, Account: prop, Date: day.String(),
					Dimension: fmt.Sprintf("page:/p%d", pg), Metrics: m(d + pg)})
			}
		}
		if err := raw.ReplaceMetrics(ctx, connectors.SourceGSC, prop, days[0].String(), days[len(days)-1].String(), rows); err != nil {
			b.Fatal(err)
		}
		var tasks []connectors.Task
		var logs []connectors.Worklog
		for k := range 30 {
			at := time.Date(2026, 11, 1+k%28, 12, 0, 0, 0, time.UTC)
			key := fmt.Sprintf("P%03d-%d", i, k+1)
			t := connectors.Task{Key: key, ProjectKey: fmt.Sprintf("P%03d", i), Summary: "task", Status: "Done",
				StatusCategory: connectors.StatusCategoryDone, AssigneeAccountID: "acc-sp", Updated: at, Resolved: at}
			if k%3 == 0 {
				t.Status, t.StatusCategory, t.Resolved = "In Progress", connectors.StatusCategoryInProgress, time.Time{}
			}
			tasks = append(tasks, t)
			for w := range 2 {
				logs = append(logs, connectors.Worklog{ID: fmt.Sprintf("%s-%d", key, w), IssueKey: key, AuthorAccountID: "acc-sp",
					Started: at.Add(-time.Duration(w) * 24 * time.Hour), Seconds: 1800, Updated: at})
			}
		}
		if err := raw.UpsertTasks(ctx, tasks); err != nil {
			b.Fatal(err)
		}
		if err := raw.UpsertWorklogs(ctx, logs); err != nil {
			b.Fatal(err)
		}
	}
	st := &countingStore{Store: raw}
	return New(func() *configs.Config { return cfg }, st, nil, clk, nil), st, ids
}

// BenchmarkClientReport builds one client's monthly report from a store
// holding benchClients clients: one op is one client's report. It reports
// the store reads each report takes.
func BenchmarkClientReport(b *testing.B) {
	e, st, ids := benchEnv(b)
	ctx := context.Background()
	nov, _ := report.ParsePeriod("2026-11")
	st.reads.Store(0)
	n := 0
	for b.Loop() {
		if _, err := e.ClientReport(ctx, ids[n%len(ids)], nov, reportNow); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(st.reads.Load())/float64(n), "reads/report")
}

// BenchmarkInvoices builds the finance workbook for November over every
// benchmark client: one worklog query in all, one Ads query per client.
func BenchmarkInvoices(b *testing.B) {
	e, st, _ := benchEnv(b)
	ctx := context.Background()
	st.reads.Store(0)
	n := 0
	for b.Loop() {
		if _, err := e.Invoices(ctx, "2026-11", reportNow); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(st.reads.Load())/float64(n), "reads/op")
}
