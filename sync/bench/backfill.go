package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/google/oauthfake"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/connectors/googleads/googleadsfake"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/searchconsole"
	"github.com/liaisonhq/liaison/connectors/searchconsole/searchconsolefake"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// Rate is a token bucket as a vendor enforces it: Burst requests at once,
// refilled at PerSecond.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Floor is the least time n requests take through the bucket: the first
// Burst go at once, the rest at the refill rate.
func (r Rate) Floor(n int) time.Duration {
	if r.PerSecond <= 0 || n <= r.Burst {
		return 0
	}
	return time.Duration(float64(n-r.Burst) / r.PerSecond * float64(time.Second))
}

// The rates the backfill figures run at.
var (
	// JiraCloudRate is Jira Cloud's documented burst limit for API-token
	// traffic: 100 GET (and POST) requests a second per endpoint, a bucket
	// holding one second's worth.
	JiraCloudRate = Rate{PerSecond: 100, Burst: 100}
	// AdsRate is Google Ads' rate per developer token, which Google meters
	// in queries per second without publishing a figure: the connector's
	// default of ten a second, one second's worth at once.
	AdsRate = Rate{PerSecond: google.DefaultAdsRequestsPerSecond, Burst: google.DefaultAdsRequestsPerSecond}
	// SearchConsoleRate is Search Console's documented 1,200 queries a
	// minute per user spread evenly over the minute, 20 a second. Google
	// publishes no per-second rate or burst; the fake holds one second's
	// worth, as Jira's does. The connector sends one query at a time
	// (never more than 1,200 in any minute), so it forgoes that burst:
	// 0.95 s of every Search Console floor it cannot reach.
	SearchConsoleRate = Rate{PerSecond: google.DefaultSearchConsoleQueriesPerMinute / 60.0, Burst: google.DefaultSearchConsoleQueriesPerMinute / 60}
)

// BackfillResult is one upstream's first pull against a fake that enforces
// Rate.
type BackfillResult struct {
	Rate     Rate
	Units    int // issues, accounts or properties pulled
	Requests int // requests answered 2xx: the least the pull needs
	Rejected int // requests answered 429
	Wall     time.Duration
	CPU      time.Duration // the whole process's, fakes included
	Floor    time.Duration // Rate.Floor of the busiest limited route's requests
}

// Ratio is the pull's wall time divided by its floor.
func (b BackfillResult) Ratio() float64 {
	if b.Floor <= 0 {
		return 0
	}
	return b.Wall.Seconds() / b.Floor.Seconds()
}

// counter counts a fake's answers by route (method and path) and status.
type counter struct {
	next http.Handler
	key  func(*http.Request) string // "" for routes not counted

	mu       sync.Mutex
	ok       map[string]int
	rejected int
}

func newCounter(next http.Handler, key func(*http.Request) string) *counter {
	return &counter{next: next, key: key, ok: map[string]int{}}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := c.key(r)
	sw := &statusWriter{ResponseWriter: w}
	c.next.ServeHTTP(sw, r)
	if key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case sw.status == http.StatusTooManyRequests:
		c.rejected++
	case sw.status/100 == 2 || sw.status == 0:
		c.ok[key]++
	}
}

// reset zeroes the counts.
func (c *counter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.ok)
	c.rejected = 0
}

// tally returns the 2xx answers in all, the most on one route, and the 429s.
func (c *counter) tally() (total, busiest, rejected int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.ok {
		total += n
		busiest = max(busiest, n)
	}
	return total, busiest, c.rejected
}

// Bench credentials of the Google fakes.
const (
	benchOAuthClient  = "liaison-bench.apps.googleusercontent.com"
	benchOAuthSecret  = "bench-client-secret"
	benchRefreshToken = "bench-refresh-token"
	benchGoogleUser   = "metrics@agency.example"
	benchManager      = "9990000001"
	benchDevToken     = "bench-developer-token"
)

// googleWorld is the OAuth, Ads and Search Console fakes on one loopback
// server, every API call counted.
type googleWorld struct {
	srv   *httptest.Server
	ads   *googleadsfake.Fake
	gsc   *searchconsolefake.Fake
	count *counter
	cfg   google.Config
	hc    *http.Client
}

func newGoogleWorld(ads googleadsfake.RateLimit, gsc searchconsolefake.Quota) (*googleWorld, error) {
	clk := clock.Real{}
	oauth := oauthfake.New(oauthfake.Options{Clock: clk, TokenTTL: 24 * time.Hour})
	oauth.AddClient(benchOAuthClient, benchOAuthSecret)
	oauth.AddRefreshToken(benchOAuthClient, benchRefreshToken, benchGoogleUser)
	w := &googleWorld{
		ads: googleadsfake.New(googleadsfake.Options{Clock: clk, Auth: oauth, DeveloperToken: benchDevToken, Rate: ads}),
		gsc: searchconsolefake.New(searchconsolefake.Options{Clock: clk, Auth: oauth, Quota: gsc}),
	}
	if err := w.ads.AddManager(benchManager, benchGoogleUser); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/token", oauth.Handler())
	mux.Handle("/ads/", http.StripPrefix("/ads", w.ads.Handler()))
	mux.Handle("/gsc/", http.StripPrefix("/gsc", w.gsc.Handler()))
	w.count = newCounter(mux, func(r *http.Request) string {
		if r.URL.Path == "/token" {
			return ""
		}
		return r.Method + " " + r.URL.Path[:4] // one bucket per API: /ads or /gsc
	})
	w.srv = httptest.NewServer(w.count)
	w.cfg = google.DefaultConfig()
	w.cfg.TokenURL = w.srv.URL + "/token"
	w.cfg.OAuth = google.OAuth{ClientID: benchOAuthClient, ClientSecret: benchOAuthSecret, RefreshToken: benchRefreshToken}
	w.cfg.Ads.DeveloperToken = benchDevToken
	w.cfg.Ads.BaseURL = w.srv.URL + "/ads/"
	w.cfg.SearchConsoleBaseURL = w.srv.URL + "/gsc/"
	w.hc = httpx.NewClient(httpx.Options{Name: "google", Logger: slog.New(slog.DiscardHandler)})
	return w, nil
}

