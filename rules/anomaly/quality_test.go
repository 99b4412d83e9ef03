package anomaly

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// judgeAt runs the Ads detectors on one synthetic account as if day index
// t were the newest final day.
func judgeAt(cfg Config, total *series, parts []*series, t int) []rules.Finding {
	in := Input{Clients: []Client{{ID: "c", Name: "Client", Config: cfg}},
		Accounts: []Account{{ClientID: "c", Source: connectors.SourceAds, ID: "1234567890"}}}
	e := &evaluation{in: &in, now: time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)}
	e.judgeAds(&account{src: &in.Accounts[0], first: 0, last: t, total: total, parts: parts})
	return e.out
}

// qualityConfig is the default configuration, with conversions judged on
// the newest day: synthetic conversions are final at once, whereas real
// ones are judged conversions_delay_days later (docs/ANOMALIES.md).
func qualityConfig() Config {
	cfg := DefaultConfig()
	cfg.ConversionsDelayDays = 0
	return cfg
}

const (
	history   = 70 // days before the period judged: eight weeks of baseline and more
	qualityN  = 200
	monthDays = 30
)

// TestQualityFalseAlerts: on 2,000 account-months without anomalies, at
// most one alert per account per quarter opens.
func TestQualityFalseAlerts(t *testing.T) {
	cfg := qualityConfig()
	var opened [nSizes]int
	var accountDays [nSizes]int
	for i := 0; i < 2000; i++ {
		sz := size(i % int(nSizes))
		total, parts := synth(synthSpec{seed: uint64(i), size: sz, days: history + monthDays, scenario: scNone})
		open := map[string]bool{}
		for d := history; d < history+monthDays; d++ {
			now := map[string]bool{}
			for _, f := range judgeAt(cfg, total, parts, d) {
				now[f.Key] = true
				if !open[f.Key] {
					opened[sz]++
				}
			}
			open = now
			accountDays[sz]++
		}
	}
	all, days := 0, 0
	for sz := range nSizes {
		perQuarter := float64(opened[sz]) / float64(accountDays[sz]) * 91
		t.Logf("%s accounts: %d alerts in %d account-days = %.2f per account per quarter", sizeNames[sz], opened[sz], accountDays[sz], perQuarter)
		all += opened[sz]
		days += accountDays[sz]
	}
	rate := float64(all) / float64(days) * 91
	t.Logf("all accounts: %.2f false alerts per account per quarter", rate)
	if rate > 1 {
		t.Errorf("%.2f false alerts per account per quarter, want ≤ 1", rate)
	}
}

// outcome is one cell of the table: of the accounts with the anomaly,
// the share detected on its first final day, within one day (its first
// two final days) and, when watched that long, by its third and seventh
// final day; of the alerts opened on the days watched, the share that is
// about the anomaly (precision).
type outcome struct{ first, within, by3, by7, precision float64 }

// detection runs one scenario on qualityN accounts of each size (those
// eligible, when eligible is set). match says whether a finding reports
// the anomaly; related, whether it is a true consequence of it (the
// account's spend falls when its largest campaign stops), counted as
// neither a detection nor a false alert.
// watch is how many of the anomaly's final days are judged (2 or 7).
func detection(sc scenario, magnitude float64, watch int, match, related func(f rules.Finding) bool, eligible func(total *series, parts []*series) bool) [nSizes]outcome {
	cfg := qualityConfig()
	var out [nSizes]outcome
	for sz := range nSizes {
		var hits [7]int // hits[k]: detected by the anomaly's (k+1)th final day
		n, alerts, relevant := 0, 0, 0
		for i := 0; n < qualityN && i < 5*qualityN; i++ {
			total, parts := synth(synthSpec{seed: uint64(1_000_000 + i*int(nSizes) + int(sz)), size: sz, days: history + watch,
				scenario: sc, at: history, magnitude: magnitude})
			if eligible != nil && !eligible(total, parts) {
				continue
			}
			n++
			seen := map[string]bool{}
			found := func(d int) bool {
				any := false
				for _, f := range judgeAt(cfg, total, parts, d) {
					ok := match(f)
					any = any || ok
					if seen[f.Key] {
						continue
					}
					seen[f.Key] = true
					switch {
					case ok:
						alerts++
						relevant++
					case related == nil || !related(f):
						alerts++
					}
				}
				return any
			}
			detected := false
			for k := 0; k < watch; k++ {
				detected = found(history+k) || detected
				if detected {
					hits[k]++
				}
			}
		}
		if n == 0 {
			out[sz] = outcome{-1, -1, -1, -1, -1}
			continue
		}
		share := func(k int) float64 {
			if k >= watch {
				return -1
			}
			return float64(hits[k]) / float64(n)
		}
		out[sz] = outcome{first: share(0), within: share(1), by3: share(2), by7: share(6), precision: -1}
		if alerts > 0 {
			out[sz].precision = float64(relevant) / float64(alerts)
		}
	}
	return out
}

// usual is the mean daily metric m of s over the four weeks before the
// anomaly.
func usual(s *series, m int) float64 { return s.sum(m, history-28, history-1) / 28 }

// fiveConversions keeps accounts expecting at least 5 conversions a day.
func fiveConversions(total *series, _ []*series) bool { return usual(total, mConversions) >= 5 }

// watchedStop keeps accounts whose largest campaign is above the minimum
// size the rule watches: min_campaign_share of spend and
// min_daily_impressions.
func watchedStop(total *series, parts []*series) bool {
	cfg := DefaultConfig()
	for _, p := range parts {
		if p.v[mImpressions][history] == 0 {
			return usual(p, mImpressions) >= cfg.MinDailyImpressions && usual(p, mCost) >= cfg.MinCampaignShare*usual(total, mCost)
		}
	}
	return false
}

