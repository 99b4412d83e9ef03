package deliver_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/postgres"
)

// postgresStore opens a store in a schema of the test's own on the
// database LIAISON_TEST_POSTGRES_URL names (bash .ci/postgres.sh prints
// one), dropped when the test ends, or skips the test without one.
func postgresStore(t *testing.T, clk clock.Clock) (*postgres.Store, string) {
	t.Helper()
	raw := os.Getenv("LIAISON_TEST_POSTGRES_URL")
	if raw == "" {
		t.Skip("set LIAISON_TEST_POSTGRES_URL to run the delivery on PostgreSQL")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "liaison_deliver_test_" + hex.EncodeToString(b[:])
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
	st, err := postgres.Open(t.Context(), u.String(), postgres.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, raw
}

// pausedStore stops the first flush that lists pending notifications right
// after the list, inside its transaction, until release is closed.
type pausedStore struct {
	*postgres.Store
	listed, release chan struct{}
	once            sync.Once
}

func (s *pausedStore) WithTx(ctx context.Context, fn func(tx store.Tx) error) error {
	return s.Store.WithTx(ctx, func(tx store.Tx) error { return fn(pausedTx{tx, s}) })
}

type pausedTx struct {
	store.Tx
	s *pausedStore
}

func (tx pausedTx) ListNotifications(ctx context.Context, f store.NotificationFilter) ([]store.Notification, error) {
	ns, err := tx.Tx.ListNotifications(ctx, f)
	if f.State == store.NotifyPending && !f.DueBy.IsZero() {
		// Both replicas' flushes come here; only the first stops.
		first := false
		tx.s.once.Do(func() { first = true })
		if first {
			close(tx.s.listed)
			<-tx.s.release
		}
	}
	return ns, err
}

// noSlack is a Slack no flush calls.
type noSlack struct{ deliver.Slack }

// TestReplicasFlushingTogetherPostOnce has two replicas flush the same
// pending alerts at once on PostgreSQL: the first reads them and stops
// inside its transaction while the second flushes. The alerts become one
// post, not one per replica (which the account manager would see twice).
func TestReplicasFlushingTogetherPostOnce(t *testing.T) {
	start := monday10(t)
	clkA, clkB := clock.NewFake(start), clock.NewFake(start)
	pg, dsn := postgresStore(t, clkA)
	dir := deliver.Agency(t)
	dirFn := func() deliver.Directory { return dir }
	paused := &pausedStore{Store: pg, listed: make(chan struct{}), release: make(chan struct{})}
	a, err := deliver.New(paused, noSlack{}, dirFn, clkA, nil, nil, deliver.Options{Owner: "replica-a"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := deliver.New(pg, noSlack{}, dirFn, clkB, nil, nil, deliver.Options{Owner: "replica-b"})
	if err != nil {
		t.Fatal(err)
	}
	var fs []rules.Finding
	for i := range 9 {
		fs = append(fs, deliver.MakeFinding("deadline", "acme", fmt.Sprintf("ACME-%d", i), rules.SeverityWarning))
	}
	if _, err := b.Reconcile(t.Context(), "deadline", nil, fs, start); err != nil {
		t.Fatal(err)
	}
	// Past group_wait; the replicas' clocks a millisecond apart, as two
	// processes' are, so their posts would have distinct keys.
	clkA.Set(start.Add(time.Minute))
	clkB.Set(start.Add(time.Minute + time.Millisecond))

	doneA := make(chan error, 1)
	go func() { doneA <- a.Flush(t.Context()) }()
	<-paused.listed
	doneB := make(chan error, 1)
	go func() { doneB <- b.Flush(t.Context()) }()
	// Let the second flush run until it ends or waits for the first.
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var errB error
	finishedB := false
	for deadline := time.Now().Add(30 * time.Second); ; {
		select {
		case errB = <-doneB:
			finishedB = true
		default:
		}
		var waiting int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if finishedB || waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second flush neither finished nor waited within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(paused.release)
	if err := <-doneA; err != nil {
		t.Fatal(err)
	}
	if !finishedB {
		errB = <-doneB
	}
	if errB != nil {
		t.Fatal(errB)
	}
	var posts []string
	for _, dl := range mustDeliveries(t, pg, store.DeliveryFilter{}) {
		if dl.Kind == store.DeliveryPost {
			posts = append(posts, dl.Key)
		}
	}
	if len(posts) != 1 {
		t.Errorf("the 9 alerts became %d posts %v, want 1", len(posts), posts)
	}
	for _, f := range fs {
		n, err := pg.GetNotification(t.Context(), f.Key, "anna")
		if err != nil {
			t.Fatal(err)
		}
		if n.State != store.NotifySent || len(posts) == 0 || n.DeliveryKey != posts[0] {
			t.Errorf("notification of %s: %s in %q, want sent in %v", f.Key, n.State, n.DeliveryKey, posts)
		}
	}
}

// TestKilledAfterPostingADMOnPostgres kills a replica between posting the
// account manager's summary and recording it, on PostgreSQL: once the lease
// lapses, the replica that takes the delivery over finds the message in the
// DM's history by its key and records it instead of posting it again.
func TestKilledAfterPostingADMOnPostgres(t *testing.T) {
	h := newHarnessOn(t, monday10(t), func(clk *clock.Fake) store.Store {
		st, _ := postgresStore(t, clk)
		return st
	})
	h.d = h.deliverer(deliver.Options{Owner: "replica-a"})
	var fs []rules.Finding
	for i := range 9 {
		fs = append(fs, deliver.MakeFinding("deadline", "acme", fmt.Sprintf("ACME-%d", i), rules.SeverityWarning))
	}
	h.reconcile("deadline", fs...)
	h.clk.Advance(30 * time.Second)
	deliver.SetHook(h.d, func(stage, key string) error {
		if stage == deliver.StageAfterPost {
			return errKilled
		}
		return nil
	})
	if err := h.d.Tick(t.Context()); !errors.Is(err, errKilled) {
		t.Fatalf("tick = %v, want the injected crash", err)
	}
	h.d = h.deliverer(deliver.Options{Owner: "replica-b"})
	h.settle()
	h.clk.Advance(3 * time.Minute)
	h.settle()
	if n := len(h.posts(h.dm(slackfake.AMUserID))); n != 1 {
		t.Errorf("the account manager has %d messages, want 1", n)
	}
	if n := h.fake.CallCount("conversations.history"); n == 0 {
		t.Error("the DM's history was not searched")
	}
	assertExactlyOnce(t, h, 1)
}
