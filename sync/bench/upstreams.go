package bench

import (
	"context"
	"fmt"
	"time"
)

// upstreamGroups are the -only groups of the upstream figures.
var upstreamGroups = map[string][]string{
	"backfill": {FigBackfillJira, FigBackfillAds, FigBackfillSearch},
	"jira":     {FigJiraIdle, FigBackfillJira},
}

// jiraIdleCycles is how many idle Jira pulls the idle figure counts.
const jiraIdleCycles = 5

// measureUpstreams measures the Jira idle cycle and the three backfills at
// opts.Scale: the scale's clients each with two Jira projects of 50 issues,
// one Ads account and one Search Console property, against fakes that
// enforce the vendors' rates.
func measureUpstreams(ctx context.Context, opts Options, want func(string) bool, set func(Figure)) error {
	clients := max(1, int(refClients*opts.Scale))
	if want(FigJiraIdle) || want(FigBackfillJira) {
		opts.Log.Info("pulling Jira through the daemon", "clients", clients, "issues", clients*issuesPerClient,
			"per_second", JiraCloudRate.PerSecond)
		cycles := 0
		if want(FigJiraIdle) {
			cycles = jiraIdleCycles
		}
		res, err := Jira(ctx, JiraOptions{Clients: clients, Rate: JiraCloudRate, IdleCycles: cycles, Log: opts.Log})
		if err != nil {
			return fmt.Errorf("jira: %w", err)
		}
		if want(FigBackfillJira) {
			set(backfillFigure(FigBackfillJira, res.Backfill, fmt.Sprintf("%d issues of %d clients", res.Backfill.Units, clients)))
		}
		if want(FigJiraIdle) {
			set(le(FigJiraIdle, res.IdleRatio(), "÷", 1.05, fmt.Sprintf(
				"%d requests at the fake over %d idle pulls at %d clients; the least is 1 search + 1 worklog-feed request a pull",
				res.IdleRequests, res.IdleCycles, clients)))
		}
	}
	if want(FigBackfillAds) {
		opts.Log.Info("pulling Google Ads", "accounts", clients, "per_second", AdsRate.PerSecond)
		res, err := BackfillAds(ctx, clients, AdsRate)
		if err != nil {
			return fmt.Errorf("google ads: %w", err)
		}
		set(backfillFigure(FigBackfillAds, res, fmt.Sprintf("%d accounts × 90 days", clients)))
	}
	if want(FigBackfillSearch) {
		opts.Log.Info("pulling Search Console", "properties", clients, "per_second", SearchConsoleRate.PerSecond)
		res, err := BackfillSearchConsole(ctx, clients, SearchConsoleRate)
		if err != nil {
			return fmt.Errorf("search console: %w", err)
		}
		set(backfillFigure(FigBackfillSearch, res, fmt.Sprintf("%d properties × 90 days", clients)))
	}
	return nil
}

func backfillFigure(name string, b BackfillResult, load string) Figure {
	return le(name, b.Ratio(), "÷", 1.1, fmt.Sprintf(
		"%s: %d requests (%d answered 429) in %s against a floor of %s (%g a second, %d at once); CPU %s",
		load, b.Requests, b.Rejected, seconds(b.Wall), seconds(b.Floor), b.Rate.PerSecond, b.Rate.Burst,
		seconds(b.CPU.Round(time.Millisecond))))
}
