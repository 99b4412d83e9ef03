package jira_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// BenchmarkFirstSync5000 measures the first pull of 5,000 issues in 20
// projects (50 pages) into a fresh SQLite store.
func BenchmarkFirstSync5000(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, envOptions{})
		if _, err := e.fake.Generate(jirafake.GenerateOptions{Seed: 1, Projects: 20, Issues: 5000}); err != nil {
			b.Fatal(err)
		}
		e.clock.Advance(time.Hour)
		s := e.syncer(b, jira.SyncerOptions{Scopes: generatedScopes()})
		b.StartTimer()
		st, err := s.SyncIssues(context.Background())
		if err != nil || st.Changed != 5000 {
			b.Fatalf("stats %+v err %v", st, err)
		}
	}
}

// BenchmarkBackfillFloor is a first pull of four seconds' worth of pages
// (80 and 400 pages of 100 issues) from a fake that enforces a burst limit
// on searches, on the wall clock: 20 a second, and Jira Cloud's 100 a
// second, where the client's own work per page matters. It reports the backfill's time divided
// by the floor the limit sets: (pages − the bucket's one second's worth
// allowed at once) ÷ the rate.
func BenchmarkBackfillFloor(b *testing.B) {
	for _, rate := range []int{20, 100} {
		// Four seconds' worth of pages: the floor is three seconds.
		b.Run(fmt.Sprintf("%d-per-second", rate), func(b *testing.B) {
			benchBackfill(b, rate, 4*rate*100)
		})
	}
}

func benchBackfill(b *testing.B, rate, issues int) {
	for b.Loop() {
		b.StopTimer()
		f, srv := jirafake.NewServer(b, jirafake.Options{Clock: clock.Real{},
			Limits: jirafake.Limits{Burst: map[string]float64{http.MethodGet: float64(rate)}}})
		if _, err := f.Generate(jirafake.GenerateOptions{Seed: 1, Projects: 20, Issues: issues}); err != nil {
			b.Fatal(err)
		}
		st, err := sqlite.Open(context.Background(), b.TempDir(), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		hc := httpx.NewClient(httpx.Options{Name: "jira", Logger: slog.New(slog.DiscardHandler)})
		// The connector paces to the fake's rate, as connections.jira.requests_per_second tells it.
		c, err := jira.New(jira.Config{BaseURL: srv.URL, Email: jirafake.DefaultEmail, APIToken: secret.Secret(jirafake.DefaultToken),
			RequestsPerSecond: float64(rate)}, jira.Options{HTTPClient: hc})
		if err != nil {
			b.Fatal(err)
		}
		s, err := jira.NewSyncer(c, st, jira.SyncerOptions{Scopes: generatedScopes()})
		if err != nil {
			b.Fatal(err)
		}
		f.ResetRequestCounts()
		b.StartTimer()
		start := time.Now()
		stats, err := s.SyncIssues(context.Background())
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil || stats.Changed != issues {
			b.Fatalf("stats %+v err %v", stats, err)
		}
		floor := float64(stats.Requests-rate) / float64(rate)
		b.ReportMetric(elapsed.Seconds()/floor, "backfill/floor")
		b.ReportMetric(float64(f.RequestCount("GET /rest/api/3/search/jql")-stats.Requests), "429s")
		_ = st.Close()
		b.StartTimer()
	}
}
