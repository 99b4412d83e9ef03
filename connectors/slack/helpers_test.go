package slack

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake/spectest"
)

// start is where fake clocks stand. It is the wall clock's now because
// slack-go's signature verifier compares timestamps with the wall clock.
var start = time.Now().Truncate(time.Second)

type fixture struct {
	srv *slackfake.Server
	hs  *httptest.Server
	clk *clock.Fake
	c   *Client
	log *syncBuffer
}

// newFixture starts a fake Slack on a fake clock and a Client pointed at
// it. The client's HTTP layer retries 5xx quickly and hands every 429 back,
// so that tests see rate limits instead of sleeping through them.
func newFixture(t *testing.T, fo *slackfake.Options, co *Options) *fixture {
	t.Helper()
	clk := clock.NewFake(start)
	if fo == nil {
		fo = &slackfake.Options{}
	}
	if fo.Clock == nil {
		fo.Clock = clk
	}
	srv, hs := slackfake.NewServer(t, fo)
	t.Cleanup(func() { checkAgainstSpec(t, srv) })
	f := &fixture{srv: srv, hs: hs, clk: clk, log: &syncBuffer{}}
	f.c = f.client(t, fo.BotToken, fo.AppToken, co)
	return f
}

func (f *fixture) client(t *testing.T, bot, app string, co *Options) *Client {
	t.Helper()
	if bot == "" {
		bot = slackfake.DefaultBotToken
	}
	if app == "" {
		app = slackfake.DefaultAppToken
	}
	o := Options{}
	if co != nil {
		o = *co
	}
	lg := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if o.Logger == nil {
		o.Logger = lg
	}
	if o.Clock == nil {
		o.Clock = f.clk
	}
	if o.HTTPClient == nil {
		o.HTTPClient = httpx.NewClient(httpx.Options{Name: "slack", RetryMax: 2, WaitMin: time.Millisecond,
			WaitMax: 2 * time.Millisecond, MaxRetryAfter: time.Nanosecond, Logger: lg, Now: f.clk.Now})
	}
	cfg := DefaultConfig()
	cfg.APIURL = f.hs.URL + "/api/"
	cfg.BotToken = secret.Secret(bot)
	cfg.AppToken = secret.Secret(app)
	cfg.SigningSecret = slackfake.DefaultSigningSecret
	c, err := New(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	specOnce sync.Once
	spec     *spectest.Spec
	specErr  error
)

// checkAgainstSpec checks every Web API call the test made, and its answer,
// against Slack's published OpenAPI spec: a client that sends what Slack
// does not document fails here even if the fake let it through.
func checkAgainstSpec(t *testing.T, srv *slackfake.Server) {
	t.Helper()
	specOnce.Do(func() { spec, specErr = spectest.Load() })
	if errors.Is(specErr, spectest.ErrNoSpec) {
		t.Log("slack specs not found; traffic not checked")
		return
	}
	if specErr != nil {
		t.Fatalf("loading slack specs: %v", specErr)
	}
	for _, c := range srv.Calls() {
		for _, p := range spec.CheckCall(c.Method, c.Args, c.Response) {
			t.Errorf("%s departs from Slack's spec: %s", c.Method, p)
		}
	}
}

// advanceWhenParked waits until something waits on clk, then moves it by d.
// It polls with yields and short naps: the fake clock offers no signal.
func advanceWhenParked(t *testing.T, clk *clock.Fake, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for clk.Waiters() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("nothing waited on the clock within 10s")
		}
		runtime.Gosched()
		time.Sleep(100 * time.Microsecond)
	}
	clk.Advance(d)
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// recorder is a Handler that keeps what it gets.
type recorder struct {
	mu      sync.Mutex
	events  []Event
	actions []Action
	changed chan struct{}
	err     error
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) HandleEvent(_ context.Context, e Event) error {
	r.mu.Lock()
	r.events = append(r.events, e)
	err := r.err
	r.mu.Unlock()
	r.poke()
	return err
}

func (r *recorder) HandleAction(_ context.Context, a Action) error {
	r.mu.Lock()
	r.actions = append(r.actions, a)
	err := r.err
	r.mu.Unlock()
	r.poke()
	return err
}

func (r *recorder) poke() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) snapshot() ([]Event, []Action) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...), append([]Action(nil), r.actions...)
}

// waitFor blocks until cond holds on what was recorded, or fails after a
// generous real-time deadline (the code under test runs on goroutines and
// a loopback websocket, which no fake clock can speed up).
func (r *recorder) waitFor(t *testing.T, what string, cond func([]Event, []Action) bool) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		if cond(r.snapshot()) {
			return
		}
		select {
		case <-r.changed:
		case <-deadline:
			ev, ac := r.snapshot()
			t.Fatalf("timed out waiting for %s; events=%+v actions=%+v", what, ev, ac)
		}
	}
}

func countEvents(evs []Event, kind EventKind, ts string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind && (ts == "" || e.TS == ts) {
			n++
		}
	}
	return n
}

var _ io.Writer = (*syncBuffer)(nil)
