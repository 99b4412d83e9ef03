package jira_test

import (
	"context"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
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
