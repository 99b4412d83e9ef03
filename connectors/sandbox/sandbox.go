// Package sandbox runs the upstream fakes Liaison talks to (Jira, Slack
// with Socket Mode or the Events API, Google's OAuth token endpoint, Google
// Ads, Search Console, Sheets and Drive) behind one HTTP listener, seeded
// from a scenario: an agency with its people, clients, Jira issues, and
// Slack messages and activity (edits, deletions, reactions, button presses)
// replayed on a clock. It backs `liaison sandbox`, and `liaison demo` runs
// it in-process on a simulated clock.
//
// Besides the fakes' own routes it serves an API under /_sandbox/ to
// inspect what the daemon did (its Slack messages, the Jira issues as they
// are now) and to act in Slack as a person would, can record every
// exchange as JSON lines with secrets removed, and writes an agency config
// whose connections all point at it.
//
// Each fake plugs in as an Upstream: a name and the routes it mounts. A new
// fake joins by adding one entry to the list New builds.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/googleads/googleadsfake"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/connectors/searchconsole/searchconsolefake"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// Options configure a Sandbox. The zero value serves the sample agency on
// the wall clock.
type Options struct {
	// Clock drives the fakes (timestamps, rate limits, retries) and the
	// message replay; relative dates in the scenario are read from its Now
	// when New runs. Defaults to clock.Real.
	Clock clock.Clock
	// Logger receives the sandbox's diagnostics; nil discards them.
	Logger *slog.Logger
	// Seed is the scenario; nil means SampleScenario().
	Seed *Scenario
	// Record, when set, receives one JSON line per HTTP exchange with the
	// fakes (see Record). Writes are serialised.
	Record io.Writer
	// Credentials override the fakes' default tokens, e.g. to prove that
	// none of them leaks into a recording. Empty fields keep the defaults.
	Credentials Credentials
	// SlackRateLimits selects whether the Slack fake applies Slack's tier
	// limits; the default applies them, as Slack does.
	SlackRateLimits slackfake.RateLimitMode
	// JiraLimits, when set (e.g. jirafake.CloudLimits()), makes the Jira
	// fake enforce Jira Cloud's burst and per-issue write limits, so a
	// backfill's time can be compared with the floor those limits set.
	// The zero value enforces none.
	JiraLimits jirafake.Limits
	// GoogleAdsDailyOperations is the developer token's daily operation
	// limit (googleadsfake.BasicAccessOperations...); zero is unlimited.
	GoogleAdsDailyOperations int
	// SearchConsoleQuota enforces Search Console's per-minute query quotas
	// (searchconsolefake.DocumentedQuota()); the zero value enforces none.
	SearchConsoleQuota searchconsolefake.Quota
	// SlackEventsURL, when set, makes the Slack fake deliver events as
	// signed HTTP requests to the daemon there (Events API mode) instead
	// of over Socket Mode; write the config with SlackMode "events" then.
	SlackEventsURL string
}

// Credentials are what the written config authenticates with.
type Credentials struct {
	JiraEmail string
	JiraToken string
	// JiraWebhookSecret, when set, is written as connections.jira's
	// webhook_secret, turning on the daemon's POST /jira/webhook.
	JiraWebhookSecret  string
	SlackBotToken      string
	SlackAppToken      string
	SlackSigningSecret string
	// The Google OAuth client's secret, the agency user's refresh token
	// and the Ads developer token.
	GoogleClientSecret   string
	GoogleRefreshToken   string
	GoogleDeveloperToken string
}

func (c Credentials) withDefaults() Credentials {
	if c.JiraEmail == "" {
		c.JiraEmail = jirafake.DefaultEmail
	}
	if c.JiraToken == "" {
		c.JiraToken = jirafake.DefaultToken
	}
	if c.SlackBotToken == "" {
		c.SlackBotToken = slackfake.DefaultBotToken
	}
	if c.SlackAppToken == "" {
		c.SlackAppToken = slackfake.DefaultAppToken
	}
	if c.SlackSigningSecret == "" {
		c.SlackSigningSecret = slackfake.DefaultSigningSecret
	}
	if c.GoogleClientSecret == "" {
		c.GoogleClientSecret = GoogleClientSecret
	}
	if c.GoogleRefreshToken == "" {
		c.GoogleRefreshToken = GoogleRefreshToken
	}
	if c.GoogleDeveloperToken == "" {
		c.GoogleDeveloperToken = GoogleDeveloperToken
	}
	return c
}

