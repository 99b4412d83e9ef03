package report

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample is a client with two Ads accounts (three campaigns) and Search
// Console, reported for the week 2026-W48: refreshed on Tuesday Dec 1
// (Kyiv), or finally on Wednesday Dec 2, its final run day.
func sample(lang connectors.Language, final bool) Input {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	p, _ := ParsePeriod("2026-W48")
	in := Input{
		ClientName: "Acme", Language: lang, Currency: "UAH",
		Schedule: Schedule{Kind: connectors.PeriodWeekly, Weekday: time.Wednesday, Location: kyiv},
		Period:   p, Now: time.Date(2026, 12, 1, 9, 30, 0, 0, kyiv), Final: final,
		JiraBaseURL: "https://agency.atlassian.net",
		Ads: &Ads{
			Accounts: []AdsAccount{{ID: "1112223333", Name: "Acme Search", TimeZone: "Europe/Kyiv"}, {ID: "4445556666", TimeZone: "America/New_York"}},
			Before:   Totals{Impressions: 30000, Clicks: 900, Cost: 4500, Conversions: 30},
			CampaignsBefore: []Row{
				{Account: "1112223333", Name: "Brand", Totals: Totals{Impressions: 10000, Clicks: 400, Cost: 2000, Conversions: 15}},
				{Account: "1112223333", Name: "Generic", Totals: Totals{Impressions: 10000, Clicks: 300, Cost: 1500, Conversions: 10}},
				{Account: "4445556666", Name: "Shopping", Totals: Totals{Impressions: 10000, Clicks: 200, Cost: 1000, Conversions: 5}},
			},
		},
		GSC: &GSC{
			Properties: []string{"sc-domain:acme.example", "https://shop.acme.example/"},
			Before:     Totals{Impressions: 20000, Clicks: 700, PositionSum: 20000 * 12.5},
			QueriesBefore: []Row{
				{Name: "acme query 0", Totals: Totals{Clicks: 45, Impressions: 900, PositionSum: 900 * 4}},
				{Name: "acme query 1", Totals: Totals{Clicks: 20, Impressions: 700, PositionSum: 700 * 5}},
				{Name: "acme query 9", Totals: Totals{Clicks: 15, Impressions: 500, PositionSum: 500 * 6}},
			},
			PagesBefore: []Row{
				{Name: "https://acme.example/p0", Totals: Totals{Clicks: 35, Impressions: 800, PositionSum: 800 * 4}},
				{Name: "https://acme.example/p1", Totals: Totals{Clicks: 10, Impressions: 600, PositionSum: 600 * 5}},
			},
		},
		Resolved: []Task{
			{Key: "ACME-10", Summary: "Fix robots.txt", Status: "Done", Assignee: "Ivan Petrenko", Hours: 1.5},
			{Key: "ACME-9", Summary: "Launch winter campaign", Status: "Done", Assignee: "Olena Koval", Hours: 6},
		},
		InProgress: []Task{{Key: "ACME-12", Summary: "Landing page copy", Status: "In Progress", Assignee: "Ivan Petrenko", Hours: 2.25}},
	}
	if final {
		in.Now = time.Date(2026, 12, 2, 9, 30, 0, 0, kyiv)
	}
	for i, d := range p.Days() {
		f := float64(i + 1)
		day := Totals{}
		for j, c := range []struct{ acct, name string }{{"1112223333", "Brand"}, {"1112223333", "Generic"}, {"4445556666", "Shopping"}} {
			ct := Totals{Impressions: 1000*f + 100*float64(j), Clicks: 30*f + float64(j), Cost: 120.5*f + 10*float64(j), Conversions: f + float64(j)/2}
			in.Ads.Campaigns = append(in.Ads.Campaigns, Row{Date: d.String(), Account: c.acct, Name: c.name, Totals: ct})
			day = day.Add(ct)
		}
		in.Ads.Days = append(in.Ads.Days, Row{Date: d.String(), Totals: day})
		in.Ads.Current = in.Ads.Current.Add(day)
		g := Totals{Impressions: 3000 + 100*f, Clicks: 100 + 5*f, PositionSum: (3000 + 100*f) * (10 - f/2)}
		in.GSC.Days = append(in.GSC.Days, Row{Date: d.String(), Totals: g})
		in.GSC.Current = in.GSC.Current.Add(g)
	}
	for i := 0; i < 3; i++ {
		f := float64(i)
		in.GSC.Queries = append(in.GSC.Queries, Row{Name: fmt.Sprintf("acme query %d", i), Totals: Totals{Clicks: 50 - 10*f, Impressions: 900 - 100*f, PositionSum: (900 - 100*f) * (3 + f)}})
		in.GSC.Pages = append(in.GSC.Pages, Row{Name: fmt.Sprintf("https://acme.example/p%d", i), Totals: Totals{Clicks: 40 - 10*f, Impressions: 800 - 50*f, PositionSum: (800 - 50*f) * (4 + f)}})
	}
	return in
}

func golden(t *testing.T, name string, wb table.Workbook) {
	t.Helper()
	var buf bytes.Buffer
	if err := table.WriteText(&buf, &wb); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from the built workbook; got:\n%s", path, buf.String())
	}
}

// TestGolden compares the text rendering of the sample report in each
// language with testdata/report.<lang>.golden (go test -update rewrites
// them): labels, dates, numbers and amounts in the client's locale.
func TestGolden(t *testing.T) {
	for _, lang := range connectors.Languages() {
		t.Run(string(lang), func(t *testing.T) {
			golden(t, "report."+string(lang)+".golden", Build(sample(lang, false)))
		})
	}
	t.Run("en final", func(t *testing.T) {
		golden(t, "report.en.final.golden", Build(sample(connectors.LanguageEnglish, true)))
	})
}

