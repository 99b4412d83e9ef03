package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// BenchReplaceMetrics measures ReplaceMetrics the way a Search Console pull
// uses it: one site's month of daily rows for 100 queries, four metrics
// each (12,000 stored values), replacing the same window every op.
func BenchReplaceMetrics(b *testing.B, s store.Store) {
	const days, dims = 30, 100
	rows := make([]connectors.MetricRow, 0, days*dims)
	for d := range days {
		date := fmt.Sprintf("2026-11-%02d", d+1)
		for q := range dims {
			rows = append(rows, connectors.MetricRow{Source: "gsc", Account: "sc-domain:acme.example", ClientID: "acme",
				Date: date, Dimension: fmt.Sprintf("query:keyword number %d", q),
				Metrics: map[string]float64{"clicks": float64(q), "impressions": float64(10 * q), "ctr": 0.1, "position": 4.2}})
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.ReplaceMetrics(ctx, "gsc", "sc-domain:acme.example", "2026-11-01", "2026-11-30", rows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(days*dims*4), "ns/value")
}
