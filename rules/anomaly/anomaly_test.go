package anomaly

import (
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

var medium = adsDay{clicks: 400, cpc: 1.5, convRate: 0.05}

func client(cfg Config) Client {
	return Client{ID: "acme", Name: "Acme", AM: "anna", Currency: "EUR", Location: mustLoc("Europe/Kyiv"), Config: cfg}
}

func ads(rows []connectors.MetricRow, lastDay string) Account {
	return Account{ClientID: "acme", Source: connectors.SourceAds, ID: "1234567890", LastDay: lastDay, Days: daysOf(rows)}
}

func daysOf(rows []connectors.MetricRow) []Day {
	out := make([]Day, len(rows))
	for i, r := range rows {
		out[i] = DayOf(r)
	}
	return out
}

// summary is what a test compares: metric, kind, part, severity.
func summary(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, strings.Join([]string{f.Fields[FieldMetric], f.Fields[FieldKind], f.Fields[FieldDimension], f.Severity.String()}, " "))
	}
	return out
}

func TestEvaluateAds(t *testing.T) {
	// 06:00 in Kyiv on Wednesday 2 December: Tuesday 1 December is the
	// newest final day there.
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	cfg := DefaultConfig()
	cfg.ConversionsDelayDays = 0
	drop := func(from int, f float64) func(int, int) float64 {
		return func(ago, _ int) float64 {
			if ago <= from {
				return f
			}
			return 1
		}
	}
	tests := []struct {
		name    string
		rows    []connectors.MetricRow
		lastDay string
		now     time.Time
		want    []string
	}{
		{name: "ordinary days", rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, nil), want: nil},
		{name: "spend, clicks and conversions fall 60% on the last final day",
			rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, drop(0, 0.4)),
			// 20 conversions a day falling to 8 is not yet unlikely enough
			// for a bursty count; spend and clicks say it. The campaigns
			// moved with the account: its findings name the biggest.
			want: []string{"clicks drop  warning", "spend drop  warning"}},
		{name: "one campaign falls, the account does not",
			rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, func(ago, c int) float64 {
				if ago == 0 && c == 2 {
					return 0.3
				}
				return 1
			}),
			want: []string{"clicks drop campaign:2 warning", "spend drop campaign:2 warning"}},
		{name: "a day not yet final in the client's zone is not judged",
			rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, drop(0, 0.4)),
			now:  time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC), want: nil},
		{name: "a day after the connector's last pull is not judged",
			rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, drop(0, 0.4)), lastDay: "2026-11-30", want: nil},
		{name: "back within the band: nothing",
			rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, func(ago, _ int) float64 {
				if ago == 1 {
					return 0.4
				}
				return 1
			}), want: nil},
		{name: "a campaign stops serving: critical, and only that",
			rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, func(ago, c int) float64 {
				if ago == 0 && c == 1 {
					return 0
				}
				return 1
			}),
			// The account's fall is the campaign's: one finding says it.
			want: []string{"serving stopped campaign:1 critical"}},
		{name: "the account stops serving: one critical finding",
			// Google Ads sends no rows for days without traffic: the
			// connector's last pulled day says they were pulled.
			rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, drop(1, 0)), lastDay: "2026-12-01",
			want: []string{"serving stopped  critical"}},
		{name: "without the connector's last day, days without rows are not assumed pulled",
			rows: adsRows("acme", "1234567890", "2026-12-01", 90, medium, drop(1, 0)), want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := now
			if !tt.now.IsZero() {
				n = tt.now
			}
			got := summary(Evaluate(Input{Clients: []Client{client(cfg)}, Accounts: []Account{ads(tt.rows, tt.lastDay)}}, n))
			if strings.Join(sortedCopy(got), "\n") != strings.Join(sortedCopy(tt.want), "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(sortedCopy(got), "\n"), strings.Join(sortedCopy(tt.want), "\n"))
			}
		})
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestFindingFields: the account's spend drop says what moved, by how
// much, against what, since when and which campaign moved it most; its key
// stays the same on the next day so the finding repeats, then resolves.
func TestFindingFields(t *testing.T) {
	cfg := DefaultConfig()
	rows := adsRows("acme", "1234567890", "2026-12-02", 91, medium, func(ago, c int) float64 {
		if ago <= 1 && c == 1 {
			return 0.2
		}
		return 1
	})
	acct := ads(rows, "")
	acct.Name, acct.CampaignNames = "Acme UA", map[string]string{"1": "Brand — Search"}
	in := Input{Clients: []Client{client(cfg)}, Accounts: []Account{acct}}
	day1 := Evaluate(in, time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC))
	day2 := Evaluate(in, time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC))
	find := func(fs []rules.Finding) *rules.Finding {
		for i := range fs {
			if fs[i].Fields[FieldMetric] == MetricSpend && fs[i].Fields[FieldDimension] == "" {
				return &fs[i]
			}
		}
		return nil
	}
	f1, f2 := find(day1), find(day2)
	if f1 == nil || f2 == nil {
		t.Fatalf("spend drop not found: %v / %v", summary(day1), summary(day2))
	}
	if f1.Key != f2.Key {
		t.Errorf("key changed from one day to the next: %s, %s", f1.Key, f2.Key)
	}
	want := map[string]string{FieldKind: KindDrop, FieldAccount: "1234567890", FieldDay: "2026-12-02", FieldSince: "2026-12-01",
		FieldContributor: "campaign:1", FieldContributorName: "Brand — Search", FieldAccountName: "Acme UA", FieldCurrency: "EUR", FieldSource: connectors.SourceAds, FieldAM: "anna"}
	for k, v := range want {
		if f2.Fields[k] != v {
			t.Errorf("Fields[%s] = %q, want %q", k, f2.Fields[k], v)
		}
	}
	if pct := f2.Fields[FieldChangePct]; !strings.HasPrefix(pct, "-5") {
		t.Errorf("change_pct = %s, want about -56 (70%% of spend fell 80%%)", pct)
	}
	if f1.Fields[FieldDay] != "2026-12-01" || f1.Fields[FieldSince] != "2026-12-01" {
		t.Errorf("first day: day %s since %s", f1.Fields[FieldDay], f1.Fields[FieldSince])
	}
}

