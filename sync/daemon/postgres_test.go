package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/postgres"
)

// postgresEnv names a throwaway database (bash .ci/postgres.sh prints one).
const postgresEnv = "LIAISON_TEST_POSTGRES_URL"

// postgresDSN returns a DSN whose search_path is a schema of the test's
// own, dropped when the test ends, or skips the test without a database.
func postgresDSN(t *testing.T) string {
	t.Helper()
	raw := os.Getenv(postgresEnv)
	if raw == "" {
		t.Skipf("set %s to run the daemon on PostgreSQL", postgresEnv)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "liaison_daemon_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), raw)
		if err != nil {
			t.Errorf("dropping %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("dropping %s: %v", schema, err)
		}
	})
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// sandboxConfig is the sandbox's sample agency config, served by sb's fakes.
func sandboxConfig(t *testing.T, clk clock.Clock) (*configs.Config, *sandbox.Sandbox) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Clock: clk, SlackRateLimits: slackfake.RateLimitsOff})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	sb.Slack().SetBaseURL(srv.URL)
	yml, err := sb.Config(srv.URL, sandbox.ConfigOptions{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Parse("sandbox.yaml", yml)
	if err != nil {
		t.Fatalf("sandbox config: %v", err)
	}
	return cfg, sb
}

// usePostgres switches cfg to the PostgreSQL store at dsn.
func usePostgres(cfg *configs.Config, dsn string) {
	cfg.Store = configs.Store{Driver: configs.DriverPostgres, DSN: secret.Secret(dsn)}
}

// TestSyncOnceOnPostgres runs the sandbox cycle of TestSyncOnceAgainstSandbox
// on the PostgreSQL store, opened through the daemon's wiring, next to the
// same cycle on SQLite: both store the same tasks, metrics and findings and
// post the same alerts, and a second cycle posts nothing on either.
func TestSyncOnceOnPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

	clk := clock.NewFake(now)
	cfg, sb := sandboxConfig(t, clk)
	usePostgres(cfg, dsn)
	st, err := OpenStore(t.Context(), cfg, StoreOptions{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, ok := st.(*postgres.Store); !ok {
		t.Fatalf("store.driver postgres opened a %T", st)
	}
	app, err := NewApp(func() *configs.Config { return cfg }, st, AppOptions{Clock: clk, Once: true, Owner: LeaseOwner(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	ref, refSB, _ := sandboxApp(t, now) // SQLite

	for _, a := range []*App{app, ref} {
		if err := syncOnce(a); err != nil {
			t.Fatalf("first cycle on %T: %v", a.st, err)
		}
	}
	posts, refPosts := botPosts(sb), botPosts(refSB)
	if len(posts) == 0 || len(posts) != len(refPosts) {
		t.Fatalf("%d alerts posted on PostgreSQL, %d on SQLite", len(posts), len(refPosts))
	}
	t.Logf("%d alerts posted on each store", len(posts))
	var text strings.Builder
	for _, p := range posts {
		text.WriteString(p.Text + "\n" + string(p.Blocks) + "\n")
	}
	for _, key := range overdueAndDueSoon(t, sb) {
		if !strings.Contains(text.String(), key) {
			t.Errorf("no alert mentions %s; posts:\n%s", key, text.String())
		}
	}

	ctx := t.Context()
	same := func(what string, get func(s store.Store) ([]string, error)) {
		t.Helper()
		got, err := get(app.st)
		if err != nil {
			t.Fatalf("%s on PostgreSQL: %v", what, err)
		}
		want, err := get(ref.st)
		if err != nil {
			t.Fatalf("%s on SQLite: %v", what, err)
		}
		if len(got) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s on PostgreSQL:\n %v\nwant as on SQLite:\n %v", what, got, want)
		}
		t.Logf("%d %s, the same on both stores", len(got), what)
	}
	same("tasks", func(s store.Store) ([]string, error) {
		ts, err := s.ListTasks(ctx, store.TaskFilter{IncludeDeleted: true})
		var out []string
		for _, t := range ts {
			out = append(out, fmt.Sprintf("%s %s due %q", t.Key, t.StatusCategory, t.DueDate))
		}
		return out, err
	})
	same("open findings", func(s store.Store) ([]string, error) {
		fs, err := s.ListOpenFindings(ctx, store.FindingFilter{})
		var out []string
		for _, f := range fs {
			out = append(out, f.Key+" "+f.Severity.String())
		}
		return out, err
	})
	same("deliveries", func(s store.Store) ([]string, error) {
		ds, err := s.ListDeliveries(ctx, store.DeliveryFilter{})
		var out []string
		for _, d := range ds {
			out = append(out, fmt.Sprintf("%s %s %s", d.Key, d.Kind, d.State))
		}
		slices.Sort(out)
		return out, err
	})
	same("metrics", func(s store.Store) ([]string, error) {
		var out []string
		for _, q := range []store.MetricQuery{
			{Source: connectors.SourceAds, ClientID: "steppe-foods", DateFrom: "2026-11-01", DateTo: "2026-11-30", DimensionKind: "campaign"},
			{Source: connectors.SourceGSC, ClientID: "acme-ua", DateFrom: "2026-11-01", DateTo: "2026-11-30"},
		} {
			totals, err := s.QueryMetrics(ctx, q)
			if err != nil {
				return nil, err
			}
			for _, m := range totals {
				// Sums of floats in another order differ in the last digits.
				for name, v := range m.Metrics {
					out = append(out, fmt.Sprintf("%s %s %s %s %.6f", q.Source, m.Date, m.Dimension, name, v))
				}
			}
		}
		slices.Sort(out)
		return out, nil
	})

	calls := sb.Slack().CallCount("chat.postMessage")
	if err := syncOnce(app); err != nil {
		t.Fatalf("second cycle: %v", err)
	}
	if got := sb.Slack().CallCount("chat.postMessage"); got != calls {
		t.Errorf("second cycle posted %d more messages; want none", got-calls)
	}
}

// TestDaemonRunsOnPostgres starts the whole daemon with store.driver
// postgres: it becomes ready, the job engine runs its start-up jobs on the
// same database (River's tables land in the store's schema), the first
// Jira pull is stored there, and it shuts down cleanly.
func TestDaemonRunsOnPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	cfg, _ := sandboxConfig(t, clk)
	usePostgres(cfg, dsn)
	var logs lockedWriter
	d, err := New(Options{
		ConfigPath: "sandbox.yaml", Config: cfg, Listen: "127.0.0.1:0", Clock: clk,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- d.Run(ctx) }()
	// Connectors pace themselves on the clock; move it along as time would.
	go func() {
		for ctx.Err() == nil {
			time.Sleep(time.Millisecond)
			if clk.Waiters() > 0 {
				clk.Advance(2 * time.Second)
			}
		}
	}()

	addrCtx, addrCancel := context.WithTimeout(ctx, 30*time.Second)
	defer addrCancel()
	addr, err := d.Addr(addrCtx)
	if err != nil {
		select {
		case err := <-runErr:
			t.Fatalf("daemon stopped: %v", err)
		default:
			t.Fatalf("daemon never listened: %v", err)
		}
	}
	waitUntil(t, 30*time.Second, "/readyz says ready", func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	// A second handle on the same schema, as another replica would have.
	peer, err := postgres.Open(t.Context(), dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	waitUntil(t, 30*time.Second, "the start-up Jira pull stored tasks", func() bool {
		ts, err := peer.ListTasks(t.Context(), store.TaskFilter{})
		return err == nil && len(ts) > 0
	})
	waitUntil(t, 30*time.Second, "River completed jira.pull in the store's schema", func() bool {
		var n int
		err := peer.Pool().QueryRow(t.Context(),
			`SELECT COUNT(*) FROM river_job WHERE state = 'completed' AND args->>'task' = 'jira.pull'`).Scan(&n)
		return err == nil && n > 0
	})

	cancel()
	select {
	case err := <-runErr:
		if err != nil {
			t.Fatalf("Run = %v, want a clean shutdown", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not stop")
	}
	out := logs.String()
	if !strings.Contains(out, "store=postgres") || !strings.Contains(out, "schema liaison_daemon_test_") {
		t.Errorf("start-up log should name the PostgreSQL store and schema:\n%s", out)
	}
	if u, _ := url.Parse(dsn); u != nil {
		if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(out, pw) {
			t.Error("the log holds the DSN's password")
		}
	}
	if strings.Contains(out, dsn) {
		t.Error("the log holds the DSN")
	}
}

func waitUntil(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting until %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lockedWriter collects log output written from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
