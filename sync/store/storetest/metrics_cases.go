package storetest

import (
	"reflect"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

func adsRow(account, date, dim string, clicks, cost float64) connectors.MetricRow {
	return connectors.MetricRow{Source: connectors.SourceAds, ClientID: "acme", Account: account, Date: date,
		Dimension: dim, Metrics: map[string]float64{connectors.MetricClicks: clicks, connectors.MetricCost: cost}}
}

func clicksByDate(t *testing.T, s store.Store, q store.MetricQuery) map[string]float64 {
	t.Helper()
	q.ByDate = true
	got, err := s.QueryMetrics(ctx(t), q)
	must(t, err)
	out := map[string]float64{}
	for _, g := range got {
		out[g.Date] = g.Metrics[connectors.MetricClicks]
	}
	return out
}

func testMetricsReplace(t *testing.T, s store.Store) {
	const ads = connectors.SourceAds
	must(t, s.ReplaceMetrics(ctx(t), ads, "111", "2026-10-01", "2026-10-03", []connectors.MetricRow{
		adsRow("111", "2026-10-01", "", 10, 1),
		adsRow("111", "2026-10-02", "", 20, 2),
		adsRow("111", "2026-10-03", "", 30, 3),
	}))
	must(t, s.ReplaceMetrics(ctx(t), ads, "222", "2026-10-01", "2026-10-03", []connectors.MetricRow{
		adsRow("222", "2026-10-02", "", 5, 1),
	}))
	// The trailing window is pulled again with late conversions: day 2
	// changes, day 3 has no data any more, day 4 is new, day 1 is outside.
	must(t, s.ReplaceMetrics(ctx(t), ads, "111", "2026-10-02", "2026-10-04", []connectors.MetricRow{
		adsRow("111", "2026-10-02", "", 25, 2),
		adsRow("111", "2026-10-04", "", 40, 4),
	}))
	q := store.MetricQuery{Source: ads, Accounts: []string{"111"}, DateFrom: "2026-10-01", DateTo: "2026-10-31"}
	want := map[string]float64{"2026-10-01": 10, "2026-10-02": 25, "2026-10-04": 40}
	if got := clicksByDate(t, s, q); !reflect.DeepEqual(got, want) {
		t.Errorf("after re-pull clicks by date = %v, want %v", got, want)
	}
	q.Accounts = []string{"222"}
	if got := clicksByDate(t, s, q); !reflect.DeepEqual(got, map[string]float64{"2026-10-02": 5}) {
		t.Errorf("replacing account 111 touched account 222: %v", got)
	}
	// Pulling the same window twice never double counts.
	for range 2 {
		must(t, s.ReplaceMetrics(ctx(t), ads, "111", "2026-10-01", "2026-10-01", []connectors.MetricRow{adsRow("111", "2026-10-01", "", 10, 1)}))
	}
	total, err := s.QueryMetrics(ctx(t), store.MetricQuery{Source: ads, DateFrom: "2026-10-01", DateTo: "2026-10-31"})
	must(t, err)
	if len(total) != 1 || total[0].Metrics[connectors.MetricClicks] != 10+25+40+5 {
		t.Errorf("total = %+v, want one group with 80 clicks", total)
	}
}

func testMetricsReject(t *testing.T, s store.Store) {
	const ads = connectors.SourceAds
	must(t, s.ReplaceMetrics(ctx(t), ads, "111", "2026-10-01", "2026-10-02", []connectors.MetricRow{
		adsRow("111", "2026-10-01", "", 10, 1),
	}))
	bad := map[string]struct {
		from, to string
		rows     []connectors.MetricRow
	}{
		"row outside window": {"2026-10-01", "2026-10-02", []connectors.MetricRow{adsRow("111", "2026-10-03", "", 1, 1)}},
		"other account":      {"2026-10-01", "2026-10-02", []connectors.MetricRow{adsRow("999", "2026-10-01", "", 1, 1)}},
		"duplicate row": {"2026-10-01", "2026-10-02", []connectors.MetricRow{
			adsRow("111", "2026-10-02", "campaign:1", 1, 1), adsRow("111", "2026-10-02", "campaign:1", 2, 2)}},
		"inverted window": {"2026-10-02", "2026-10-01", nil},
		"malformed date":  {"2026-10-01", "2026-13-01", nil},
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			err := s.ReplaceMetrics(ctx(t), ads, "111", b.from, b.to, b.rows)
			mustBe(t, err, store.ErrInvalid)
			got := clicksByDate(t, s, store.MetricQuery{Source: ads, DateFrom: "2026-10-01", DateTo: "2026-10-31"})
			if !reflect.DeepEqual(got, map[string]float64{"2026-10-01": 10}) {
				t.Errorf("a refused replacement changed data: %v", got)
			}
		})
	}
}