// TestConversionsAsCounts: no conversions on a day that usually brings
// 0.7 is ordinary; none on a day that brings 20 is not.
func TestConversionsAsCounts(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ConversionsDelayDays = 0
	noConv := func(ago, _ int) float64 { return 1 }
	for _, tt := range []struct {
		name string
		base adsDay
		want bool
	}{
		{"0.7 expected", adsDay{clicks: 400, cpc: 1.5, convRate: 0.7 / 400}, false},
		{"20 expected", adsDay{clicks: 400, cpc: 1.5, convRate: 0.05}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows := adsRows("acme", "1234567890", "2026-12-01", 90, tt.base, noConv)
			// Fractional usual conversions; the last day brings none.
			for i := range rows {
				r := &rows[i]
				if r.Date == "2026-12-01" {
					r.Metrics[connectors.MetricConversions] = 0
				} else {
					r.Metrics[connectors.MetricConversions] = r.Metrics[connectors.MetricClicks] * tt.base.convRate
				}
			}
			got := summary(Evaluate(Input{Clients: []Client{client(cfg)}, Accounts: []Account{ads(rows, "")}},
				time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)))
			has := strings.Contains(strings.Join(got, "|"), "conversions drop  ")
			if has != tt.want {
				t.Errorf("account conversions drop = %v, want %v (%v)", has, tt.want, got)
			}
		})
	}
}

func TestPacing(t *testing.T) {
	cfg := DefaultConfig()
	rows := adsRows("acme", "1234567890", "2026-11-20", 90, medium, nil)
	var month float64
	for _, r := range rows {
		if r.Dimension == "" && strings.HasPrefix(r.Date, "2026-11") {
			month += r.Metrics[connectors.MetricCost]
		}
	}
	// About 600 a day: November is on course for about 18,000.
	for _, tt := range []struct {
		budget float64
		want   string
	}{
		{18000, ""},
		{12000, KindOverBudget},
		{25000, KindUnderBudget},
		{0, ""},
	} {
		c := client(cfg)
		c.MonthlyBudget = tt.budget
		fs := Evaluate(Input{Clients: []Client{c}, Accounts: []Account{ads(rows, "")}}, time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC))
		got := ""
		for _, f := range fs {
			if f.Fields[FieldMonth] != "" {
				got = f.Fields[FieldKind]
				if f.Fields[FieldMonth] != "2026-11" || f.Fields[FieldExpected] == "" || f.Fields[FieldMonthToDate] == "" {
					t.Errorf("pacing fields %v", f.Fields)
				}
			}
		}
		if got != tt.want {
			t.Errorf("budget %.0f (spent %.0f by the 20th): pacing %q, want %q", tt.budget, month, got, tt.want)
		}
	}
}