// TestDeterministic: input rows in any order give the same workbook.
func TestDeterministic(t *testing.T) {
	in := sample(connectors.LanguageRussian, false)
	want := Build(in)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 5; i++ {
		for _, rows := range [][]Row{in.Ads.Campaigns, in.Ads.Days, in.GSC.Days, in.GSC.Queries, in.GSC.Pages} {
			r.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
		}
		r.Shuffle(len(in.Resolved), func(a, b int) { in.Resolved[a], in.Resolved[b] = in.Resolved[b], in.Resolved[a] })
		if got := Build(in); !reflect.DeepEqual(got, want) {
			t.Fatal("shuffled input built a different workbook")
		}
	}
}

// summaryValue returns the (current, previous, change) cells of the
// summary row labelled label in the section after section.
func summaryRow(t *testing.T, wb table.Workbook, section, label string) []table.Cell {
	t.Helper()
	in := false
	for _, row := range wb.Tab("summary").Rows {
		if len(row) == 1 && row[0].Text == section {
			in = true
		}
		if in && len(row) == 4 && row[0].Text == label {
			return row[1:]
		}
	}
	t.Fatalf("no summary row %s / %s", section, label)
	return nil
}

// TestSummaryFigures checks the summary's figures against sums of the
// input rows computed here, including the derived ratios and changes.
func TestSummaryFigures(t *testing.T) {
	in := sample(connectors.LanguageEnglish, false)
	wb := Build(in)
	var cost, clicks, impr, conv float64
	for _, r := range in.Ads.Campaigns {
		cost += r.Cost
		clicks += r.Clicks
		impr += r.Impressions
		conv += r.Conversions
	}
	var gClicks, gImpr, gPos float64
	for _, r := range in.GSC.Days {
		gClicks += r.Clicks
		gImpr += r.Impressions
		gPos += r.PositionSum
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	checks := []struct {
		section, label string
		cur, prev      float64
	}{
		{"Google Ads", "Spend", cost, 4500},
		{"Google Ads", "Clicks", clicks, 900},
		{"Google Ads", "Impressions", impr, 30000},
		{"Google Ads", "CTR", clicks / impr, 900.0 / 30000},
		{"Google Ads", "CPC", cost / clicks, 4500.0 / 900},
		{"Google Ads", "Conversions", conv, 30},
		{"Google Ads", "Cost per conversion", cost / conv, 150},
		{"Search Console (organic)", "Clicks", gClicks, 700},
		{"Search Console (organic)", "Average position", gPos / gImpr, 12.5},
	}
	for _, c := range checks {
		row := summaryRow(t, wb, c.section, c.label)
		if !near(row[0].Num, c.cur) || !near(row[1].Num, c.prev) || !near(row[2].Num, c.cur/c.prev-1) {
			t.Errorf("%s %s: got %v / %v / %v, want %v / %v / %v", c.section, c.label, row[0].Num, row[1].Num, row[2].Num, c.cur, c.prev, c.cur/c.prev-1)
		}
	}
	// No previous data: the change is blank, not -100 % or +Inf.
	in.Ads.Before = Totals{}
	row := summaryRow(t, Build(in), "Google Ads", "Cost per conversion")
	if !row[1].Blank || !row[2].Blank {
		t.Errorf("cost per conversion without conversions: %+v", row)
	}
}

func TestTopQueriesCut(t *testing.T) {
	in := sample(connectors.LanguageEnglish, false)
	in.GSC.Queries = nil
	for i := 0; i < 120; i++ {
		in.GSC.Queries = append(in.GSC.Queries, Row{Name: fmt.Sprintf("q%03d", i), Totals: Totals{Clicks: float64(i), Impressions: 1000}})
	}
	wb := Build(in)
	tab := wb.Tab("gsc")
	var got []string
	for _, row := range tab.Rows {
		if len(row) == 5 && row[0].Kind == table.Text && len(row[0].Text) == 4 && row[0].Text[0] == 'q' {
			got = append(got, row[0].Text)
		}
	}
	if len(got) != TopN || got[0] != "q119" || got[TopN-1] != "q070" {
		t.Errorf("top queries: %d rows, first %v", len(got), got[:min(3, len(got))])
	}
}

func TestNoSources(t *testing.T) {
	in := sample(connectors.LanguageUkrainian, false)
	in.Ads, in.GSC = nil, nil
	wb := Build(in)
	var keys []string
	for _, tab := range wb.Tabs {
		keys = append(keys, tab.Key)
	}
	if !reflect.DeepEqual(keys, []string{"summary", "work"}) {
		t.Errorf("tabs without Ads and Search Console: %v", keys)
	}
	if len(wb.Tabs[0].Charts) != 0 {
		t.Error("a chart without data")
	}
}

// TestOtherCurrencyNoted: an Ads account billing in another currency than
// the report's is named on the summary, since amounts are not converted.
func TestOtherCurrencyNoted(t *testing.T) {
	in := sample(connectors.LanguageEnglish, false)
	in.Ads.Accounts[1].Currency = "USD"
	in.Ads.Accounts[0].Currency = "UAH"
	wb := Build(in)
	found := false
	for _, row := range wb.Tabs[0].Rows {
		if len(row) == 1 && row[0].Text == "Google Ads amounts are in each account's own currency, not converted: 444-555-6666: USD." {
			found = true
		}
	}
	if !found {
		t.Error("no note on the account in USD")
	}
}
