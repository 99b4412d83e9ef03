package anomaly

import (
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// TestConversionsWindow: conversions falling 60% for three days while
// clicks hold (10 a day usually) are too few to alarm day by day but
// alert over the last 3 days; the same fall in clicks (traffic) is not a
// conversions-per-click fall, and a newest day back to normal resolves it.
func TestConversionsWindow(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ConversionsDelayDays = 0
	base := adsDay{clicks: 400, cpc: 1.5, convRate: 0.025}
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC) // newest final day 2026-12-01
	window := func(fs []rules.Finding) *rules.Finding {
		for i := range fs {
			f := &fs[i]
			if f.Fields[FieldMetric] == MetricConversions && f.Fields[FieldKind] == KindDrop && f.Fields[FieldDimension] == "" && f.Fields[FieldPeriodDays] != "" {
				return f
			}
		}
		return nil
	}
	for _, tt := range []struct {
		name  string
		base  adsDay
		conv  func(ago, campaign int) float64 // conversions per click, scaled
		click func(ago int) float64
		want  string // period_days of the window finding, "" for none
		since string
		contr string // the contributor named
	}{
		{"tracking broke 3 days ago", base, func(ago, _ int) float64 { return pick(ago < 3, 0.4, 1) }, nil, "3", "2026-11-29", "campaign:1"},
		// Campaign 2 brings 30% of the conversions: a week shows it.
		{"campaign 2's tracking broke a week ago", adsDay{clicks: 400, cpc: 1.5, convRate: 0.05},
			func(ago, c int) float64 { return pick(ago < 7 && c == 2, 0, 1) }, nil, "7", "2026-11-25", "campaign:2"},
		{"traffic fell 3 days ago", base, nil, func(ago int) float64 { return pick(ago < 3, 0.4, 1) }, "", "", ""},
		{"tracking fixed on the newest day", base, func(ago, _ int) float64 { return pick(ago >= 1 && ago < 4, 0.4, 1) }, nil, "", "", ""},
		{"nothing happened", base, nil, nil, "", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows := adsRows("acme", "1234567890", "2026-12-01", 91, tt.base, func(ago, _ int) float64 {
				if tt.click != nil {
					return tt.click(ago)
				}
				return 1
			})
			if tt.conv != nil {
				end, _ := dayNum("2026-12-01")
				for i := range rows {
					d, _ := dayNum(rows[i].Date)
					c := 0 // the account total: the sum of its campaigns' rows
					if dim := rows[i].Dimension; dim != "" {
						c = int(dim[len(dim)-1] - '0')
					}
					if c > 0 {
						rows[i].Metrics[connectors.MetricConversions] *= tt.conv(end-d, c)
					}
				}
				for i := range rows {
					if rows[i].Dimension == "" {
						rows[i].Metrics[connectors.MetricConversions] = 0
						for j := range rows {
							if rows[j].Date == rows[i].Date && rows[j].Dimension != "" {
								rows[i].Metrics[connectors.MetricConversions] += rows[j].Metrics[connectors.MetricConversions]
							}
						}
					}
				}
			}
			fs := Evaluate(Input{Clients: []Client{client(cfg)}, Accounts: []Account{ads(rows, "")}}, now)
			f := window(fs)
			switch {
			case tt.want == "" && f != nil:
				t.Errorf("window finding over %s days: %v", f.Fields[FieldPeriodDays], f.Fields)
			case tt.want != "" && f == nil:
				t.Errorf("no window finding: %v", summary(fs))
			case f != nil:
				if f.Fields[FieldPeriodDays] != tt.want || f.Fields[FieldSince] != tt.since || f.Fields[FieldDay] != "2026-12-01" ||
					f.Fields[FieldContributor] != tt.contr {
					t.Errorf("fields %v, want period %s since %s, contributor %s", f.Fields, tt.want, tt.since, tt.contr)
				}
			}
		})
	}
}

func pick(cond bool, a, b float64) float64 {
	if cond {
		return a
	}
	return b
}

func TestNormalQuantile(t *testing.T) {
	for _, tt := range []struct{ p, z float64 }{{0.5, 0}, {0.001, 3.0902}, {0.005, 2.5758}, {0.025, 1.9600}} {
		if got := normalQuantile(tt.p); got < tt.z-1e-3 || got > tt.z+1e-3 {
			t.Errorf("normalQuantile(%g) = %.4f, want %.4f", tt.p, got, tt.z)
		}
	}
}