// Upstream is one fake behind the sandbox's listener.
type Upstream interface {
	// Name names the upstream in recordings and the inspection index:
	// "jira", "slack", "sheets"...
	Name() string
	// Mount registers the upstream's routes. It is called once, from
	// Handler, before any request is served.
	Mount(m *Mux)
}

// Mux is what an Upstream mounts its routes on: API routes are recorded
// under the upstream's name, inspection routes are served under /_sandbox/
// and never recorded.
type Mux struct {
	mux    *http.ServeMux
	rec    *recorder
	name   string
	routes *[]string
	faults *faultTable
}

// API serves pattern (a net/http ServeMux pattern such as "/rest/") with h,
// recording each exchange.
func (m *Mux) API(pattern string, h http.Handler) {
	m.mux.Handle(pattern, m.faults.wrap(m.name, m.rec.wrap(m.name, h)))
	*m.routes = append(*m.routes, pattern)
}

// Act serves method (POST, PATCH, DELETE) /_sandbox/{name}/{path} with h:
// routes that act in an upstream as a person would. Like inspection
// routes, they are not recorded.
func (m *Mux) Act(method, path string, h http.Handler) {
	p := method + " /_sandbox/" + m.name + "/" + strings.TrimPrefix(path, "/")
	m.mux.Handle(p, h)
	*m.routes = append(*m.routes, p)
}

// Inspect serves GET /_sandbox/{name}/{path} with h.
func (m *Mux) Inspect(path string, h http.Handler) {
	p := "/_sandbox/" + m.name + "/" + strings.TrimPrefix(path, "/")
	m.mux.Handle("GET "+p, h)
	*m.routes = append(*m.routes, "GET "+p)
}

// Sandbox is every fake behind one handler, seeded from a scenario.
type Sandbox struct {
	clk       clock.Clock
	log       *slog.Logger
	sc        *Scenario
	creds     Credentials
	start     time.Time
	jira      *jirafake.Fake
	slack     *slackfake.Server
	sheets    *sheetsfake.Fake
	upstreams []Upstream
	ads       *googleadsfake.Fake
	rec       *recorder
	adsOps    int
	gscQuota  searchconsolefake.Quota
	faults    *faultTable

	handlerOnce sync.Once
	handler     http.Handler
	routes      []string

	replayMu sync.Mutex
	posted   []bool
	postedTS map[string]string // message id → ts
	acted    []bool            // Activity[i] done

	mu     sync.Mutex
	srv    *http.Server
	closed chan struct{}
	once   sync.Once
}

// New builds the fakes and seeds them from opts.Seed, reading relative
// dates against the clock's now. Messages are not posted yet: Replay or
// ReplayDue posts them at their offsets from this instant. A seed the
// fakes refuse yields SeedErrors.
func New(opts Options) (*Sandbox, error) {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Seed == nil {
		opts.Seed = SampleScenario()
	}
	if opts.Seed.nodes == nil {
		return nil, errors.New("building sandbox: the scenario was not made by ParseScenario or SampleScenario")
	}
	s := &Sandbox{
		clk:      opts.Clock,
		log:      opts.Logger,
		sc:       opts.Seed,
		creds:    opts.Credentials.withDefaults(),
		start:    opts.Clock.Now(),
		posted:   make([]bool, len(opts.Seed.Messages)),
		acted:    make([]bool, len(opts.Seed.Activity)),
		postedTS: map[string]string{},
		closed:   make(chan struct{}),
		rec:      newRecorder(opts.Record, opts.Clock),
		adsOps:   opts.GoogleAdsDailyOperations,
		gscQuota: opts.SearchConsoleQuota,
	}
	agencyLoc, _ := time.LoadLocation(s.sc.Agency.Timezone)
	s.jira = jirafake.New(jirafake.Options{Clock: s.clk, Logger: s.log.With("upstream", "jira"), TimeZone: agencyLoc, Limits: opts.JiraLimits})
	s.slack = slackfake.New(slackfake.Options{
		Clock: s.clk, Logger: s.log.With("upstream", "slack"), Workspace: s.workspace(),
		BotToken: s.creds.SlackBotToken, AppToken: s.creds.SlackAppToken, SigningSecret: s.creds.SlackSigningSecret,
		RateLimits: opts.SlackRateLimits, EventsURL: opts.SlackEventsURL, DisableSocketMode: opts.SlackEventsURL != "",
	})
	if err := s.seedJira(); err != nil {
		s.slack.Close()
		return nil, err
	}
	s.faults = newFaultTable(s)
	g := newGoogleUpstream(s)
	s.ads = g.ads
	s.sheets = newSheetsFake(s, g)
	s.upstreams = []Upstream{jiraUpstream{s}, slackUpstream{s}, g, sheetsUpstream{s.sheets}, driveUpstream{s.sheets}}
	return s, nil
}

