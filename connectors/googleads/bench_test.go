package googleads_test

import (
	"context"
	"testing"
)

// BenchmarkFirstPull50Accounts90Days is the first pull of 50 accounts
// (2–5 campaigns each) over 90 days, through the fakes on loopback into a
// fresh SQLite store: the token fetch, 50 searchStream calls, decoding and
// one ReplaceMetrics per account.
func BenchmarkFirstPull50Accounts90Days(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, 0)
		accts := e.addAccounts(b, 50)
		s := e.syncer(b, e.cfg)
		b.StartTimer()
		if _, err := s.Sync(context.Background(), accts); err != nil {
			b.Fatal(err)
		}
	}
}