func accountDrop(metrics ...string) func(f rules.Finding) bool {
	return func(f rules.Finding) bool {
		if f.Fields[FieldKind] != KindDrop || f.Fields[FieldDimension] != "" {
			return false
		}
		for _, m := range metrics {
			if f.Fields[FieldMetric] == m {
				return true
			}
		}
		return false
	}
}

// TestQualityDetection: drops of 40% or more in traffic (spend, clicks and
// the conversions they bring) are detected within one day in at least 95%
// of accounts whose expected conversions are at least 5 a day (medium and
// large); a stopped campaign is detected on its first final day always.
// The whole table goes to the log for docs/ANOMALIES.md.
func TestQualityDetection(t *testing.T) {
	var table strings.Builder
	fmt.Fprintf(&table, "| anomaly | size | small | medium | large |\n|---|---|---|---|---|\n")
	row := func(name string, mag float64, o [nSizes]outcome) {
		fmt.Fprintf(&table, "| %s | −%.0f%% | %s | %s | %s |\n", name, mag*100, cell(o[0]), cell(o[1]), cell(o[2]))
	}
	traffic := accountDrop(MetricSpend, MetricClicks, MetricConversions)
	for _, mag := range []float64{0.2, 0.3, 0.4, 0.6, 0.8} {
		row("traffic drop (spend, clicks and conversions)", mag, detection(scTraffic, mag, 2, traffic, trafficRelated, nil))
		o := detection(scTraffic, mag, 2, traffic, trafficRelated, fiveConversions)
		row("traffic drop, accounts expecting ≥ 5 conversions a day", mag, o)
		if mag >= 0.4 {
			for _, sz := range []size{sizeMedium, sizeLarge} {
				if o[sz].within >= 0 && o[sz].within < 0.95 {
					t.Errorf("traffic drop of %.0f%% in %s accounts expecting ≥ 5 conversions a day: detected within a day in %.1f%%, want ≥ 95%%",
						mag*100, sizeNames[sz], o[sz].within*100)
				}
			}
		}
	}
	o := detection(scStopped, 1, 2, func(f rules.Finding) bool {
		return f.Fields[FieldKind] == KindStopped && f.Fields[FieldDimension] != ""
	}, trafficRelated, watchedStop)
	row("largest campaign (above the minimum size) stops serving", 1, o)
	for sz := range nSizes {
		if o[sz].first >= 0 && o[sz].first < 1 {
			t.Errorf("stopped campaign in %s accounts: detected on its first final day in %.1f%%, want 100%%", sizeNames[sz], o[sz].first*100)
		}
	}
	t.Log("detected on the first final day / within one day / precision, " + fmt.Sprint(qualityN) + " accounts per cell:\n" + table.String())
}

// TestQualityConversionsAlone: conversions falling while clicks do not
// (tracking broke), watched for a week. A fall of 60% or more is detected
// by its seventh final day in at least 90% of medium and large accounts
// expecting at least 5 conversions a day. The table goes to the log for
// docs/ANOMALIES.md.
func TestQualityConversionsAlone(t *testing.T) {
	var table strings.Builder
	fmt.Fprintf(&table, "| conversions alone drop | accounts | small | medium | large |\n|---|---|---|---|---|\n")
	for _, mag := range []float64{0.4, 0.5, 0.6, 0.8} {
		for _, sel := range []struct {
			name     string
			eligible func(total *series, parts []*series) bool
		}{{"all", nil}, {"expecting ≥ 5 conversions a day", fiveConversions}} {
			o := detection(scTracking, mag, 7, accountDrop(MetricConversions), nil, sel.eligible)
			fmt.Fprintf(&table, "| −%.0f%% | %s | %s | %s | %s |\n", mag*100, sel.name, weekCell(o[0]), weekCell(o[1]), weekCell(o[2]))
			if sel.eligible == nil || mag < 0.6 {
				continue
			}
			for _, sz := range []size{sizeMedium, sizeLarge} {
				if o[sz].by7 >= 0 && o[sz].by7 < 0.9 {
					t.Errorf("conversions alone fall %.0f%% in %s accounts expecting ≥ 5 a day: detected by day 7 in %.1f%%, want ≥ 90%%",
						mag*100, sizeNames[sz], o[sz].by7*100)
				}
			}
		}
	}
	t.Log("detected on the first final day / within one day / by day 3 / by day 7 / precision, " + fmt.Sprint(qualityN) + " accounts per cell:\n" + table.String())
}

func weekCell(o outcome) string {
	if o.first < 0 {
		return "—"
	}
	p := "—"
	if o.precision >= 0 {
		p = fmt.Sprintf("%.0f%%", o.precision*100)
	}
	return fmt.Sprintf("%.0f%% / %.0f%% / %.0f%% / %.0f%% / %s", o.first*100, o.within*100, o.by3*100, o.by7*100, p)
}

// trafficRelated: a fall in traffic also lowers the campaigns' spend,
// clicks and conversions; those findings are true, not false alerts.
func trafficRelated(f rules.Finding) bool {
	switch f.Fields[FieldMetric] {
	case MetricSpend, MetricClicks, MetricConversions, MetricServing:
		return f.Fields[FieldKind] == KindDrop || f.Fields[FieldKind] == KindStopped
	}
	return false
}

func cell(o outcome) string {
	if o.first < 0 {
		return "—"
	}
	p := "—"
	if o.precision >= 0 {
		p = fmt.Sprintf("%.0f%%", o.precision*100)
	}
	return fmt.Sprintf("%.0f%% / %.0f%% / %s", o.first*100, o.within*100, p)
}
