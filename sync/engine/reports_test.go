package engine

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/google/oauthfake"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/connectors/googleads/googleadsfake"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/searchconsole"
	"github.com/liaisonhq/liaison/connectors/searchconsole/searchconsolefake"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// reportYAML: Acme has two Ads accounts and two Search Console
// properties, its work in the ACME Jira project, and bills in UAH; Bolt
// has no Ads and bills in EUR.
const reportYAML = `
agency:
  name: Northwind Growth
  timezone: Europe/Kyiv
  language: en
people:
  - {id: anna, name: Anna Melnyk, email: anna@n.example, role: account_manager, slack_user_id: U01ANNA001, jira_account_id: "712020:anna"}
  - {id: kate, name: Kate Bondar, email: kate@n.example, role: specialist, specialty: ppc, slack_user_id: U01KATE001, jira_account_id: "712020:kate"}
  - {id: ivan, name: Ivan Sydorenko, email: ivan@n.example, role: specialist, specialty: seo, slack_user_id: U01IVAN001, jira_account_id: "712020:ivan"}
  - {id: fin, name: Fedir, email: fin@n.example, role: finance, slack_user_id: U01FIN0001}
clients:
  - id: acme
    name: Acme
    account_manager: anna
    specialists: [kate, ivan]
    jira_projects: [ACME]
    google_ads: {customer_ids: ["1000000001", "1000000002"], login_customer_id: "9990000001"}
    search_console: {properties: ["https://acme.example/", "sc-domain:acme-shop.example"]}
    report: {recipients: [petro@acme.example], final_run_day: 5}
    billing:
      currency: UAH
      retainer: 20000
      ads_management_fee_pct: 15
      rates: {roles: {specialist: 900, account_manager: 700}, people: {ivan: 1100}}
  - id: bolt
    name: Bolt
    account_manager: anna
    jira_projects: [BOLT]
    billing: {currency: EUR, rates: {roles: {specialist: 45}}}
connections:
  jira: {base_url: "https://northwind.atlassian.net", email: bot@n.example, api_token: not-a-real-token}
`

const (
	oauthClient = "liaison-test.apps.googleusercontent.com"
	oauthSecret = "GOCSPX-secret"
	oauthToken  = "1//refresh"
	googleUser  = "ppc@agency.example"
)

// countingStore counts the reads a report makes.
type countingStore struct {
	store.Store
	reads atomic.Int64
}

func (c *countingStore) QueryMetrics(ctx context.Context, q store.MetricQuery) ([]store.MetricTotal, error) {
	c.reads.Add(1)
	return c.Store.QueryMetrics(ctx, q)
}

func (c *countingStore) ListTasks(ctx context.Context, f store.TaskFilter) ([]connectors.Task, error) {
	c.reads.Add(1)
	return c.Store.ListTasks(ctx, f)
}

func (c *countingStore) SumWorklogs(ctx context.Context, q store.WorklogQuery) ([]store.WorklogSum, error) {
	c.reads.Add(1)
	return c.Store.SumWorklogs(ctx, q)
}

type reportEnv struct {
	cfg  *configs.Config
	st   *countingStore
	e    *Engine
	ads  *googleadsfake.Fake
	gsc  *searchconsolefake.Fake
	logs []connectors.Worklog
}

// Friday 5 December 2026, 10:00 in Kyiv: November's final run day, with
// every November day final in Search Console.
var reportNow = time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)

