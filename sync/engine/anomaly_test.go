package engine

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/rules/anomaly"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

const anomalyYAML = `
agency: {name: Northwind Growth, timezone: Europe/Kyiv, language: uk}
people:
  - {id: anna, name: Anna Melnyk, email: anna@n.example, role: account_manager, slack_user_id: U01ANNA001}
clients:
  - id: acme
    name: Acme
    account_manager: anna
    google_ads: {customer_ids: ["1234567890"], monthly_budget: 9000}
    billing: {currency: UAH}
  - id: bolt
    name: Bolt
    account_manager: anna
    google_ads: {customer_ids: ["2345678901"]}
    rules:
      anomaly: {enabled: false}
`

// TestRunAnomaly: the engine reads each enabled client's stored Ads days
// and the connector's last pulled day, and records what the rule finds:
// Acme's spend fell on its newest final day, Bolt's rule is off.
func TestRunAnomaly(t *testing.T) {
	cfg, err := configs.Parse("agency.yaml", []byte(anomalyYAML), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC) // Wednesday 09:00 in Kyiv
	clk := clock.NewFake(now)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, acct := range []struct{ client, id string }{{"acme", "1234567890"}, {"bolt", "2345678901"}} {
		var rows []connectors.MetricRow
		day := time.Date(2026, 9, 3, 0, 0, 0, 0, time.UTC)
		for ; !day.After(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); day = day.AddDate(0, 0, 1) {
			clicks := math.Round(200 * (1 + 0.05*math.Sin(float64(day.YearDay()))))
			if day.Day() == 1 && day.Month() == time.December {
				clicks = 60 // spend falls 70% on the newest final day
			}
			rows = append(rows, connectors.MetricRow{Source: connectors.SourceAds, ClientID: acct.client, Account: acct.id,
				Date: day.Format(time.DateOnly), Metrics: map[string]float64{connectors.MetricImpressions: clicks * 20,
					connectors.MetricClicks: clicks, connectors.MetricCost: clicks * 1.5}})
		}
		if err := st.ReplaceMetrics(ctx, connectors.SourceAds, acct.id, "2026-09-03", "2026-12-01", rows); err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(googleads.Cursor{LastDay: "2026-12-01", Name: "Acme UA", Campaigns: map[string]string{"111": "Brand"}})
		if err := st.PutCursor(ctx, store.Cursor{Source: googleads.CursorSource(acct.id), Version: googleads.CursorVersion, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	in, err := AnomalyInput(ctx, cfg, st, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Accounts) != 1 || in.Accounts[0].LastDay != "2026-12-01" || len(in.Accounts[0].Days) < 90 {
		t.Fatalf("input: %d accounts (want only Acme's, Bolt's rule is off)", len(in.Accounts))
	}
	if a := in.Accounts[0]; a.Name != "Acme UA" || a.CampaignNames["111"] != "Brand" {
		t.Errorf("account names %q %v, want the cursor's", a.Name, a.CampaignNames)
	}
	if c := in.Clients[0]; c.MonthlyBudget != 9000 || c.Currency != "UAH" || c.AM != "anna" || c.Location == nil {
		t.Errorf("client input %+v", c)
	}
	d, err := deliver.New(st, wlSlack{}, func() deliver.Directory { return cfg }, clk, nil, nil, deliver.Options{Wordings: Wordings()})
	if err != nil {
		t.Fatal(err)
	}
	e := New(func() *configs.Config { return cfg }, st, d, clk, nil)
	if err := e.RunAnomaly(ctx); err != nil {
		t.Fatal(err)
	}
	fs, err := st.ListOpenFindings(ctx, store.FindingFilter{Rule: anomaly.RuleName})
	if err != nil {
		t.Fatal(err)
	}
	// Judged client by client, the run records what the rule gives for
	// the whole input at once.
	var want, got []string
	for _, f := range anomaly.Evaluate(in, now) {
		want = append(want, f.Key)
	}
	for _, f := range fs {
		got = append(got, f.Key)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("recorded %q, the whole input gives %q", got, want)
	}
	var spend bool
	for _, f := range fs {
		if f.ClientID != "acme" {
			t.Errorf("finding for %s: %s", f.ClientID, f.Title)
		}
		spend = spend || f.Fields[anomaly.FieldMetric] == anomaly.MetricSpend && f.Fields[anomaly.FieldKind] == anomaly.KindDrop
	}
	if !spend {
		t.Errorf("no spend drop recorded: %d findings", len(fs))
	}
}

func TestTopDimensions(t *testing.T) {
	totals := []store.MetricTotal{
		{Date: "2026-11-01", Dimension: "query:a", Metrics: map[string]float64{connectors.MetricClicks: 5}},
		{Date: "2026-11-02", Dimension: "query:a", Metrics: map[string]float64{connectors.MetricClicks: 5}},
		{Date: "2026-11-01", Dimension: "query:b", Metrics: map[string]float64{connectors.MetricClicks: 20}},
		{Date: "2026-11-01", Dimension: "query:c", Metrics: map[string]float64{connectors.MetricClicks: 1}},
	}
	if keep := topDimensions(totals, 3); keep != nil {
		t.Errorf("three dimensions, room for three: %v", keep)
	}
	keep := topDimensions(totals, 2)
	if len(keep) != 2 || !keep["query:a"] || !keep["query:b"] {
		t.Errorf("top two by clicks: %v, want query:b and query:a", keep)
	}
}
