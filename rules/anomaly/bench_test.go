package anomaly

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// benchInput is 2,000 clients with one Google Ads account each (small,
// medium and large in turn, 2–5 campaigns) and one Search Console
// property each (20 queries, the long tail not every day, and 5 pages)
// over 90 days, as the store would return them, and a monthly budget for
// pacing.
func benchInput(n int) (Input, time.Time) {
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	last, _ := dayNum("2026-12-01")
	var in Input
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c%04d", i)
		total, parts := synth(synthSpec{seed: uint64(i), size: size(i % int(nSizes)), days: 90})
		acct := fmt.Sprintf("%010d", 1_000_000_000+i)
		days := rowsOf(total, parts, last)
		in.Clients = append(in.Clients, Client{ID: id, Name: "Client " + id, AM: "am", Currency: "EUR",
			MonthlyBudget: 30 * profiles[i%int(nSizes)].clicks * profiles[i%int(nSizes)].cpc, Config: DefaultConfig()})
		in.Accounts = append(in.Accounts, Account{ClientID: id, Source: connectors.SourceAds, ID: acct, LastDay: "2026-12-01", Days: days},
			Account{ClientID: id, Source: connectors.SourceGSC, ID: "sc-domain:" + id + ".example", LastDay: "2026-11-28",
				Days: searchDays(uint64(i), id, last-3, 90)})
	}
	return in, now
}

// BenchmarkEvaluate2000Accounts evaluates every detector for 2,000 Ads
// accounts and 2,000 Search Console properties × 90 days
// (docs/BENCHMARKS.md).
func BenchmarkEvaluate2000Accounts(b *testing.B) {
	in, now := benchInput(2000)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		Evaluate(in, now)
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// searchDays is a synthetic Search Console property: a daily total, 20
// queries (query k gets a share falling with k, and appears only on the
// days it had impressions) and 5 pages, ending at day number last.
func searchDays(seed uint64, client string, last, days int) []Day {
	rng := rand.New(rand.NewPCG(seed, 0x6c5))
	level := 2000 * math.Exp(rng.NormFloat64())
	var out []Day
	for d := last - days + 1; d <= last; d++ {
		date := dateString(d)
		total := Day{Date: date}
		add := func(dim string, impr, pos float64) {
			if impr < 1 {
				return
			}
			day := Day{Date: date, Dimension: dim, Impressions: impr, Clicks: poisson(rng, impr*0.05/pos), PositionSum: impr * pos}
			out = append(out, day)
			if dim[0] == 'q' {
				total.Impressions += day.Impressions
				total.Clicks += day.Clicks
				total.PositionSum += day.PositionSum
			}
		}
		for k := 1; k <= 20; k++ {
			add(fmt.Sprintf("query:q%d", k), poisson(rng, level/float64(k*k)), float64(k)*(1+0.1*rng.NormFloat64()))
		}
		for k := 1; k <= 5; k++ {
			add(fmt.Sprintf("page:https://%s.example/p%d", client, k), poisson(rng, level/float64(k+1)), 3+float64(k))
		}
		out = append(out, total)
	}
	return out
}