// newReportEnv pulls Acme's Ads and Search Console data from the fakes
// into a SQLite store through the real connectors, and stores Jira tasks
// and worklogs as the Jira connector records them.
func newReportEnv(t *testing.T) *reportEnv {
	t.Helper()
	ctx := context.Background()
	cfg, err := configs.Parse("agency.yaml", []byte(reportYAML), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(reportNow)
	raw, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	env := &reportEnv{cfg: cfg, st: &countingStore{Store: raw}}

	oauth := oauthfake.New(oauthfake.Options{Clock: clk})
	oauth.AddClient(oauthClient, oauthSecret)
	oauth.AddRefreshToken(oauthClient, oauthToken, googleUser)
	env.ads = googleadsfake.New(googleadsfake.Options{Clock: clk, Auth: oauth})
	env.gsc = searchconsolefake.New(searchconsolefake.Options{Clock: clk, Auth: oauth})
	if err := env.ads.AddManager("9990000001", googleUser); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"1000000001", "1000000002"} {
		zone := []string{"Europe/Kyiv", "America/New_York"}[i]
		if err := env.ads.AddAccount(googleadsfake.Account{CustomerID: id, Managers: []string{"9990000001"},
			Campaigns: 1 + i, Currency: "UAH", TimeZone: zone}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"https://acme.example/", "sc-domain:acme-shop.example"} {
		if err := env.gsc.AddSite(searchconsolefake.Site{URL: p, Owners: []string{googleUser}}); err != nil {
			t.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/token", oauth.Handler())
	mux.Handle("/ads/", http.StripPrefix("/ads", env.ads.Handler()))
	mux.Handle("/gsc/", http.StripPrefix("/gsc", env.gsc.Handler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	gcfg := google.DefaultConfig()
	gcfg.TokenURL = srv.URL + "/token"
	gcfg.OAuth = google.OAuth{ClientID: oauthClient, ClientSecret: oauthSecret, RefreshToken: oauthToken}
	gcfg.Ads.DeveloperToken = googleadsfake.DefaultDeveloperToken
	gcfg.Ads.BaseURL = srv.URL + "/ads/"
	gcfg.SearchConsoleBaseURL = srv.URL + "/gsc/"
	hc := httpx.NewClient(httpx.Options{Name: "test", RetryMax: 1, WaitMin: time.Millisecond, WaitMax: time.Millisecond})
	ts, err := google.TokenSource(ctx, gcfg, hc, clk, google.ScopeAds, google.ScopeSearchConsoleReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	kyiv := cfg.ClientLocation("acme")
	as, err := googleads.New(gcfg, googleads.Options{HTTPClient: hc, TokenSource: ts, Store: raw, Clock: clk, Location: kyiv})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := as.Sync(ctx, []googleads.Account{{ClientID: "acme", CustomerID: "1000000001", LoginCustomerID: "9990000001"},
		{ClientID: "acme", CustomerID: "1000000002", LoginCustomerID: "9990000001"}}); err != nil {
		t.Fatal(err)
	}
	gs, err := searchconsole.New(gcfg, searchconsole.Options{HTTPClient: hc, TokenSource: ts, Store: raw, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gs.Sync(ctx, []searchconsole.Site{{ClientID: "acme", Property: "https://acme.example/"},
		{ClientID: "acme", Property: "sc-domain:acme-shop.example"}}); err != nil {
		t.Fatal(err)
	}

	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, kyiv) }
	tasks := []connectors.Task{
		{Key: "ACME-1", ProjectKey: "ACME", Summary: "Winter campaign", Status: "Done", StatusCategory: connectors.StatusCategoryDone,
			AssigneeAccountID: "712020:kate", Updated: at(11, 20, 12), Resolved: at(11, 20, 12)},
		// Resolved at 00:30 on Dec 1 in Kyiv, still Nov 30 in UTC: December's.
		{Key: "ACME-2", ProjectKey: "ACME", Summary: "Robots.txt", Status: "Done", StatusCategory: connectors.StatusCategoryDone,
			AssigneeAccountID: "712020:ivan", Updated: at(12, 1, 0).Add(30 * time.Minute), Resolved: at(12, 1, 0).Add(30 * time.Minute)},
		{Key: "ACME-3", ProjectKey: "ACME", Summary: "Landing copy", Status: "In Progress", StatusCategory: connectors.StatusCategoryInProgress,
			AssigneeAccountID: "712020:ivan", Updated: at(11, 28, 12)},
		{Key: "ACME-4", ProjectKey: "ACME", Summary: "Old audit", Status: "Done", StatusCategory: connectors.StatusCategoryDone,
			AssigneeAccountID: "712020:ivan", Updated: at(10, 3, 12), Resolved: at(10, 3, 12)},
		{Key: "BOLT-1", ProjectKey: "BOLT", Summary: "Bolt setup", Status: "Done", StatusCategory: connectors.StatusCategoryDone,
			AssigneeAccountID: "712020:kate", Updated: at(11, 10, 12), Resolved: at(11, 10, 12)},
	}
	if err := raw.UpsertTasks(ctx, tasks); err != nil {
		t.Fatal(err)
	}
	n := 0
	add := func(issue, author string, started time.Time, secs int64) {
		n++
		env.logs = append(env.logs, connectors.Worklog{ID: fmt.Sprint(n), IssueKey: issue, AuthorAccountID: author,
			Started: started, Seconds: secs, Updated: started})
	}
	add("ACME-1", "712020:kate", at(11, 3, 10), 3*3600)
	add("ACME-1", "712020:kate", at(11, 18, 10), 5400)
	add("ACME-1", "712020:anna", at(11, 19, 15), 1800)
	add("ACME-2", "712020:ivan", at(11, 30, 23), 2*3600) // Nov 30 23:00 Kyiv
	add("ACME-2", "712020:ivan", at(12, 1, 1), 3600)     // December
	add("ACME-3", "712020:ivan", at(11, 1, 0), 4*3600)   // Nov 1 00:00 Kyiv, Oct 31 in UTC
	add("ACME-4", "712020:ivan", at(10, 2, 10), 7200)    // October
	add("BOLT-1", "712020:kate", at(11, 10, 9), 2*3600+900)
	if err := raw.UpsertWorklogs(ctx, env.logs); err != nil {
		t.Fatal(err)
	}
	env.e = New(func() *configs.Config { return cfg }, env.st, nil, clk, nil)
	return env
}

// summaryCells returns the current and previous cells of a Summary row.
func summaryCells(t *testing.T, wb *table.Workbook, section, label string) (cur, prev float64) {
	t.Helper()
	in := false
	for _, row := range wb.Tab("summary").Rows {
		if len(row) == 1 && row[0].Text == section {
			in = true
		}
		if in && len(row) == 4 && row[0].Text == label {
			return row[1].Num, row[2].Num
		}
	}
	t.Fatalf("no summary row %s / %s", section, label)
	return 0, 0
}

// TestClientReportTotalsFromFakes: the report's figures equal totals
// computed here from what the fakes served (Ads, Search Console) and from
// the raw worklogs, for November and October, with days and resolution
// dates read in the right zones; and a report takes a bounded number of
// store reads.
func TestClientReportTotalsFromFakes(t *testing.T) {
	env := newReportEnv(t)
	ctx := context.Background()
	nov, _ := report.ParsePeriod("2026-11")
	wb, err := env.e.ClientReport(ctx, "acme", nov, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	if reads := env.st.reads.Load(); reads > 10 {
		t.Errorf("%d store reads for one report, want at most 10 (1 + 2 accounts Ads, 5 Search Console, tasks, worklogs)", reads)
	}
	commentaryFromFakes(t, env, wb)
	for _, m := range []struct {
		name     string
		from, to string
		pick     func(cur, prev float64) float64
	}{
		{"November", "2026-11-01", "2026-11-30", func(cur, _ float64) float64 { return cur }},
		{"October", "2026-10-01", "2026-10-31", func(_, prev float64) float64 { return prev }},
	} {
		var ads googleadsfake.Totals
		for _, id := range []string{"1000000001", "1000000002"} {
			a := env.ads.Totals(id, m.from, m.to)
			ads.Impressions += a.Impressions
			ads.Clicks += a.Clicks
			ads.CostMicros += a.CostMicros
			ads.Conversions += a.Conversions
		}
		var gsc searchconsolefake.Totals
		for _, p := range []string{"https://acme.example/", "sc-domain:acme-shop.example"} {
			g := env.gsc.Totals(p, m.from, m.to)
			gsc.Impressions += g.Impressions
			gsc.Clicks += g.Clicks
			gsc.PositionSum += g.PositionSum
		}
		if ads.Clicks == 0 || gsc.Clicks == 0 {
			t.Fatalf("%s: the fakes served no traffic", m.name)
		}
		check := func(section, label string, want float64) {
			t.Helper()
			got := m.pick(summaryCells(t, &wb, section, label))
			if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s %s: report %v, fakes %v", m.name, section, label, got, want)
			}
		}
		check("Google Ads", "Spend", float64(ads.CostMicros)/1e6)
		check("Google Ads", "Clicks", float64(ads.Clicks))
		check("Google Ads", "Impressions", float64(ads.Impressions))
		check("Google Ads", "Conversions", ads.Conversions)
		check("Google Ads", "Cost per conversion", float64(ads.CostMicros)/1e6/ads.Conversions)
		check("Search Console (organic)", "Clicks", float64(gsc.Clicks))
		check("Search Console (organic)", "Impressions", float64(gsc.Impressions))
		check("Search Console (organic)", "Average position", gsc.PositionSum/float64(gsc.Impressions))
	}
	// The Ads tab's total row sums the campaign rows: 3 campaigns × 30 days at most.
	adsTab := wb.Tab("ads")
	last := adsTab.Rows[len(adsTab.Rows)-1]
	if want := env.ads.Totals("1000000001", "2026-11-01", "2026-11-30").Clicks + env.ads.Totals("1000000002", "2026-11-01", "2026-11-30").Clicks; last[4].Num != float64(want) {
		t.Errorf("Ads tab total clicks %v, want %v", last[4].Num, want)
	}
	// Work done: hours from the raw worklogs started in November in Kyiv.
	want := map[string]float64{}
	kyiv := env.cfg.ClientLocation("acme")
	for _, l := range env.logs {
		if d := l.Started.In(kyiv); strings.HasPrefix(l.IssueKey, "ACME-") && d.Month() == time.November {
			want[l.IssueKey] += float64(l.Seconds) / 3600
		}
	}
	work := wb.Tab("work")
	got := map[string]float64{}
	section := ""
	var resolved, inProgress []string
	for _, row := range work.Rows {
		if len(row) == 1 {
			section = row[0].Text
		}
		if len(row) == 5 && row[0].Kind == table.Link {
			got[row[0].Text] = row[4].Num
			if section == "Resolved in the period" {
				resolved = append(resolved, row[0].Text)
			} else {
				inProgress = append(inProgress, row[0].Text)
			}
			if !strings.HasSuffix(row[0].URL, "/browse/"+row[0].Text) {
				t.Errorf("link of %s: %s", row[0].Text, row[0].URL)
			}
		}
	}
	if fmt.Sprint(resolved) != "[ACME-1]" || fmt.Sprint(inProgress) != "[ACME-3]" {
		t.Errorf("resolved %v, in progress %v; want [ACME-1] and [ACME-3]", resolved, inProgress)
	}
	for _, k := range []string{"ACME-1", "ACME-3"} {
		if math.Abs(got[k]-want[k]) > 1e-9 {
			t.Errorf("%s: %v h, want %v h", k, got[k], want[k])
		}
	}
	// Campaigns by the names the fake gave them, not their ids.
	if name := adsTab.Rows[2][2].Text; name == "" || strings.Trim(name, "0123456789") == "" {
		t.Errorf("campaign shown as %q, want its name", name)
	}
	if note := adsTab.Rows[0][0].Text; !strings.Contains(note, "Account 1000000001 (100-000-0001): Europe/Kyiv") || !strings.Contains(note, "Account 1000000002 (100-000-0002): America/New_York") {
		t.Errorf("Ads tab does not name each account's zone: %q", note)
	}
	if !strings.Contains(wb.Tabs[0].Rows[0][0].Text, "final") {
		t.Errorf("report on the final run day is not final: %q", wb.Tabs[0].Rows[0][0].Text)
	}
}

// TestReportPlanFinalised: once the final run is recorded, the period is
// not rewritten unless forced.
func TestReportPlanFinalised(t *testing.T) {
	env := newReportEnv(t)
	ctx := context.Background()
	nov, _ := report.ParsePeriod("2026-11")
	if a, err := env.e.ReportPlan(ctx, "acme", nov, reportNow.Add(-24*time.Hour), false); err != nil || a != report.Refresh {
		t.Fatalf("Dec 4: %v %v, want a refresh", a, err)
	}
	if a, err := env.e.ReportPlan(ctx, "acme", nov, reportNow, false); err != nil || a != report.Final {
		t.Fatalf("Dec 5: %v %v, want the final run", a, err)
	}
	if err := env.e.MarkReportFinal(ctx, "acme", nov, reportNow); err != nil {
		t.Fatal(err)
	}
	if _, err := env.e.ReportPlan(ctx, "acme", nov, reportNow.Add(time.Hour), false); err == nil || !strings.Contains(err.Error(), "-force") {
		t.Errorf("finalised period: %v", err)
	}
	if a, err := env.e.ReportPlan(ctx, "acme", nov, reportNow.Add(time.Hour), true); err != nil || a != report.Final {
		t.Errorf("forced: %v %v", a, err)
	}
	if _, err := env.e.ClientReport(ctx, "nobody", nov, reportNow); err == nil {
		t.Error("unknown client: no error")
	}
}

// TestInvoicesFromStore: the finance workbook's totals equal worklog
// hours × rates + retainer + spend × fee computed here from the raw
// worklogs and the Ads fake; a worklog edited after the month was
// invoiced is listed as an adjustment, not folded into the total.
func TestInvoicesFromStore(t *testing.T) {
	env := newReportEnv(t)
	ctx := context.Background()
	kyiv := env.cfg.ClientLocation("acme")
	rate := map[string]float64{"712020:kate": 900, "712020:anna": 700, "712020:ivan": 1100}
	var labour, bolt float64
	for _, l := range env.logs {
		if l.Started.In(kyiv).Month() != time.November {
			continue
		}
		if strings.HasPrefix(l.IssueKey, "ACME-") {
			labour += float64(l.Seconds) / 3600 * rate[l.AuthorAccountID]
		} else {
			bolt += float64(l.Seconds) / 3600 * 45
		}
	}
	spend := float64(env.ads.Totals("1000000001", "2026-11-01", "2026-11-30").CostMicros+
		env.ads.Totals("1000000002", "2026-11-01", "2026-11-30").CostMicros) / 1e6
	want := map[string]float64{"Acme": labour + 20000 + spend*0.15, "Bolt": bolt}
	totals := func() map[string]table.Cell {
		wb, err := env.e.Invoices(ctx, "2026-11", reportNow)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]table.Cell{}
		for _, row := range wb.Tab("summary").Rows[1:] {
			out[row[1].Text] = row[8]
			out[row[1].Text+"/adj"] = row[9]
		}
		return out
	}
	got := totals()
	for name, w := range want {
		if math.Abs(got[name].Num-w) > 0.02 {
			t.Errorf("%s total %.2f, want %.2f", name, got[name].Num, w)
		}
	}
	if got["Acme"].Currency != "UAH" || got["Bolt"].Currency != "EUR" {
		t.Errorf("currencies %s, %s", got["Acme"].Currency, got["Bolt"].Currency)
	}
	if ok, err := env.e.RecordInvoiced(ctx, "2026-11", reportNow); err != nil || !ok {
		t.Fatalf("recording November: %v %v", ok, err)
	}
	// Kate logs an hour on November after it was invoiced.
	late := connectors.Worklog{ID: "late", IssueKey: "ACME-1", AuthorAccountID: "712020:kate",
		Started: time.Date(2026, 11, 28, 10, 0, 0, 0, kyiv), Seconds: 3600, Updated: reportNow}
	if err := env.st.UpsertWorklogs(ctx, []connectors.Worklog{late}); err != nil {
		t.Fatal(err)
	}
	after := totals()
	if after["Acme"].Num != got["Acme"].Num {
		t.Errorf("invoiced total changed from %.2f to %.2f", got["Acme"].Num, after["Acme"].Num)
	}
	if adj := after["Acme/adj"]; adj.Blank || adj.Num != 900 {
		t.Errorf("adjustment %+v, want +900", adj)
	}
}

func TestOpsSheetWeekly(t *testing.T) {
	env := newReportEnv(t)
	ctx := context.Background()
	if _, err := env.e.OpsSheet(ctx, reportNow, false); err != nil {
		t.Fatal(err)
	}
	if _, err := env.st.GetReportState(ctx, opsStateKey); err == nil {
		t.Error("a dry build recorded the week")
	}
	for _, now := range []time.Time{reportNow, reportNow.Add(time.Hour), reportNow.AddDate(0, 0, 7)} {
		if _, err := env.e.OpsSheet(ctx, now, true); err != nil {
			t.Fatal(err)
		}
	}
	wb, err := env.e.OpsSheet(ctx, reportNow.AddDate(0, 0, 7), false)
	if err != nil {
		t.Fatal(err)
	}
	util := wb.Tab("utilisation")
	if len(util.Rows) != 3 || util.Rows[1][0].Text != "2026-W49" || util.Rows[2][0].Text != "2026-W50" {
		t.Errorf("weeks: %v", util.Rows)
	}
}

// commentaryFromFakes: the Summary tab's commentary explains November's
// rise in Ads conversions by the campaign that gained most, with the
// figures the Ads fake served for November and October (account
// 1000000001 runs that one campaign alone, so its account totals are the
// campaign's).
func commentaryFromFakes(t *testing.T, env *reportEnv, wb table.Workbook) {
	t.Helper()
	text := wb.Tab("summary").Rows[report.CommentaryRow][0].Text
	nov, oct := env.ads.Totals("1000000001", "2026-11-01", "2026-11-30"), env.ads.Totals("1000000001", "2026-10-01", "2026-10-31")
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, want := range []string{
		"Google Ads: conversions rose by ",
		fmt.Sprintf("The campaign behind most of the change is “Campaign 1 of 1000000001” (Account 1000000001): +%s\u00a0conversions (%s against %s).",
			num(nov.Conversions-oct.Conversions), num(nov.Conversions), num(oct.Conversions)),
		"Work done in the period: 1\u00a0task resolved, 9\u00a0hours logged; 1\u00a0task still in progress.",
		"This is the period's final report",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("commentary lacks %q:\n%s", want, text)
		}
	}
}