// Ads returns the Google Ads fake, for the demo and tests to shape an
// account's days (googleadsfake.Account.Steady, DayFactors).
func (s *Sandbox) Ads() *googleadsfake.Fake { return s.ads }

// Jira returns the Jira fake, for the demo to seed or inspect directly.
func (s *Sandbox) Jira() *jirafake.Fake { return s.jira }

// Sheets returns the Sheets and Drive fake, for the demo to render the
// spreadsheets and to act as a person in Drive.
func (s *Sandbox) Sheets() *sheetsfake.Fake { return s.sheets }

// Slack returns the Slack fake, for the demo to drive users' activity.
func (s *Sandbox) Slack() *slackfake.Server { return s.slack }

// Scenario returns the scenario the sandbox was seeded from, with
// generated ids filled in. Callers must not modify it.
func (s *Sandbox) Scenario() *Scenario { return s.sc }

// StartTime is the instant relative dates and message offsets count from.
func (s *Sandbox) StartTime() time.Time { return s.start }

// Handler serves every upstream's routes, the /_sandbox/ inspection API,
// and a loud 404 for anything else.
func (s *Sandbox) Handler() http.Handler {
	s.handlerOnce.Do(func() {
		mux := http.NewServeMux()
		for _, u := range s.upstreams {
			u.Mount(&Mux{mux: mux, rec: s.rec, name: u.Name(), routes: &s.routes, faults: s.faults})
		}
		s.faults.mount(mux)
		s.routes = append(s.routes, "GET /_sandbox/faults", "POST /_sandbox/faults", "DELETE /_sandbox/faults")
		mux.HandleFunc("GET /_sandbox/{$}", s.serveIndex)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusNotFound, map[string]any{
				"error": fmt.Sprintf("sandbox: no fake serves %s %s", r.Method, r.URL.Path), "routes": s.routes})
		})
		s.handler = mux
	})
	return s.handler
}

func (s *Sandbox) serveIndex(w http.ResponseWriter, _ *http.Request) {
	names := make([]string, len(s.upstreams))
	for i, u := range s.upstreams {
		names[i] = u.Name()
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"agency": s.sc.Agency.Name, "start": s.start.UTC().Format(time.RFC3339),
		"upstreams": names, "routes": s.routes,
	})
}

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves
// Handler until Close. It returns the base URL, such as
// "http://127.0.0.1:41234", which the fakes also use in the addresses they
// hand out (Socket Mode websocket URLs).
func (s *Sandbox) Start(addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return "", errors.New("starting sandbox: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("starting sandbox: %w", err)
	}
	base := "http://" + ln.Addr().String()
	s.slack.SetBaseURL(base)
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox listener stopped", "err", err)
		}
	}()
	s.log.Info("sandbox listening", "url", base)
	return base, nil
}

// Close stops the replay, drops Socket Mode connections and stops the
// listener. It is safe to call more than once.
func (s *Sandbox) Close() error {
	var err error
	s.once.Do(func() {
		close(s.closed)
		s.slack.Close()
		s.mu.Lock()
		srv := s.srv
		s.mu.Unlock()
		if srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			// A client still mid-request after the grace period (a slow
			// test machine, a client that never reads) is cut off: the
			// sandbox is going away either way.
			if e := srv.Shutdown(ctx); e != nil {
				if ce := srv.Close(); ce != nil {
					err = fmt.Errorf("stopping sandbox listener: %w", errors.Join(e, ce))
				}
			}
		}
	})
	return err
}
