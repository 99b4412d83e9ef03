package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	_ "modernc.org/sqlite"
)

// briefDSN is the DSN the store was specified with. Under it, River's own
// read-then-write transactions (the job scheduler's) fail with SQLITE_BUSY
// when another connection writes at the same moment: busy_timeout does not
// apply to a deferred transaction's upgrade to a writer.
func briefDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
}

// testDSN adds _txlock=immediate, which the engine requires of a pool with
// more than one connection: every transaction takes the write lock at BEGIN,
// where busy_timeout applies.
func testDSN(path string) string {
	return briefDSN(path) + "&_txlock=immediate"
}

// openDB opens (and on cleanup closes) a SQLite database at path, as the
// state store would.
func openDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", testDSN(path))
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func tempDBPath(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "liaison.db")
}

// logSink is a slog handler that keeps records so tests can assert what was
// logged.
type logSink struct {
	mu      sync.Mutex
	records []logRecord
}

type logRecord struct {
	Time  time.Time
	Level slog.Level
	Msg   string
	Attrs map[string]string
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }

func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Time: r.Time, Level: r.Level, Msg: r.Message, Attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.String()
		return true
	})
	s.mu.Lock()
	s.records = append(s.records, rec)
	s.mu.Unlock()
	return nil
}

func (s *logSink) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s *logSink) WithGroup(string) slog.Handler      { return s }

func (s *logSink) find(pred func(logRecord) bool) []logRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []logRecord
	for _, r := range s.records {
		if pred(r) {
			out = append(out, r)
		}
	}
	return out
}

// errorsMentioning returns records at warn level or above whose message or
// attributes contain any of words.
func (s *logSink) errorsMentioning(words ...string) []logRecord {
	return s.find(func(r logRecord) bool {
		if r.Level < slog.LevelWarn {
			return false
		}
		text := strings.ToLower(r.Msg)
		for _, v := range r.Attrs {
			text += " " + strings.ToLower(v)
		}
		for _, w := range words {
			if strings.Contains(text, w) {
				return true
			}
		}
		return false
	})
}

// testOptions returns Options tuned so that River reacts within tens of
// milliseconds instead of seconds.
func testOptions(sink *logSink, reg prometheus.Registerer) Options {
	// Under the race detector an attempt that waits for SQLite's write lock
	// can pass 5 s; a timed-out attempt is retried, which tests that count
	// writes would see twice.
	slow := time.Duration(1)
	if raceEnabled {
		slow = 5
	}
	return Options{
		Logger:            slog.New(sink),
		Registerer:        reg,
		Workers:           4,
		DefaultTimeout:    slow * 5 * time.Second,
		RescueStuckAfter:  slow * 10 * time.Second,
		StopGrace:         2 * time.Second,
		FetchPollInterval: 50 * time.Millisecond,
		FetchCooldown:     5 * time.Millisecond,
		RetryDelay:        func(int) time.Duration { return 50 * time.Millisecond },
		testOnly:          true,
	}
}

type testEngine struct {
	*Engine
	db   *sql.DB
	logs *logSink
	reg  *prometheus.Registry
}

// newTestEngine builds an engine on path with its own *sql.DB, registry and
// log sink; mod may adjust the options. The engine is stopped on cleanup.
func newTestEngine(t testing.TB, path string, mod func(*Options)) *testEngine {
	t.Helper()
	db := openDB(t, path)
	return newTestEngineOn(t, db, mod)
}

func newTestEngineOn(t testing.TB, db *sql.DB, mod func(*Options)) *testEngine {
	t.Helper()
	sink := &logSink{}
	reg := prometheus.NewRegistry()
	opts := testOptions(sink, reg)
	if mod != nil {
		mod(&opts)
	}
	e, err := New(context.Background(), db, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Stop(ctx)
		// Every test doubles as a check that River never hit a locked
		// SQLite database under the DSN the engine requires.
		for _, r := range sink.errorsMentioning("database is locked", "sqlite_busy") {
			t.Errorf("River logged a lock error: %s %v", r.Msg, r.Attrs)
		}
	})
	return &testEngine{Engine: e, db: db, logs: sink, reg: reg}
}

func mustRegister(t testing.TB, e *Engine, task Task) {
	t.Helper()
	if err := e.Register(task); err != nil {
		t.Fatalf("Register(%s): %v", task.Name, err)
	}
}

func mustStart(t testing.TB, e *Engine) {
	t.Helper()
	if err := e.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if raceEnabled {
		within *= 5 // the race detector slows SQLite and River's hand-offs
	}
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// counterValue reads liaison_jobs_runs_total{task,outcome} from reg.
func counterValue(t testing.TB, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labelsMatch(m, labels) {
				if m.GetCounter() != nil {
					return m.GetCounter().GetValue()
				}
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, lp := range m.GetLabel() {
		got[lp.GetName()] = lp.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

func runs(t testing.TB, reg *prometheus.Registry, task, outcome string) float64 {
	return counterValue(t, reg, "liaison_jobs_runs_total", map[string]string{"task": task, "outcome": outcome})
}

// jobStates counts the task's rows in river_job by state.
func jobStates(t testing.TB, db *sql.DB, task string) map[string]int {
	t.Helper()
	rows, err := db.Query(`SELECT state, count(*) FROM river_job WHERE kind = ? AND json_extract(args, '$.task') = ? GROUP BY state`, taskKind, task)
	if err != nil {
		t.Fatalf("querying job states: %v", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatalf("scanning job states: %v", err)
		}
		out[s] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading job states: %v", err)
	}
	return out
}

// counter is a goroutine-safe tally of task runs.
type counter struct {
	mu sync.Mutex
	n  int
	at []time.Time
}

func (c *counter) inc() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	c.at = append(c.at, time.Now())
	return c.n
}

func (c *counter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
