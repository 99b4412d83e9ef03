package daemon

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// sandboxApp assembles Liaison against the sandbox's sample agency on a fake
// clock standing at now, the way `liaison sandbox` + `liaison sync --once`
// do with real processes.
func sandboxApp(t *testing.T, now time.Time) (*App, *sandbox.Sandbox, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(now)
	app, sb := newSandboxApp(t, clk, sandbox.Options{}, true)
	return app, sb, clk
}

// newSandboxApp starts a sandbox with opts (its clock and Slack rate
// limits set here) and builds an App over it and a fresh store: for one
// `sync --once` cycle when once is set, for the daemon otherwise.
func newSandboxApp(t *testing.T, clk *clock.Fake, opts sandbox.Options, once bool) (*App, *sandbox.Sandbox) {
	return newSandboxAppFAQ(t, clk, opts, once, nil)
}

// newSandboxAppFAQ is newSandboxApp with faqBase, when not nil, as the
// agency's answer base (agency.faq).
func newSandboxAppFAQ(t *testing.T, clk *clock.Fake, opts sandbox.Options, once bool, faqBase []byte) (*App, *sandbox.Sandbox) {
	t.Helper()
	opts.Clock, opts.SlackRateLimits = clk, slackfake.RateLimitsOff
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	sb.Slack().SetBaseURL(srv.URL)
	dir := t.TempDir()
	cfgOpts := sandbox.ConfigOptions{DataDir: dir}
	var parseOpts []configs.Option
	if faqBase != nil {
		cfgOpts.FAQ = "faq.yaml"
		parseOpts = append(parseOpts, configs.WithFS(fstest.MapFS{"faq.yaml": {Data: faqBase}}))
	}
	yml, err := sb.Config(srv.URL, cfgOpts)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Parse("sandbox.yaml", yml, parseOpts...)
	if err != nil {
		t.Fatalf("sandbox config: %v", err)
	}
	st, err := sqlite.Open(context.Background(), dir, sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	app, err := NewApp(func() *configs.Config { return cfg }, st, AppOptions{Clock: clk, Once: once})
	if err != nil {
		t.Fatal(err)
	}
	return app, sb
}

func botPosts(sb *sandbox.Sandbox) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range sb.Slack().AllMessages() {
		if m.User == slackfake.BotUserID && !m.Ephemeral {
			out = append(out, m)
		}
	}
	return out
}

// TestSyncOnceAgainstSandbox is `liaison sandbox` + `liaison sync --once`
// in one process: the sample agency's overdue and due-soon tasks reach their
// account managers, and a second cycle posts nothing twice.
func TestSyncOnceAgainstSandbox(t *testing.T) {
	// Tuesday 11:00 in Kyiv, 14:00 in Almaty: both AMs are at work.
	app, sb, _ := sandboxApp(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	if err := syncOnce(app); err != nil {
		t.Fatalf("first cycle: %v", err)
	}
	posts := botPosts(sb)
	if len(posts) == 0 {
		t.Fatal("no alert posted")
	}
	var text strings.Builder
	for _, p := range posts {
		if p.Metadata == nil || p.Metadata.EventType != "liaison_delivery" {
			t.Errorf("post %s carries no liaison_delivery metadata", p.TS)
		}
		text.WriteString(p.Text + "\n" + string(p.Blocks) + "\n")
	}
	for _, key := range overdueAndDueSoon(t, sb) {
		if !strings.Contains(text.String(), key) {
			t.Errorf("no alert mentions %s; posts:\n%s", key, text.String())
		}
	}
	// The same cycle pulled the sample's Google Ads and Search Console
	// metrics from their fakes.
	for _, q := range []store.MetricQuery{
		{Source: connectors.SourceAds, ClientID: "steppe-foods", DateFrom: "2026-11-01", DateTo: "2026-11-30", DimensionKind: "campaign"},
		{Source: connectors.SourceGSC, ClientID: "acme-ua", DateFrom: "2026-11-01", DateTo: "2026-11-30"},
	} {
		totals, err := app.st.QueryMetrics(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(totals) != 1 || totals[0].Metrics[connectors.MetricImpressions] <= 0 {
			t.Errorf("%s metrics of %s after the cycle: %+v", q.Source, q.ClientID, totals)
		}
	}
	calls := sb.Slack().CallCount("chat.postMessage")

	if err := syncOnce(app); err != nil {
		t.Fatalf("second cycle: %v", err)
	}
	if got := sb.Slack().CallCount("chat.postMessage"); got != calls {
		t.Errorf("second cycle posted %d more messages; want none", got-calls)
	}
}

// overdueAndDueSoon lists the sample's open tasks due within two days or
// already late, which the deadline rule must report.
func overdueAndDueSoon(t *testing.T, sb *sandbox.Sandbox) []string {
	t.Helper()
	var keys []string
	for _, is := range sb.Jira().Issues() {
		if is.Status == "Done" || is.DueDate == "" {
			continue
		}
		due, err := time.Parse("2006-01-02", is.DueDate)
		if err != nil {
			t.Fatal(err)
		}
		if due.Before(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)) {
			keys = append(keys, is.Key)
		}
	}
	if len(keys) < 3 {
		t.Fatalf("sample has only %d overdue or due-soon tasks: %v", len(keys), keys)
	}
	return keys
}
