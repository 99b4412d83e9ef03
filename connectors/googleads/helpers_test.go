package googleads_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/google/oauthfake"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/connectors/googleads/googleadsfake"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

const (
	clientID     = "liaison-test.apps.googleusercontent.com"
	clientSecret = "GOCSPX-client-secret-XYZ"
	refreshToken = "1//refresh-token-ABC"
	devToken     = "dev-token-QWE"
	agencyUser   = "ppc@agency.example"
	managerID    = "9990000001"
)

// start is a fixed instant: a Friday noon UTC.
var start = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type env struct {
	clk     *clock.Fake
	oauth   *oauthfake.Server
	ads     *googleadsfake.Fake
	srv     *httptest.Server
	st      *sqlite.Store
	cfg     google.Config
	hc      *http.Client
	dataDir string
}

func newEnv(t testing.TB, batch int) *env {
	t.Helper()
	e := &env{clk: clock.NewFake(start)}
	e.oauth = oauthfake.New(oauthfake.Options{Clock: e.clk})
	e.oauth.AddClient(clientID, clientSecret)
	e.oauth.AddRefreshToken(clientID, refreshToken, agencyUser)
	e.ads = googleadsfake.New(googleadsfake.Options{Clock: e.clk, Auth: e.oauth, DeveloperToken: devToken, BatchSize: batch})
	if err := e.ads.AddManager(managerID, agencyUser); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/token", e.oauth.Handler())
	mux.Handle("/ads/", http.StripPrefix("/ads", e.ads.Handler()))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.dataDir = t.TempDir()
	st, err := sqlite.Open(context.Background(), e.dataDir, sqlite.Options{Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	e.cfg = google.DefaultConfig()
	e.cfg.TokenURL = e.srv.URL + "/token"
	e.cfg.OAuth = google.OAuth{ClientID: clientID, ClientSecret: clientSecret, RefreshToken: refreshToken}
	e.cfg.Ads.DeveloperToken = devToken
	e.cfg.Ads.BaseURL = e.srv.URL + "/ads/"
	// Short waits: retries are exercised, but a test never sleeps long.
	e.hc = httpx.NewClient(httpx.Options{Name: "googleads", RetryMax: 2, WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond})
	return e
}

func accountID(i int) string { return fmt.Sprintf("%010d", 1_000_000_000+i*1013) }

// addAccounts adds n accounts reachable through the manager and returns
// them as Sync takes them.
func (e *env) addAccounts(t testing.TB, n int) []googleads.Account {
	t.Helper()
	var out []googleads.Account
	for i := range n {
		id := accountID(i)
		if err := e.ads.AddAccount(googleadsfake.Account{CustomerID: id, Managers: []string{managerID}}); err != nil {
			t.Fatal(err)
		}
		out = append(out, googleads.Account{ClientID: fmt.Sprintf("client%02d", i), CustomerID: id, LoginCustomerID: managerID})
	}
	return out
}

func (e *env) tokenSource(t testing.TB, cfg google.Config) oauth2.TokenSource {
	t.Helper()
	ts, err := google.TokenSource(context.Background(), cfg, e.hc, e.clk, google.ScopeAds)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func (e *env) syncer(t testing.TB, cfg google.Config) *googleads.Syncer {
	t.Helper()
	// Pacing waits on the wall clock; these tests are about what is
	// pulled, on a fake clock. sync/bench's backfill tests time it.
	s, err := googleads.New(cfg, googleads.Options{HTTPClient: e.hc, TokenSource: e.tokenSource(t, cfg), Store: e.st, Clock: e.clk,
		RequestsPerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stored sums the store's rows of one kind ("" for daily totals).
func (e *env) stored(t testing.TB, accounts []string, kind, from, to string) map[string]float64 {
	t.Helper()
	res, err := e.st.QueryMetrics(context.Background(), store.MetricQuery{Source: connectors.SourceAds,
		Accounts: accounts, DateFrom: from, DateTo: to, DimensionKind: kind})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 {
		return map[string]float64{}
	}
	return res[0].Metrics
}

// checkTotals compares the store with the fake exactly: counts and
// quarter-unit conversions are exact in float64, cost is compared in micros.
func (e *env) checkTotals(t testing.TB, accounts []string, from, to string) {
	t.Helper()
	var want googleadsfake.Totals
	for _, a := range accounts {
		w := e.ads.Totals(a, from, to)
		want.Impressions += w.Impressions
		want.Clicks += w.Clicks
		want.CostMicros += w.CostMicros
		want.Conversions += w.Conversions
		want.ConversionsValue += w.ConversionsValue
	}
	for _, kind := range []string{"", "campaign"} {
		got := e.stored(t, accounts, kind, from, to)
		if got[connectors.MetricImpressions] != float64(want.Impressions) || got[connectors.MetricClicks] != float64(want.Clicks) ||
			int64(math.Round(got[connectors.MetricCost]*1e6)) != want.CostMicros ||
			got[connectors.MetricConversions] != want.Conversions || got[connectors.MetricConversionsValue] != want.ConversionsValue {
			t.Errorf("kind %q %s..%s: store %v, fake %+v", kind, from, to, got, want)
		}
	}
}

func day(offset int) string { return start.AddDate(0, 0, offset).Format(time.DateOnly) }
