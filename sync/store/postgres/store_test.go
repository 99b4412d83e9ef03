package postgres

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/storetest"
)

// postgresEnv names a throwaway database, e.g. the URL .ci/postgres.sh
// prints. Every test works in a schema of its own and drops it afterwards.
const postgresEnv = "LIAISON_TEST_POSTGRES_URL"

var (
	adminOnce sync.Once
	adminPool *pgxpool.Pool
	adminErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if adminPool != nil {
		adminPool.Close()
	}
	os.Exit(code)
}

// testURL returns the database URL or skips the test.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(postgresEnv)
	if u == "" {
		t.Skipf("set %s to run the PostgreSQL store tests (bash .ci/postgres.sh prints one)", postgresEnv)
	}
	return u
}

// admin is one pool for creating and dropping test schemas.
func admin(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := testURL(t)
	adminOnce.Do(func() { adminPool, adminErr = pgxpool.New(context.Background(), u) })
	if adminErr != nil {
		t.Fatalf("connecting to %s: %v", postgresEnv, adminErr)
	}
	return adminPool
}

// freshSchema names a schema no test uses and drops it when t ends. It does
// not create it: Open does.
func freshSchema(t testing.TB) string {
	t.Helper()
	pool := admin(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "liaison_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		if _, err := pool.Exec(context.Background(), `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("dropping %s: %v", schema, err)
		}
	})
	return schema
}

var testNow = time.Date(2026, 10, 5, 12, 0, 0, 0, time.UTC)

