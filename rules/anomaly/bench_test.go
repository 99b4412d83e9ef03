package anomaly

import (
	"fmt"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// benchInput is 2,000 clients with one Google Ads account each (small,
// medium and large in turn, 2–5 campaigns) over 90 days, as the store
// would return them, and a monthly budget for pacing.
func benchInput(n int) (Input, time.Time) {
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	last, _ := dayNum("2026-12-01")
	var in Input
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c%04d", i)
		total, parts := synth(synthSpec{seed: uint64(i), size: size(i % int(nSizes)), days: 90})
		acct := fmt.Sprintf("%010d", 1_000_000_000+i)
		rows := rowsOf(acct, total, parts, last)
		for j := range rows {
			rows[j].ClientID = id
		}
		in.Clients = append(in.Clients, Client{ID: id, Name: "Client " + id, AM: "am", Currency: "EUR",
			MonthlyBudget: 30 * profiles[i%int(nSizes)].clicks * profiles[i%int(nSizes)].cpc, Config: DefaultConfig()})
		in.Accounts = append(in.Accounts, Account{ClientID: id, Source: connectors.SourceAds, ID: acct, LastDay: "2026-12-01", Rows: rows})
	}
	return in, now
}

// BenchmarkEvaluate2000Accounts evaluates every detector for 2,000 Ads
// accounts × 90 days (docs/BENCHMARKS.md).
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
