package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/daemon"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// JiraOptions size the Jira bench.
type JiraOptions struct {
	// Clients each own two projects holding IssuesPerClient issues between
	// them (default 100, the reference load's).
	Clients         int
	IssuesPerClient int
	// Rate is the fake's burst limit on GET and POST per endpoint, and the
	// pace configured as connections.jira.requests_per_second.
	Rate Rate
	// IdleCycles are the pulls with nothing new counted after the
	// backfill; 0 skips them.
	IdleCycles int
	// Log receives progress; nil discards it.
	Log *slog.Logger
}

// JiraResult is the backfill and the idle cycles after it.
type JiraResult struct {
	Backfill BackfillResult
	// IdleRequests are the requests the fake answered over IdleCycles
	// idle pulls; the least is one search and one worklog-feed request
	// each.
	IdleRequests, IdleCycles int
}

// IdleRatio is the idle cycles' requests divided by the least they need.
func (r JiraResult) IdleRatio() float64 {
	if r.IdleCycles == 0 {
		return 0
	}
	return float64(r.IdleRequests) / float64(2*r.IdleCycles)
}

// Jira runs the daemon's Jira pull (issues, then worklogs, as its job does)
// against the Jira fake holding the generated load, on the wall clock: the
// first pull is the backfill, timed against the floor the fake's burst
// limit sets; then one incremental pull (which reads the API user's time
// zone once) and IdleCycles pulls with nothing new, whose requests are
// counted at the fake.
func Jira(ctx context.Context, o JiraOptions) (JiraResult, error) {
	var res JiraResult
	if o.IssuesPerClient <= 0 {
		o.IssuesPerClient = issuesPerClient
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	res.Backfill.Rate, res.Backfill.Units = o.Rate, o.Clients*o.IssuesPerClient
	limits := jirafake.CloudLimits()
	limits.Burst[http.MethodGet], limits.Burst[http.MethodPost] = o.Rate.PerSecond, o.Rate.PerSecond
	fake := jirafake.New(jirafake.Options{Clock: clock.Real{}, Limits: limits})
	if _, err := fake.Generate(jirafake.GenerateOptions{Seed: 1, Projects: 2 * o.Clients, Issues: res.Backfill.Units}); err != nil {
		return res, fmt.Errorf("generating the Jira load: %w", err)
	}
	count := newCounter(fake.Handler(), func(r *http.Request) string {
		if strings.HasPrefix(r.URL.Path, "/_fake/") {
			return ""
		}
		return r.Method + " " + r.URL.Path
	})
	srv := httptest.NewServer(count)
	defer srv.Close()
	var y strings.Builder
	fmt.Fprintf(&y, "agency: {name: Bench, timezone: Europe/Kyiv, language: en}\n"+
		"connections:\n  jira: {base_url: %q, email: %q, api_token: %q, requests_per_second: %g}\n"+
		"people:\n  - {id: am, name: Anna, email: anna@agency.example, role: account_manager, slack_user_id: U01ANNA001}\nclients:\n",
		srv.URL, jirafake.DefaultEmail, jirafake.DefaultToken, o.Rate.PerSecond)
	for c := range o.Clients {
		// Generate names projects C01, C02, …; each client owns two.
		fmt.Fprintf(&y, "  - {id: c%04d, name: Client %d, account_manager: am, jira_projects: [C%02d, C%02d]}\n", c, c, 2*c+1, 2*c+2)
	}
	cfg, err := configs.Parse("bench.yaml", []byte(y.String()), configs.WithLookupEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		return res, fmt.Errorf("generating the Jira bench config: %w", err)
	}
	dir, err := tempDir()
	if err != nil {
		return res, err
	}
	defer removeAll(dir)
	st, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		return res, err
	}
	defer st.Close()
	// The daemon's own log (unknown assignees…) is not the bench's progress.
	app, err := daemon.NewApp(func() *configs.Config { return cfg }, st, daemon.AppOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return res, err
	}
	stored := func() (int, error) {
		ts, err := st.ListTasks(ctx, store.TaskFilter{})
		return len(ts), err
	}

	count.reset()
	c0, w0 := CPUTime(), time.Now()
	err = app.PullJira(ctx)
	res.Backfill.Wall, res.Backfill.CPU = time.Since(w0), CPUTime()-c0
	if err != nil {
		return res, errors.Join(errors.New("the Jira backfill failed"), err)
	}
	var busiest int
	res.Backfill.Requests, busiest, res.Backfill.Rejected = count.tally()
	res.Backfill.Floor = o.Rate.Floor(busiest)
	if n, err := stored(); err != nil || n != res.Backfill.Units {
		return res, errors.Join(fmt.Errorf("the backfill stored %d tasks of %d", n, res.Backfill.Units), err)
	}
	o.Log.Info("jira backfill pulled", "requests", res.Backfill.Requests, "rejected", res.Backfill.Rejected,
		"wall", res.Backfill.Wall.Round(time.Millisecond), "cpu", res.Backfill.CPU.Round(time.Millisecond))
	if o.IdleCycles == 0 {
		return res, nil
	}
	// The first incremental pull reads the API user's zone; it is not idle.
	if err := app.PullJira(ctx); err != nil {
		return res, fmt.Errorf("the first incremental Jira pull: %w", err)
	}
	count.reset()
	for range o.IdleCycles {
		if err := app.PullJira(ctx); err != nil {
			return res, fmt.Errorf("an idle Jira pull: %w", err)
		}
	}
	total, _, rejected := count.tally()
	res.IdleRequests, res.IdleCycles = total+rejected, o.IdleCycles
	return res, nil
}