func openSchema(t testing.TB, schema string) *Store {
	t.Helper()
	s, err := Open(context.Background(), testURL(t), Options{Clock: clock.NewFake(testNow), Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// openTemp opens a store in a new schema of its own.
func openTemp(t testing.TB) *Store {
	t.Helper()
	return openSchema(t, freshSchema(t))
}

func TestConformance(t *testing.T) {
	testURL(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestNotificationsConformance(t *testing.T) {
	testURL(t)
	storetest.RunNotifications(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// TestTwoReplicasClaimDisjoint is two processes sharing the database: two
// Stores, two pools, several workers each, claiming and finishing the same
// outbox at once.
func TestTwoReplicasClaimDisjoint(t *testing.T) {
	schema := freshSchema(t)
	replicas := []*Store{openSchema(t, schema), openSchema(t, schema)}
	ctx := t.Context()
	const n = 300
	due := testNow.Add(-time.Hour)
	for i := range n {
		if _, err := replicas[i%2].EnqueueDelivery(ctx, store.Delivery{Key: fmt.Sprintf("d%04d", i), Kind: store.DeliveryPost,
			Payload: []byte(`{"text":"x"}`), DueAt: due.Add(time.Duration(i%7) * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu      sync.Mutex
		claimed = map[string]string{}
		batches = map[string]int{}
		wg      sync.WaitGroup
		errs    = make(chan error, 16)
		start   = make(chan struct{})
	)
	for r, s := range replicas {
		for w := range 4 {
			owner := fmt.Sprintf("replica%d-w%d", r, w)
			wg.Go(func() {
				<-start
				for {
					ds, err := s.ClaimDeliveries(ctx, owner, testNow, time.Minute, 5)
					if err != nil {
						errs <- fmt.Errorf("%s claiming: %w", owner, err)
						return
					}
					if len(ds) == 0 {
						return
					}
					mu.Lock()
					batches[owner]++
					for _, d := range ds {
						if prev, dup := claimed[d.Key]; dup {
							errs <- fmt.Errorf("%s claimed by both %s and %s", d.Key, prev, owner)
						}
						claimed[d.Key] = owner
					}
					mu.Unlock()
					for _, d := range ds {
						if err := s.MarkDeliverySent(ctx, d.Key, owner, "ts-"+d.Key, testNow); err != nil {
							errs <- fmt.Errorf("%s marking %s: %w", owner, d.Key, err)
							return
						}
					}
				}
			})
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(claimed) != n {
		t.Errorf("claimed %d deliveries, want %d", len(claimed), n)
	}
	perReplica := [2]int{}
	for owner := range batches {
		if strings.HasPrefix(owner, "replica0") {
			perReplica[0] += batches[owner]
		} else {
			perReplica[1] += batches[owner]
		}
	}
	t.Logf("claim batches per replica: %v", perReplica)
	sent, err := replicas[1].ListDeliveries(ctx, store.DeliveryFilter{State: store.DeliverySent})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != n {
		t.Errorf("%d deliveries sent, want %d", len(sent), n)
	}
	for _, d := range sent {
		if d.SlackTS != "ts-"+d.Key || d.LeaseOwner != claimed[d.Key] {
			t.Errorf("%s: sent as %q by %q, claimed by %q", d.Key, d.SlackTS, d.LeaseOwner, claimed[d.Key])
		}
	}
}

// TestClaimSkipsRowsLockedByAnotherReplica holds one replica's claim
// transaction open and checks that the other gets the remaining rows at
// once instead of waiting, and never the held ones.
func TestClaimSkipsRowsLockedByAnotherReplica(t *testing.T) {
	schema := freshSchema(t)
	a, b := openSchema(t, schema), openSchema(t, schema)
	ctx := t.Context()
	for i := range 4 {
		if _, err := a.EnqueueDelivery(ctx, store.Delivery{Key: fmt.Sprintf("d%d", i), Kind: store.DeliveryPost,
			Payload: []byte(`{}`), DueAt: testNow.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	held := make(chan []store.Delivery)
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.WithTx(ctx, func(tx store.Tx) error {
			ds, err := tx.ClaimDeliveries(ctx, "a", testNow, time.Minute, 2)
			if err != nil {
				close(held)
				return err
			}
			held <- ds
			<-release
			return nil
		})
	}()
	first, ok := <-held
	if !ok || len(first) != 2 {
		t.Fatalf("first claim = %v (ok %v), want 2", first, ok)
	}
	claimCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	second, err := b.ClaimDeliveries(claimCtx, "b", testNow, time.Minute, 10)
	if err != nil {
		t.Fatalf("second claim while the first is uncommitted: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(second) != 2 {
		t.Fatalf("second claim got %d, want the 2 unlocked ones", len(second))
	}
	for _, d := range second {
		for _, f := range first {
			if d.Key == f.Key {
				t.Errorf("%s claimed by both", d.Key)
			}
		}
	}
}

// TestConcurrentMigrations starts four replicas on an empty schema at once:
// each migration is applied exactly once and every replica comes up.
func TestConcurrentMigrations(t *testing.T) {
	schema := freshSchema(t)
	var (
		logs  [4]syncBuffer
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make(chan error, 4)
	)
	stores := make([]*Store, 4)
	for i := range stores {
		wg.Go(func() {
			<-start
			s, err := Open(t.Context(), testURL(t), Options{
				Schema: schema, Logger: slog.New(slog.NewTextHandler(&logs[i], nil)),
			})
			if err != nil {
				errs <- fmt.Errorf("replica %d: %w", i, err)
				return
			}
			stores[i] = s
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, s := range stores {
		if s != nil {
			t.Cleanup(func() { _ = s.Close() })
		}
	}
	if t.Failed() {
		return
	}
	ms, err := store.LoadMigrations(migrationFS)
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	for i := range logs {
		applied += strings.Count(logs[i].String(), "applied store migration")
	}
	if applied != len(ms) {
		t.Errorf("%d migrations applied across replicas, want %d (once each)", applied, len(ms))
	}
	var rows, maxV int
	if err := stores[0].Pool().QueryRow(t.Context(), `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&rows, &maxV); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) || maxV != len(ms) {
		t.Errorf("schema_migrations has %d rows up to %d, want %d", rows, maxV, len(ms))
	}
	for i, s := range stores {
		if err := s.PutCursor(t.Context(), store.Cursor{Source: fmt.Sprint(i), Version: 1}); err != nil {
			t.Errorf("replica %d after migrating: %v", i, err)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestErrorsHideThePassword tries to connect in ways that fail and checks
// that no error text holds the DSN's password, while it still says where
// the connection went. The CI server trusts local connections, so a wrong
// password is refused by a fake server speaking the PostgreSQL protocol;
// one variant of it even echoes the password back in its error.
func TestErrorsHideThePassword(t *testing.T) {
	// The fake-server and malformed cases need no database.
	realURL := os.Getenv(postgresEnv)
	base, err := url.Parse(cmp.Or(realURL, "postgres://postgres@127.0.0.1:1/liaison_test?sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	const password = "Sup3r-Secret-pa55word"
	with := func(mod func(u *url.URL)) string {
		u := *base
		u.User = url.UserPassword(base.User.Username(), password)
		mod(&u)
		return u.String()
	}
	refusing, echoing := fakeServer(t, password, false), fakeServer(t, password, true)
	cases := []struct {
		name, dsn string
		wantHost  bool
		needsReal bool
	}{
		{"wrong password", with(func(u *url.URL) { u.Host = refusing }), true, false},
		{"server echoes the password", with(func(u *url.URL) { u.Host = echoing }), true, false},
		{"unknown role", with(func(u *url.URL) { u.User = url.UserPassword("liaison_no_such_role", password) }), true, true},
		{"unknown database", with(func(u *url.URL) { u.Path = "/liaison_no_such_db" }), true, true},
		{"nothing listening", with(func(u *url.URL) { u.Host = "127.0.0.1:1" }), true, false},
		{"malformed", "postgres://someone:" + password + "@127.0.0.1:notaport/db", false, false},
		{"malformed key=value", "host=127.0.0.1 password=" + password + " port=notaport", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.needsReal && realURL == "" {
				t.Skipf("needs %s", postgresEnv)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			s, err := Open(ctx, c.dsn, Options{Schema: "liaison_pw_test_never_created"})
			if err == nil {
				_, _ = s.Pool().Exec(ctx, `DROP SCHEMA IF EXISTS liaison_pw_test_never_created CASCADE`)
				s.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			if strings.Contains(msg, password) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), password) {
				t.Fatalf("error quotes the password: %s", msg)
			}
			if c.wantHost {
				var ce *ConnectError
				if !errors.As(err, &ce) || !strings.Contains(msg, "127.0.0.1") {
					t.Errorf("error %q should be a ConnectError naming the host", msg)
				}
			}
			t.Log(msg)
		})
	}
}

// fakeServer listens on loopback and answers every connection as a
// PostgreSQL server asking for a cleartext password and refusing it.
// With echo, its error message quotes the password it was sent.
func fakeServer(t *testing.T, password string, echo bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
				be := pgproto3.NewBackend(conn, conn)
				if _, err := be.ReceiveStartupMessage(); err != nil {
					return
				}
				be.Send(&pgproto3.AuthenticationCleartextPassword{})
				if be.Flush() != nil || be.SetAuthType(pgproto3.AuthTypeCleartextPassword) != nil {
					return
				}
				m, err := be.Receive()
				if err != nil {
					return
				}
				pm, ok := m.(*pgproto3.PasswordMessage)
				if !ok || pm.Password != password {
					return // the driver sent something else: the test fails on Open's error text
				}
				text := `password authentication failed for user "postgres"`
				if echo {
					text += " (got " + pm.Password + ")"
				}
				be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: "28P01", Message: text})
				_ = be.Flush()
			}()
		}
	}()
	return ln.Addr().String()
}

func TestSearchPathOnEveryConnection(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	var conns []*pgxpool.Conn
	for range 3 {
		c, err := s.Pool().Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var got string
		if err := c.QueryRow(ctx, `SELECT current_schema()`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != s.Schema() {
			t.Errorf("conn %d: current_schema = %q, want %q", i, got, s.Schema())
		}
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'deliveries'`,
		s.Schema()).Scan(&n); err != nil || n != 1 {
		t.Errorf("deliveries table in %s: %d (%v)", s.Schema(), n, err)
	}
}

func TestSchemaFromDSN(t *testing.T) {
	schema := freshSchema(t)
	u, err := url.Parse(testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := Open(t.Context(), u.String(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Schema() != schema {
		t.Errorf("schema = %q, want the DSN's %q", s.Schema(), schema)
	}
	for opt, sp := range map[string]string{"": "a,b", "x": "a,b"} {
		got, err := schemaFor(opt, sp)
		if opt == "" && err == nil {
			t.Errorf("search_path %q accepted: %q", sp, got)
		}
		if opt != "" && got != opt {
			t.Errorf("option %q lost to search_path: %q", opt, got)
		}
	}
	if got, _ := schemaFor("", ""); got != DefaultSchema {
		t.Errorf("default schema = %q", got)
	}
	if got, _ := schemaFor("", `"My Schema"`); got != "My Schema" {
		t.Errorf("quoted schema = %q", got)
	}
}

func TestReopenKeepsData(t *testing.T) {
	schema := freshSchema(t)
	for i := range 3 {
		s, err := Open(t.Context(), testURL(t), Options{Schema: schema})
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		if i == 0 {
			if err := s.PutCursor(t.Context(), store.Cursor{Source: "jira", Version: 1, Data: []byte("{}")}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.GetCursor(t.Context(), "jira"); err != nil {
			t.Errorf("open #%d: cursor lost: %v", i, err)
		}
		s.Close()
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	s := openTemp(t)
	if _, err := s.Pool().Exec(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES (999, now())`); err != nil {
		t.Fatal(err)
	}
	_, err := Open(t.Context(), testURL(t), Options{Schema: s.Schema()})
	var tooNew *SchemaTooNewError
	if !errors.As(err, &tooNew) || tooNew.DB != 999 {
		t.Fatalf("Open error = %v, want SchemaTooNewError at 999", err)
	}
	if !strings.Contains(err.Error(), "999") || !strings.Contains(err.Error(), "newer") {
		t.Errorf("message %q should say the schema is newer", err)
	}
}

func TestMigrationFailureRollsBack(t *testing.T) {
	s := openTemp(t)
	// A second schema in the same database, migrated with test migrations.
	schema := freshSchema(t)
	cfg, err := pgxpool.ParseConfig(testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	discard := slog.New(slog.DiscardHandler)
	ms := []migration{
		{Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (x INTEGER);"},
		{Version: 2, Name: "0002_b.sql", SQL: "CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1);"},
	}
	err = applyMigrations(t.Context(), pool, schema, discard, clock.Real{}, ms)
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("error = %v, want one naming 0002_b.sql", err)
	}
	var v int
	if err := pool.QueryRow(t.Context(), `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || v != 1 {
		t.Errorf("version = %d (%v), want 1", v, err)
	}
	if _, err := pool.Exec(t.Context(), `SELECT * FROM b`); err == nil {
		t.Error("table b survived its failed migration")
	}
	ms[1].SQL = "CREATE TABLE b (x INTEGER);"
	for range 2 {
		if err := applyMigrations(t.Context(), pool, schema, discard, clock.Real{}, ms); err != nil {
			t.Fatal(err)
		}
	}
	// The first store's schema was never touched.
	var n int
	if err := s.Pool().QueryRow(t.Context(), `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('a', 'b')`,
		s.Schema()).Scan(&n); err != nil || n != 0 {
		t.Errorf("test migrations leaked into %s: %d (%v)", s.Schema(), n, err)
	}
}

func TestLoadMigrationsRejectsGapsAndBadNames(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"gap":      {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"bad name": {"migrations/init.sql": {}},
	}
	for name, fsys := range tests {
		if _, err := store.LoadMigrations(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ms, err := store.LoadMigrations(migrationFS)
	if err != nil || len(ms) == 0 {
		t.Errorf("embedded migrations: %d, %v", len(ms), err)
	}
}

// TestInstantsAreMillisecondsUTC checks the store.go convention on what
// PostgreSQL would otherwise keep (microseconds, the session's zone).
func TestInstantsAreMillisecondsUTC(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	kyiv := time.FixedZone("Kyiv", 3*3600)
	due := time.Date(2026, 10, 5, 12, 0, 0, 123456789, kyiv)
	if _, err := s.EnqueueDelivery(ctx, store.Delivery{Key: "k", Kind: store.DeliveryPost, Payload: []byte(`null`), DueAt: due}); err != nil {
		t.Fatal(err)
	}
	d, err := s.GetDelivery(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if want := due.UTC().Truncate(time.Millisecond); !d.DueAt.Equal(want) || d.DueAt.Location() != time.UTC {
		t.Errorf("due = %v, want %v", d.DueAt, want)
	}
	if string(d.Payload) != "null" || !d.LeaseUntil.IsZero() || d.LeaseUntil.Location() != time.UTC {
		t.Errorf("payload %q lease %v", d.Payload, d.LeaseUntil)
	}
}

// TestReplaceMetricsConcurrently has two replicas re-pull the same window at
// once: one replacement wins whole, never a mix or a key collision.
func TestReplaceMetricsConcurrently(t *testing.T) {
	schema := freshSchema(t)
	replicas := []*Store{openSchema(t, schema), openSchema(t, schema)}
	rows := func(clicks float64) []connectors.MetricRow {
		var out []connectors.MetricRow
		for d := 1; d <= 28; d++ {
			out = append(out, connectors.MetricRow{Source: connectors.SourceAds, ClientID: "acme", Account: "111",
				Date: fmt.Sprintf("2026-10-%02d", d), Metrics: map[string]float64{connectors.MetricClicks: clicks}})
		}
		return out
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for round := range 10 {
		for i, s := range replicas {
			wg.Go(func() {
				if err := s.ReplaceMetrics(t.Context(), connectors.SourceAds, "111", "2026-10-01", "2026-10-28",
					rows(float64(round*2+i+1))); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := replicas[0].QueryMetrics(t.Context(), store.MetricQuery{Source: connectors.SourceAds,
		DateFrom: "2026-10-01", DateTo: "2026-10-31", ByDate: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 28 {
		t.Fatalf("%d days, want 28", len(got))
	}
	for _, g := range got {
		if g.Metrics[connectors.MetricClicks] != got[0].Metrics[connectors.MetricClicks] {
			t.Fatalf("days from different replacements: %+v", got)
		}
	}
}

// TestMetricSumsAreStable re-pulls the same window with its rows in other
// orders: the totals must come back bit for bit, or reports hashed from
// them would be rewritten for nothing.
func TestMetricSumsAreStable(t *testing.T) {
	// Without index scans the rows are summed in heap order, which each
	// replacement changes: the planner's choice on a big table.
	u, err := url.Parse(testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("options", "-c enable_indexscan=off -c enable_bitmapscan=off -c enable_indexonlyscan=off")
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx does not read + as a space
	s, err := Open(t.Context(), u.String(), Options{Schema: freshSchema(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows []connectors.MetricRow
	for d := 1; d <= 30; d++ {
		for c := range 5 {
			rows = append(rows, connectors.MetricRow{Source: connectors.SourceAds, ClientID: "acme", Account: "111",
				Date: fmt.Sprintf("2026-11-%02d", d), Dimension: fmt.Sprintf("campaign:%d", c),
				Metrics: map[string]float64{connectors.MetricCost: 1e6 / float64(d*7+c*3+1)}})
		}
	}
	var first float64
	for i := range 6 {
		// Rotate the rows so each replacement inserts them in another order.
		order := append(slices.Clone(rows[i*25:]), rows[:i*25]...)
		if err := s.ReplaceMetrics(t.Context(), connectors.SourceAds, "111", "2026-11-01", "2026-11-30", order); err != nil {
			t.Fatal(err)
		}
		got, err := s.QueryMetrics(t.Context(), store.MetricQuery{Source: connectors.SourceAds,
			DateFrom: "2026-11-01", DateTo: "2026-11-30", DimensionKind: "campaign"})
		if err != nil || len(got) != 1 {
			t.Fatalf("totals = %+v, %v", got, err)
		}
		sum := got[0].Metrics[connectors.MetricCost]
		if i == 0 {
			first = sum
		} else if sum != first {
			t.Fatalf("replacement %d totals %v, the first %v", i, sum, first)
		}
	}
}

// TestUpsertFindingConcurrently has two replicas report the same new
// finding at once: exactly one sees it as new.
func TestUpsertFindingConcurrently(t *testing.T) {
	schema := freshSchema(t)
	replicas := []*Store{openSchema(t, schema), openSchema(t, schema)}
	for round := range 20 {
		f := storeFinding(fmt.Sprintf("ACME-%d", round))
		var (
			wg      sync.WaitGroup
			changes [2]store.FindingChange
			errs    [2]error
		)
		for i, s := range replicas {
			wg.Go(func() { changes[i], errs[i] = s.UpsertFinding(t.Context(), f) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		news := 0
		for _, c := range changes {
			if c == store.FindingNew {
				news++
			}
		}
		if news != 1 {
			t.Errorf("round %d: changes %v, want exactly one new", round, changes)
		}
	}
}

func storeFinding(subject string) rules.Finding {
	subj := rules.Subject{Kind: rules.SubjectTask, ID: subject}
	return rules.Finding{Key: rules.Key("deadline", "acme", subj, "overdue"), Rule: "deadline", ClientID: "acme",
		Subject: subj, Severity: rules.SeverityWarning, Title: subject + " is overdue", LastSeen: testNow}
}

func TestClosedStoreFails(t *testing.T) {
	s := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if _, err := s.GetCursor(t.Context(), "jira"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("call after Close = %v, want a failure", err)
	}
}

func benchTasks() []connectors.Task {
	tasks := make([]connectors.Task, 5000)
	for i := range tasks {
		tasks[i] = connectors.Task{
			Key: fmt.Sprintf("ACME-%d", i), ID: fmt.Sprint(i), ProjectKey: "ACME", Summary: "task",
			StatusCategory: connectors.StatusCategoryInProgress, AssigneeAccountID: "acc", DueDate: "2026-10-09",
			RemainingEstimate: connectors.Secs(3600), Labels: []string{"seo"},
			Updated: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC),
		}
	}
	return tasks
}

// BenchmarkUpsertTasks mirrors the SQLite store's: 5,000 tasks in batches
// of 100, as a Jira sync writes them.
func BenchmarkUpsertTasks(b *testing.B) {
	s := openTemp(b)
	tasks := benchTasks()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for start := 0; start < len(tasks); start += 100 {
			if err := s.UpsertTasks(ctx, tasks[start:start+100]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(tasks)), "ns/task")
}

// BenchmarkClaimDeliveries mirrors the SQLite store's: claim 10 due
// deliveries and mark each sent.
func BenchmarkClaimDeliveries(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	due := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for range 10 {
			if _, err := s.EnqueueDelivery(ctx, store.Delivery{Key: fmt.Sprint(i), Kind: store.DeliveryPost,
				Payload: []byte(`{"text":"x"}`), DueAt: due}); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.StartTimer()
		ds, err := s.ClaimDeliveries(ctx, "w", due.Add(time.Hour), time.Minute, 10)
		if err != nil || len(ds) != 10 {
			b.Fatalf("claimed %d: %v", len(ds), err)
		}
		for _, d := range ds {
			if err := s.MarkDeliverySent(ctx, d.Key, "w", "1.0", due); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// A NUL or invalid UTF-8 in upstream text (PostgreSQL text rejects both)
// is cleaned rather than failing the batch and the messages around it.
func TestUnstorableTextIsCleanedNotRejected(t *testing.T) {
	st := openTemp(t)
	ctx := t.Context()
	msgs := []connectors.Message{
		{ChannelID: "C1", TS: "1.000001", Text: "before"},
		{ChannelID: "C1", TS: "1.000002", Text: "nul\x00here \xff end"},
		{ChannelID: "C1", TS: "1.000003", Text: "after"},
	}
	if err := st.UpsertMessages(ctx, msgs); err != nil {
		t.Fatalf("UpsertMessages: %v", err)
	}
	m, err := st.GetMessage(ctx, "C1", "1.000002")
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "nulhere \uFFFD end" {
		t.Errorf("stored text %q", m.Text)
	}
	if msgs[1].Text != "nul\x00here \xff end" {
		t.Error("the caller's message was changed")
	}
	task := connectors.Task{Key: "A-1", ID: "1", ProjectKey: "A", Summary: "fix\x00 it", Labels: []string{"a\x00b"},
		Created: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), Updated: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	if err := st.UpsertTasks(ctx, []connectors.Task{task}); err != nil {
		t.Fatalf("UpsertTasks: %v", err)
	}
	got, err := st.GetTask(ctx, "A-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary != "fix it" || len(got.Labels) != 1 || got.Labels[0] != "ab" || task.Labels[0] != "a\x00b" {
		t.Errorf("stored %q %q; caller's labels %q", got.Summary, got.Labels, task.Labels)
	}
}

func BenchmarkReplaceMetrics(b *testing.B) {
	storetest.BenchReplaceMetrics(b, openTemp(b))
}
