package anomaly

import (
	"math"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// adsDay is one campaign's usual day in the unit tests' accounts.
type adsDay struct{ clicks, cpc, convRate float64 }

// adsRows builds days of rows for account acct ending at last (a date):
// two campaigns ("campaign:1" with 70% of clicks, "campaign:2" with 30%),
// a mild weekly pattern and a deterministic wobble, with change(day
// offset from last, campaign) scaling a day (0 on the last day).
func adsRows(client, acct, last string, days int, base adsDay, change func(ago int, campaign int) float64) []connectors.MetricRow {
	end, _ := dayNum(last)
	week := [7]float64{1.05, 1.1, 1.08, 1.0, 0.95, 0.8, 0.75}
	var rows []connectors.MetricRow
	for ago := days - 1; ago >= 0; ago-- {
		d := end - ago
		date := dateString(d)
		total := map[string]float64{}
		for c, share := range []float64{0.7, 0.3} {
			wobble := 1 + 0.04*math.Sin(float64(d)*1.7+float64(c))
			f := 1.0
			if change != nil {
				f = change(ago, c+1)
			}
			clicks := math.Round(base.clicks * share * week[d%7] * wobble * f)
			if clicks == 0 && f == 0 {
				continue // no traffic, no row
			}
			m := map[string]float64{
				connectors.MetricClicks:      clicks,
				connectors.MetricImpressions: clicks * 20,
				connectors.MetricCost:        math.Round(clicks*base.cpc*100) / 100,
				connectors.MetricConversions: math.Round(clicks * base.convRate),
			}
			rows = append(rows, connectors.MetricRow{Source: connectors.SourceAds, ClientID: client, Account: acct, Date: date,
				Dimension: "campaign:" + string(rune('0'+c+1)), Metrics: m})
			for k, v := range m {
				total[k] += v
			}
		}
		if len(total) > 0 {
			rows = append(rows, connectors.MetricRow{Source: connectors.SourceAds, ClientID: client, Account: acct, Date: date, Metrics: total})
		}
	}
	return rows
}

// gscRows builds Search Console rows for property ending at last: a
// total and two queries and a page, with change scaling clicks and
// impressions (by days ago) and pos(days ago) the position of "query:shoes".
func gscRows(client, prop, last string, days int, change func(ago int) float64, pos func(ago int) float64) []connectors.MetricRow {
	end, _ := dayNum(last)
	var rows []connectors.MetricRow
	for ago := days - 1; ago >= 0; ago-- {
		d := end - ago
		date := dateString(d)
		f := 1.0
		if change != nil {
			f = change(ago)
		}
		wobble := 1 + 0.05*math.Sin(float64(d)*2.3)
		p := 2.0
		if pos != nil {
			p = pos(ago)
		}
		shoes := map[string]float64{connectors.MetricClicks: math.Round(120 * wobble * f), connectors.MetricImpressions: math.Round(2000 * wobble * f)}
		shoes[connectors.MetricPositionSum] = p * shoes[connectors.MetricImpressions]
		boots := map[string]float64{connectors.MetricClicks: math.Round(80 * wobble), connectors.MetricImpressions: math.Round(1500 * wobble), connectors.MetricPositionSum: 4 * math.Round(1500*wobble)}
		total := map[string]float64{}
		for _, m := range []map[string]float64{shoes, boots} {
			for k, v := range m {
				total[k] += v
			}
		}
		rows = append(rows,
			connectors.MetricRow{Source: connectors.SourceGSC, ClientID: client, Account: prop, Date: date, Metrics: total},
			connectors.MetricRow{Source: connectors.SourceGSC, ClientID: client, Account: prop, Date: date, Dimension: "query:shoes", Metrics: shoes},
			connectors.MetricRow{Source: connectors.SourceGSC, ClientID: client, Account: prop, Date: date, Dimension: "query:boots", Metrics: boots},
			connectors.MetricRow{Source: connectors.SourceGSC, ClientID: client, Account: prop, Date: date, Dimension: "page:https://shop.example/shoes", Metrics: shoes},
		)
	}
	return rows
}

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}
