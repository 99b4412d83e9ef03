package searchconsole_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/google/oauthfake"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/searchconsole"
	"github.com/liaisonhq/liaison/connectors/searchconsole/searchconsolefake"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

const (
	clientID     = "liaison-test.apps.googleusercontent.com"
	clientSecret = "GOCSPX-client-secret-XYZ"
	refreshToken = "1//refresh-token-ABC"
	agencyUser   = "seo@agency.example"
)

// start is 20:00 UTC, noon in Pacific time: the two zones' dates agree.
var start = time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC)

// exchange is one recorded HTTP exchange with the fake.
type exchange struct {
	method, path string
	reqBody      []byte
	status       int
	respBody     []byte
}

type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	rb, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	r.mu.Lock()
	r.log = append(r.log, exchange{method: req.Method, path: req.URL.EscapedPath(), reqBody: body, status: resp.StatusCode, respBody: rb})
	r.mu.Unlock()
	return resp, nil
}

type env struct {
	clk   *clock.Fake
	oauth *oauthfake.Server
	gsc   *searchconsolefake.Fake
	srv   *httptest.Server
	st    *sqlite.Store
	cfg   google.Config
	hc    *http.Client
	rec   *recorder
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{clk: clock.NewFake(start)}
	e.oauth = oauthfake.New(oauthfake.Options{Clock: e.clk})
	e.oauth.AddClient(clientID, clientSecret)
	e.oauth.AddRefreshToken(clientID, refreshToken, agencyUser)
	e.gsc = searchconsolefake.New(searchconsolefake.Options{Clock: e.clk, Auth: e.oauth})
	mux := http.NewServeMux()
	mux.Handle("/token", e.oauth.Handler())
	mux.Handle("/gsc/", http.StripPrefix("/gsc", e.gsc.Handler()))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	e.cfg = google.DefaultConfig()
	e.cfg.TokenURL = e.srv.URL + "/token"
	e.cfg.OAuth = google.OAuth{ClientID: clientID, ClientSecret: clientSecret, RefreshToken: refreshToken}
	e.cfg.SearchConsoleBaseURL = e.srv.URL + "/gsc/"
	e.rec = &recorder{base: http.DefaultTransport}
	e.hc = httpx.NewClient(httpx.Options{Name: "searchconsole", RetryMax: 2, WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond,
		Transport: e.rec})
	return e
}

func siteURL(i int) string {
	if i%2 == 0 {
		return fmt.Sprintf("sc-domain:client%02d.example", i)
	}
	return fmt.Sprintf("https://www.client%02d.example/blog/", i)
}

func (e *env) addSites(t testing.TB, n int) []searchconsole.Site {
	t.Helper()
	var out []searchconsole.Site
	for i := range n {
		if err := e.gsc.AddSite(searchconsolefake.Site{URL: siteURL(i), Owners: []string{agencyUser}}); err != nil {
			t.Fatal(err)
		}
		out = append(out, searchconsole.Site{ClientID: fmt.Sprintf("client%02d", i), Property: siteURL(i)})
	}
	return out
}

func (e *env) syncer(t testing.TB, opts searchconsole.Options) *searchconsole.Syncer {
	t.Helper()
	ts, err := google.TokenSource(context.Background(), e.cfg, e.hc, e.clk, google.ScopeSearchConsoleReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	opts.HTTPClient, opts.TokenSource, opts.Store, opts.Clock = e.hc, ts, e.st, e.clk
	if opts.QueriesPerMinute == 0 {
		// Pacing waits on the wall clock; these tests are about what is
		// pulled, on a fake clock. sync/bench's backfill tests time it.
		opts.QueriesPerMinute = -1
	}
	s, err := searchconsole.New(e.cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) stored(t testing.TB, sites []string, kind, from, to string, byDate bool) []store.MetricTotal {
	t.Helper()
	res, err := e.st.QueryMetrics(context.Background(), store.MetricQuery{Source: connectors.SourceGSC,
		Accounts: sites, DateFrom: from, DateTo: to, DimensionKind: kind, ByDate: byDate})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// checkTotals compares each kind of stored row with the fake's final
// totals: counts exactly, the position sum to 1e-9 relative (positions are
// means the API rounds through division).
func (e *env) checkTotals(t testing.TB, sites []string, from, to string) {
	t.Helper()
	var want searchconsolefake.Totals
	for _, s := range sites {
		w := e.gsc.Totals(s, from, to)
		want.Impressions += w.Impressions
		want.Clicks += w.Clicks
		want.PositionSum += w.PositionSum
	}
	for _, kind := range []string{"", "query", "page"} {
		res := e.stored(t, sites, kind, from, to, false)
		if len(res) != 1 {
			t.Fatalf("kind %q: %d groups stored", kind, len(res))
		}
		got := res[0].Metrics
		if got[connectors.MetricImpressions] != float64(want.Impressions) || got[connectors.MetricClicks] != float64(want.Clicks) ||
			math.Abs(got[connectors.MetricPositionSum]-want.PositionSum) > 1e-9*want.PositionSum {
			t.Errorf("kind %q %s..%s: store %v, fake %+v", kind, from, to, got, want)
		}
	}
}

func day(offset int) string { return start.AddDate(0, 0, offset).Format(time.DateOnly) }