// BackfillAds is the first pull of accounts Ads accounts (90 days, 2–5
// campaigns each) by the Ads connector, configured with the rate as
// ads.requests_per_second, from a fake that enforces it per developer
// token.
func BackfillAds(ctx context.Context, accounts int, r Rate) (BackfillResult, error) {
	res := BackfillResult{Rate: r, Units: accounts}
	w, err := newGoogleWorld(googleadsfake.RateLimit{PerSecond: r.PerSecond, Burst: r.Burst}, searchconsolefake.Quota{})
	if err != nil {
		return res, err
	}
	defer w.srv.Close()
	var list []googleads.Account
	for i := range accounts {
		id := fmt.Sprintf("%010d", 1_000_000_000+i*1013)
		if err := w.ads.AddAccount(googleadsfake.Account{CustomerID: id, Managers: []string{benchManager}}); err != nil {
			return res, err
		}
		list = append(list, googleads.Account{ClientID: fmt.Sprintf("c%04d", i), CustomerID: id, LoginCustomerID: benchManager})
	}
	cfg := w.cfg
	cfg.Ads.RequestsPerSecond = r.PerSecond
	return w.pull(ctx, res, google.ScopeAds, func(ctx context.Context, st *sqlite.Store, ts oauth2.TokenSource) error {
		s, err := googleads.New(cfg, googleads.Options{HTTPClient: w.hc, TokenSource: ts, Store: st})
		if err != nil {
			return err
		}
		got, err := s.Sync(ctx, list)
		if err == nil && len(got) != accounts {
			err = fmt.Errorf("pulled %d accounts of %d", len(got), accounts)
		}
		return err
	})
}

// BackfillSearchConsole is the first pull of sites Search Console
// properties (90 days of 20 queries and 5 pages each) by the Search Console
// connector, configured with the rate as search_console_queries_per_minute,
// from a fake that enforces the documented per-minute quotas and the rate
// as a bucket per user.
func BackfillSearchConsole(ctx context.Context, sites int, r Rate) (BackfillResult, error) {
	res := BackfillResult{Rate: r, Units: sites}
	q := searchconsolefake.DocumentedQuota()
	q.PerUserPerSecond, q.PerUserBurst = r.PerSecond, r.Burst
	w, err := newGoogleWorld(googleadsfake.RateLimit{}, q)
	if err != nil {
		return res, err
	}
	defer w.srv.Close()
	var list []searchconsole.Site
	for i := range sites {
		url := fmt.Sprintf("sc-domain:client%04d.example", i)
		if err := w.gsc.AddSite(searchconsolefake.Site{URL: url, Owners: []string{benchGoogleUser}, Queries: 20, Pages: 5}); err != nil {
			return res, err
		}
		list = append(list, searchconsole.Site{ClientID: fmt.Sprintf("c%04d", i), Property: url})
	}
	cfg := w.cfg
	cfg.SearchConsoleQueriesPerMinute = int(r.PerSecond * 60)
	return w.pull(ctx, res, google.ScopeSearchConsoleReadOnly, func(ctx context.Context, st *sqlite.Store, ts oauth2.TokenSource) error {
		s, err := searchconsole.New(cfg, searchconsole.Options{HTTPClient: w.hc, TokenSource: ts, Store: st})
		if err != nil {
			return err
		}
		got, err := s.Sync(ctx, list)
		if err == nil && len(got) != sites {
			err = fmt.Errorf("pulled %d properties of %d", len(got), sites)
		}
		return err
	})
}

// pull times fn, a first pull into a fresh store, after taking an access
// token (the daemon holds one already when a pull starts).
func (w *googleWorld) pull(ctx context.Context, res BackfillResult, scope string,
	fn func(context.Context, *sqlite.Store, oauth2.TokenSource) error) (BackfillResult, error) {
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
	ts, err := google.TokenSource(ctx, w.cfg, w.hc, clock.Real{}, scope)
	if err != nil {
		return res, err
	}
	if _, err := ts.Token(); err != nil {
		return res, fmt.Errorf("google token: %w", err)
	}
	w.count.reset()
	c0, w0 := CPUTime(), time.Now()
	err = fn(ctx, st, ts)
	res.Wall, res.CPU = time.Since(w0), CPUTime()-c0
	if err != nil {
		return res, errors.Join(errors.New("the first pull failed"), err)
	}
	var busiest int
	res.Requests, busiest, res.Rejected = w.count.tally()
	res.Floor = res.Rate.Floor(busiest)
	return res, nil
}