func testMetricsQuery(t *testing.T, s store.Store) {
	gsc := func(date, dim string, clicks, impr float64) connectors.MetricRow {
		return connectors.MetricRow{Source: connectors.SourceGSC, ClientID: "acme", Account: "sc-domain:acme.test",
			Date: date, Dimension: dim, Metrics: map[string]float64{connectors.MetricClicks: clicks, connectors.MetricImpressions: impr}}
	}
	must(t, s.ReplaceMetrics(ctx(t), connectors.SourceGSC, "sc-domain:acme.test", "2026-10-01", "2026-10-02", []connectors.MetricRow{
		gsc("2026-10-01", "", 100, 1000),
		gsc("2026-10-02", "", 50, 800),
		gsc("2026-10-01", "query:seo agency", 30, 300),
		gsc("2026-10-02", "query:seo agency", 20, 200),
		gsc("2026-10-01", "query:ppc", 45, 100),
		gsc("2026-10-02", "query:audit", 1, 10),
		gsc("2026-10-01", "page:/pricing", 70, 500),
	}))
	must(t, s.ReplaceMetrics(ctx(t), connectors.SourceAds, "111", "2026-10-01", "2026-10-01", []connectors.MetricRow{
		adsRow("111", "2026-10-01", "", 999, 1),
	}))
	base := store.MetricQuery{Source: connectors.SourceGSC, ClientID: "acme", DateFrom: "2026-10-01", DateTo: "2026-10-02"}
	with := func(mod func(q *store.MetricQuery)) store.MetricQuery { q := base; mod(&q); return q }
	m := func(clicks, impr float64) map[string]float64 {
		return map[string]float64{connectors.MetricClicks: clicks, connectors.MetricImpressions: impr}
	}
	tests := []struct {
		name string
		q    store.MetricQuery
		want []store.MetricTotal
	}{
		{"totals rows only, never mixed with dimensions", base, []store.MetricTotal{{Metrics: m(150, 1800)}}},
		{"by date", with(func(q *store.MetricQuery) { q.ByDate = true }),
			[]store.MetricTotal{{Date: "2026-10-01", Metrics: m(100, 1000)}, {Date: "2026-10-02", Metrics: m(50, 800)}}},
		{"top queries by clicks", with(func(q *store.MetricQuery) {
			q.DimensionKind, q.ByDimension, q.OrderBy, q.Limit = "query", true, connectors.MetricClicks, 2
		}), []store.MetricTotal{{Dimension: "query:seo agency", Metrics: m(50, 500)}, {Dimension: "query:ppc", Metrics: m(45, 100)}}},
		{"pages by date", with(func(q *store.MetricQuery) { q.DimensionKind, q.ByDate, q.ByDimension = "page", true, true }),
			[]store.MetricTotal{{Date: "2026-10-01", Dimension: "page:/pricing", Metrics: m(70, 500)}}},
		{"date range inclusive", with(func(q *store.MetricQuery) { q.DateFrom = "2026-10-02" }), []store.MetricTotal{{Metrics: m(50, 800)}}},
		{"other client", with(func(q *store.MetricQuery) { q.ClientID = "beta" }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.QueryMetrics(ctx(t), tt.q)
			must(t, err)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("totals = %+v, want %+v", got, tt.want)
			}
		})
	}
	_, err := s.QueryMetrics(ctx(t), store.MetricQuery{DateFrom: "2026-10-01", DateTo: "2026-10-02"})
	mustBe(t, err, store.ErrInvalid)
}
