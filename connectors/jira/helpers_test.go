package jira_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// t0 is a Friday morning; the fixtures' times are relative to it.
var t0 = time.Date(2026, 11, 27, 10, 13, 42, 0, time.UTC)

// lockedBuffer collects log output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// env is a Jira fake on loopback, a client pointed at it and a real SQLite
// store, all on one fake clock.
type env struct {
	clock  *clock.Fake
	fake   *jirafake.Fake
	srv    *httptest.Server
	client *jira.Client
	store  store.Store
	reg    *prometheus.Registry
	logs   *lockedBuffer
}

type envOptions struct {
	fake   jirafake.Options
	token  string // default: the fake's token
	dryRun bool
	retry  int // httpx RetryMax; default 2
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	e := &env{clock: clock.NewFake(t0), reg: prometheus.NewRegistry(), logs: &lockedBuffer{}}
	o.fake.Clock = e.clock
	e.fake, e.srv = jirafake.NewServer(t, o.fake)
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Clock: e.clock})
	if err != nil {
		t.Fatalf("opening store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e.store = st
	e.client = e.newClient(t, o)
	return e
}

// newClient builds another client on the same fake (a restarted process, or
// one with other credentials).
func (e *env) newClient(t testing.TB, o envOptions) *jira.Client {
	t.Helper()
	if o.token == "" {
		o.token = jirafake.DefaultToken
	}
	if o.retry == 0 {
		o.retry = 2
	}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	hc := httpx.NewClient(httpx.Options{Name: "jira", RetryMax: o.retry, WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond,
		MaxRetryAfter: 2 * time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	reg := prometheus.NewRegistry()
	if e.client == nil {
		reg = e.reg
	}
	c, err := jira.New(jira.Config{BaseURL: e.srv.URL, Email: jirafake.DefaultEmail, APIToken: secret.Secret(o.token)},
		jira.Options{HTTPClient: hc, Logger: logger, Clock: e.clock, Registerer: reg, DryRun: o.dryRun})
	if err != nil {
		t.Fatalf("jira.New: %v", err)
	}
	return c
}

func (e *env) syncer(t testing.TB, opts jira.SyncerOptions) *jira.Syncer {
	t.Helper()
	s, err := jira.NewSyncer(e.client, e.store, opts)
	if err != nil {
		t.Fatalf("NewSyncer: %v", err)
	}
	return s
}

func (e *env) addProjects(t testing.TB, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := e.fake.AddProject(jirafake.Project{Key: k}); err != nil {
			t.Fatalf("adding project %s: %v", k, err)
		}
	}
}

func (e *env) putIssue(t testing.TB, in jirafake.Issue) jirafake.Issue {
	t.Helper()
	out, err := e.fake.PutIssue(in)
	if err != nil {
		t.Fatalf("putting issue: %v", err)
	}
	return out
}

func (e *env) tasks(t testing.TB, f store.TaskFilter) []connectors.Task {
	t.Helper()
	ts, err := e.store.ListTasks(context.Background(), f)
	if err != nil {
		t.Fatalf("listing tasks: %v", err)
	}
	return ts
}

func (e *env) task(t testing.TB, key string) connectors.Task {
	t.Helper()
	tk, err := e.store.GetTask(context.Background(), key)
	if err != nil {
		t.Fatalf("getting task %s: %v", key, err)
	}
	return tk
}

// metric returns the summed value of every series of a metric family.
func (e *env) metric(t testing.TB, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				sum += m.GetCounter().GetValue()
			case m.Gauge != nil:
				sum += m.GetGauge().GetValue()
			}
		}
	}
	return sum
}

const (
	routeSearchGet  = "GET /rest/api/3/search/jql"
	routeSearchPost = "POST /rest/api/3/search/jql"
	routeWLUpdated  = "GET /rest/api/3/worklog/updated"
	routeWLList     = "POST /rest/api/3/worklog/list"
	routeCreate     = "POST /rest/api/3/issue"
)

// failingStore fails UpsertTasks (inside or outside transactions) from the
// failAt-th call on, to prove that cursors wait for what they cover.
type failingStore struct {
	store.Store
	mu     sync.Mutex
	calls  int
	failAt int
}

var errInjected = errors.New("injected store failure")

func (f *failingStore) fail() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.calls >= f.failAt
}

func (f *failingStore) UpsertTasks(ctx context.Context, ts []connectors.Task) error {
	if f.fail() {
		return errInjected
	}
	return f.Store.UpsertTasks(ctx, ts)
}

func (f *failingStore) WithTx(ctx context.Context, fn func(tx store.Tx) error) error {
	return f.Store.WithTx(ctx, func(tx store.Tx) error { return fn(&failingTx{Tx: tx, parent: f}) })
}

type failingTx struct {
	store.Tx
	parent *failingStore
}

func (f *failingTx) UpsertTasks(ctx context.Context, ts []connectors.Task) error {
	if f.parent.fail() {
		return errInjected
	}
	return f.Tx.UpsertTasks(ctx, ts)
}

// signed posts body to h with an X-Hub-Signature computed with key.
func postWebhook(h http.Handler, sig string, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/jira/webhook", strings.NewReader(body))
	if sig != "" {
		req.Header.Set("X-Hub-Signature", sig)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
