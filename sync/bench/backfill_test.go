package bench

import (
	"context"
	"testing"
)

// The backfill ratio tests pull a small load at a low rate, so that the
// rate limit, not the machine, sets the floor (3–5 s each): a client
// that stopped pacing (waiting out 429s instead) or stopped overlapping
// fetch and store would take at least twice the floor. The goal is 1.1;
// the tests fail past 2.2.
const maxTestRatio = 2.2

func checkBackfill(t *testing.T, name string, b BackfillResult) {
	t.Helper()
	t.Logf("%s: %d requests (%d answered 429) in %.2f s, floor %.2f s: ratio %.2f; CPU %.2f s",
		name, b.Requests, b.Rejected, b.Wall.Seconds(), b.Floor.Seconds(), b.Ratio(), b.CPU.Seconds())
	if b.Floor <= 0 {
		t.Fatalf("%s: no floor: %d requests within the burst of %d", name, b.Requests, b.Rate.Burst)
	}
	if b.Ratio() > maxTestRatio && !raceEnabled {
		t.Errorf("%s: backfill ÷ floor %.2f, want ≤ %g", name, b.Ratio(), maxTestRatio)
	}
	// Pacing keeps the client under the limit: a 429 now and then is the
	// fake's and the client's clocks disagreeing by a hair, not a pattern.
	if b.Rejected > b.Requests/10 {
		t.Errorf("%s: %d of %d requests answered 429: the client does not pace to the limit", name, b.Rejected, b.Requests)
	}
}

func TestJiraBackfillFollowsTheRateAndIdlesAtTheMinimum(t *testing.T) {
	// 2,000 issues: 20 pages at 5 a second, 5 at once: a 3 s floor.
	res, err := Jira(context.Background(), JiraOptions{Clients: 10, IssuesPerClient: 200,
		Rate: Rate{PerSecond: 5, Burst: 5}, IdleCycles: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkBackfill(t, "jira", res.Backfill)
	if res.IdleRatio() != 1 {
		t.Errorf("idle cycles: %d requests over %d cycles, want 1 search + 1 worklog request each", res.IdleRequests, res.IdleCycles)
	}
}

func TestAdsBackfillFollowsTheRate(t *testing.T) {
	// 12 accounts, one searchStream each, at 2 a second, 2 at once: a 5 s
	// floor for well under a second of CPU.
	res, err := BackfillAds(context.Background(), 12, Rate{PerSecond: 2, Burst: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkBackfill(t, "google ads", res)
}

func TestSearchConsoleBackfillFollowsTheRate(t *testing.T) {
	// 8 properties, 3 queries each, at 4 a second: the fake lets 4
	// through at once, the connector sends one at a time (1.15 at best).
	res, err := BackfillSearchConsole(context.Background(), 8, Rate{PerSecond: 4, Burst: 4})
	if err != nil {
		t.Fatal(err)
	}
	checkBackfill(t, "search console", res)
}