func TestSearchConsole(t *testing.T) {
	cfg := DefaultConfig()
	// 06:00 UTC on 2 December is 22:00 on 1 December in Pacific time; with
	// a three-day lag 28 November is the newest final day.
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	prop := func(rows []connectors.MetricRow) Account {
		return Account{ClientID: "acme", Source: connectors.SourceGSC, ID: "sc-domain:shop.example", Days: daysOf(rows)}
	}
	week := func(f float64) func(int) float64 {
		return func(ago int) float64 {
			if ago <= 6+3 && ago >= 3 { // the last final week
				return f
			}
			return 1
		}
	}
	tests := []struct {
		name string
		rows []connectors.MetricRow
		want []string
	}{
		{"ordinary weeks", gscRows("acme", "sc-domain:shop.example", "2026-12-01", 95, nil, nil), nil},
		{"a query loses most of its traffic for a week",
			gscRows("acme", "sc-domain:shop.example", "2026-12-01", 95, week(0.2), nil),
			[]string{"clicks drop  warning", "impressions drop  warning"}},
		{"a top query slips from 2nd to 9th place",
			gscRows("acme", "sc-domain:shop.example", "2026-12-01", 95, nil, func(ago int) float64 {
				if ago <= 9 {
					return 9
				}
				return 2
			}),
			[]string{"position drop query:shoes warning"}},
		{"days within the lag are not judged",
			gscRows("acme", "sc-domain:shop.example", "2026-12-01", 95, func(ago int) float64 {
				if ago < 3 {
					return 0.1
				}
				return 1
			}, nil), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Evaluate(Input{Clients: []Client{client(cfg)}, Accounts: []Account{prop(tt.rows)}}, now)
			got := summary(fs)
			if strings.Join(sortedCopy(got), "\n") != strings.Join(sortedCopy(tt.want), "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for _, f := range fs {
				if f.Fields[FieldMetric] == MetricClicks {
					if f.Fields[FieldDay] != "2026-11-28" || f.Fields[FieldPeriodDays] != "7" || f.Fields[FieldContributor] != "page:https://shop.example/shoes" && f.Fields[FieldContributor] != "query:shoes" {
						t.Errorf("clicks finding fields %v", f.Fields)
					}
				}
			}
		})
	}
}

func TestDisabledAndUnknownClients(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Enabled = false
	rows := adsRows("acme", "1234567890", "2026-12-01", 90, medium, func(ago, _ int) float64 {
		if ago == 0 {
			return 0
		}
		return 1
	})
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	if fs := Evaluate(Input{Clients: []Client{client(cfg)}, Accounts: []Account{ads(rows, "")}}, now); len(fs) != 0 {
		t.Errorf("disabled client: %v", summary(fs))
	}
	other := ads(rows, "")
	other.ClientID = "nobody"
	if fs := Evaluate(Input{Clients: []Client{client(DefaultConfig())}, Accounts: []Account{other}}, now); len(fs) != 0 {
		t.Errorf("account of an unknown client: %v", summary(fs))
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	c := DefaultConfig()
	c.MinChange, c.BaselineWeeks, c.PacingTolerance, c.TopQueries = 0, 3, 2, -1
	err := c.Validate()
	for _, key := range []string{"min_change", "baseline_weeks", "pacing_tolerance", "top_queries"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error %v does not name %s", err, key)
		}
	}
}

// TestFinalDayAcrossDST: an Ads day is judged once it has ended in the
// client's zone, on the night New York leaves summer time too (1 November
// 2026 lasts 25 hours there).
func TestFinalDayAcrossDST(t *testing.T) {
	cfg := DefaultConfig()
	c := client(cfg)
	c.Location = mustLoc("America/New_York")
	rows := adsRows("acme", "1234567890", "2026-11-01", 90, medium, func(ago, _ int) float64 {
		if ago == 0 {
			return 0.3
		}
		return 1
	})
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 11, 2, 4, 30, 0, 0, time.UTC), false}, // 23:30 EST on 1 November: the day is not over
		{time.Date(2026, 11, 2, 5, 30, 0, 0, time.UTC), true},  // 00:30 EST on 2 November
	} {
		fs := Evaluate(Input{Clients: []Client{c}, Accounts: []Account{ads(rows, "")}}, tt.now)
		if got := len(fs) > 0; got != tt.want {
			t.Errorf("at %s: findings %v, want some = %v", tt.now.In(c.Location), summary(fs), tt.want)
		}
		for _, f := range fs {
			if f.Fields[FieldDay] != "2026-11-01" {
				t.Errorf("judged %s, want 2026-11-01", f.Fields[FieldDay])
			}
		}
	}
}
