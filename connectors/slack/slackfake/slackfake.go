// Package slackfake is an in-process Slack that speaks Slack's real wire
// protocol: the Web API methods Liaison uses (form and JSON bodies, tokens in
// the form or a Bearer header, {"ok":false,"error":...} answers, per-method
// tier limits answering 429 with Retry-After), Socket Mode over a websocket
// (hello, events_api, interactive and slash_commands envelopes, acks,
// redelivery, disconnect and reconnect) and Events API delivery over HTTP with
// real request signatures.
//
// It exists so that tests, `liaison demo`, `liaison sandbox` and benchmarks
// can drive the official slack-go client against something that rejects what
// Slack rejects. Point the client at it with
// slack.OptionAPIURL(srv.URL + "/api/").
//
// Time comes from an injected clock.Clock: message timestamps, rate-limit
// buckets, ack timeouts and event retries all move with it, so tests advance
// a clock.Fake instead of sleeping. Only websocket keepalive pings use wall
// time, because they exist for the transport, not for Slack semantics.
package slackfake

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// Default tokens and secrets of the seeded workspace. They are fake values
// with the real prefixes, so client code that branches on the token type
// behaves as it would against Slack.
const (
	DefaultBotToken           = "xoxb-1000000001-2000000002-fakebottokenvalue"
	DefaultAppToken           = "xapp-1-A0LIAISON1-3000000003-fakeapptokenvalue"
	DefaultSigningSecret      = "8f742231b10e8888abcd99yyyzzz85a5"
	DefaultVerificationToken  = "fakeVerificationTokenValue"
	defaultAckTimeout         = 3 * time.Second
	defaultPingInterval       = 5 * time.Second
	defaultMaxDeliveryRetries = 3
)

// Options configure a Server. The zero value is usable: it seeds the default
// workspace (see DefaultWorkspace), uses the wall clock and real rate limits.
type Options struct {
	// Clock drives timestamps, rate limits, ack timeouts and retries.
	Clock clock.Clock
	// Logger receives the fake's own diagnostics; nil discards them.
	Logger *slog.Logger
	// Workspace is the seeded state; nil means DefaultWorkspace().
	Workspace *Workspace
	// BotToken is the xoxb- token accepted by Web API methods.
	BotToken string
	// AppToken is the xapp- token accepted by apps.connections.open.
	AppToken string
	// Scopes granted to the bot token; nil grants every scope the fake knows.
	Scopes []string
	// RateLimits selects how tier limits apply.
	RateLimits RateLimitMode
	// Limits overrides the per-method limits used in RateLimitsReal mode.
	Limits map[string]Limit
	// SigningSecret signs HTTP event and interactivity deliveries.
	SigningSecret string
	// VerificationToken is the legacy token put into event payloads.
	VerificationToken string
	// EventsURL, when set, receives Events API deliveries over HTTP.
	EventsURL string
	// InteractivityURL, when set, receives interactive payloads over HTTP.
	InteractivityURL string
	// HTTPClient sends HTTP deliveries; nil means a plain http.Client.
	HTTPClient *http.Client
	// DisableSocketMode stops Socket Mode delivery. By default events and
	// interactions go to a connected Socket Mode client and are queued
	// until one connects.
	DisableSocketMode bool
	// AckTimeout is how long an envelope or HTTP delivery may stay
	// unacknowledged before Slack retries it (3 s, as Slack).
	AckTimeout time.Duration
	// MaxDeliveryRetries bounds redeliveries of one event (3, as Slack).
	MaxDeliveryRetries int
	// PingInterval is the wall-clock interval of websocket pings; slack-go
	// drops a connection that sees no ping for 30 s.
	PingInterval time.Duration
	// SuppressOwnEvents stops events caused by the bot's own Web API calls
	// (its messages and reactions). Real Slack sends them; keep false unless
	// a test is about something else.
	SuppressOwnEvents bool
}

// Server is the fake Slack. Create it with New or NewServer; all methods are
// safe for concurrent use.
type Server struct {
	clk    clock.Clock
	log    *slog.Logger
	opts   Options
	client *http.Client

	mu      sync.Mutex
	baseURL string
	st      *state
	limiter *limiter
	calls   []Call
	counts  map[string]int
	deliv   []*Delivery
	sock    *socketHub
	seq     int
	// respTargets maps response_url tokens to what they act on.
	respTargets map[string]responseTarget
	// notify is closed and replaced whenever a delivery changes.
	notify chan struct{}

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds a Server from opts. Call Close when done to stop deliveries.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Workspace == nil {
		w := DefaultWorkspace()
		opts.Workspace = &w
	}
	if opts.BotToken == "" {
		opts.BotToken = DefaultBotToken
	}
	if opts.AppToken == "" {
		opts.AppToken = DefaultAppToken
	}
	if opts.SigningSecret == "" {
		opts.SigningSecret = DefaultSigningSecret
	}
	if opts.VerificationToken == "" {
		opts.VerificationToken = DefaultVerificationToken
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = defaultAckTimeout
	}
	if opts.MaxDeliveryRetries <= 0 {
		opts.MaxDeliveryRetries = defaultMaxDeliveryRetries
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = defaultPingInterval
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		clk:     opts.Clock,
		log:     opts.Logger,
		opts:    opts,
		client:  client,
		st:      newState(*opts.Workspace, opts.Clock),
		limiter: newLimiter(opts.Clock, opts.RateLimits, opts.Limits),
		counts:  map[string]int{},
		ctx:     ctx,
		cancel:  cancel,
		baseURL: "http://slack.invalid",
	}
	s.sock = newSocketHub(s)
	return s
}

// NewServer starts a Server on a loopback httptest server and closes both
// when t ends. opts may be nil.
func NewServer(t testing.TB, opts *Options) (*Server, *httptest.Server) {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	s := New(o)
	hs := httptest.NewServer(s.Handler())
	s.SetBaseURL(hs.URL)
	t.Cleanup(func() {
		s.Close()
		hs.Close()
	})
	return s, hs
}

// SetBaseURL tells the fake where it is reachable (for example an
// httptest.Server's URL); it builds websocket and response_url addresses
// from it. Handler also learns it from the first request's Host.
func (s *Server) SetBaseURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.baseURL = strings.TrimRight(u, "/")
}

// Close stops deliveries, drops websocket connections and waits for the
// fake's goroutines.
func (s *Server) Close() {
	s.cancel()
	s.sock.closeAll()
	s.wg.Wait()
}

// Handler serves the Web API under /api/, the Socket Mode websocket under
// /link/, response_url posts under /_fake/slack/response/ and the inspection
// JSON at /_fake/slack/messages. Unknown paths answer 404, loudly.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.sock.serveWS)
	mux.HandleFunc("/_fake/slack/response/", s.serveResponseURL)
	mux.Handle("/_fake/slack/messages", s.InspectHandler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, fmt.Sprintf("slackfake: no route for %s %s", r.Method, r.URL.Path), http.StatusNotFound)
	})
	return mux
}

func (s *Server) base() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// nextIDLocked returns a fresh suffix for generated ids; callers hold s.mu.
func (s *Server) nextIDLocked() int {
	s.seq++
	return s.seq
}

// go runs f on a tracked goroutine so Close can wait for it.
func (s *Server) goTracked(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}
