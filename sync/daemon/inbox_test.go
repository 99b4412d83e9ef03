package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/postgres"
	"github.com/liaisonhq/liaison/sync/store/sqlite"
)

// checkInboxTakeover plays a process (or replica) killed while handling a
// recorded click: its claim hides the entry from the next one until
// InboxLease has passed, then the next one takes it over once.
func checkInboxTakeover(t *testing.T, clk *clock.Fake, first, next store.SlackInbox) {
	t.Helper()
	ctx := t.Context()
	dead, live := newStoreInbox(first, clk), newStoreInbox(next, clk)
	click := slackconn.InboxEntry{Key: "interaction:T0CLICK", Kind: "interactive", Payload: []byte(`{"type":"block_actions"}`)}
	if err := dead.Put(ctx, click); err != nil {
		t.Fatal(err)
	}
	if ok, err := dead.Claim(ctx, click.Key); err != nil || !ok {
		t.Fatalf("first claim = %v, %v", ok, err)
	}
	// Killed here, while handling.
	clk.Advance(InboxLease - time.Second)
	if es, err := live.Pending(ctx); err != nil || len(es) != 0 {
		t.Fatalf("pending within the dead claim = %+v, %v; want none", es, err)
	}
	if ok, err := live.Claim(ctx, click.Key); err != nil || ok {
		t.Fatalf("claim within the dead claim = %v, %v; want false", ok, err)
	}
	clk.Advance(time.Second)
	es, err := live.Pending(ctx)
	if err != nil || len(es) != 1 || es[0].Key != click.Key || !es[0].Claimed || string(es[0].Payload) != string(click.Payload) {
		t.Fatalf("pending after the lease = %+v, %v; want the click, marked claimed", es, err)
	}
	if ok, err := live.Claim(ctx, click.Key); err != nil || !ok {
		t.Fatalf("takeover claim = %v, %v", ok, err)
	}
	if err := live.Done(ctx, click.Key); err != nil {
		t.Fatal(err)
	}
	clk.Advance(InboxLease)
	if es, err := live.Pending(ctx); err != nil || len(es) != 0 {
		t.Fatalf("pending after done = %+v, %v; want none", es, err)
	}
}

func TestSlackInboxTakeoverAfterRestart(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	st1, err := sqlite.Open(context.Background(), dir, sqlite.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st1.Close() }) // a second Close after the restart is harmless
	// The first process is gone before the next one opens the data
	// directory (it holds the directory's lock).
	checkInboxTakeover(t, clk, st1, reopenAfter(t, st1, dir, clk))
}

// reopenAfter closes st and opens the data directory again, as a restart
// does.
func reopenAfter(t *testing.T, st *sqlite.Store, dir string, clk clock.Clock) store.SlackInbox {
	t.Helper()
	return &lazyReopen{t: t, st: st, dir: dir, clk: clk}
}

// lazyReopen closes the first store and opens the next on first use, so
// that the dead process's claim is written before the restart.
type lazyReopen struct {
	t    *testing.T
	st   *sqlite.Store
	dir  string
	clk  clock.Clock
	next *sqlite.Store
}

func (l *lazyReopen) open() store.SlackInbox {
	if l.next == nil {
		if err := l.st.Close(); err != nil {
			l.t.Fatal(err)
		}
		st, err := sqlite.Open(context.Background(), l.dir, sqlite.Options{Clock: l.clk})
		if err != nil {
			l.t.Fatal(err)
		}
		l.t.Cleanup(func() { _ = st.Close() })
		l.next = st
	}
	return l.next
}

func (l *lazyReopen) PutInboxEntry(ctx context.Context, e store.InboxEntry) error {
	return l.open().PutInboxEntry(ctx, e)
}

func (l *lazyReopen) ClaimInboxEntry(ctx context.Context, key string, now, until time.Time) (bool, error) {
	return l.open().ClaimInboxEntry(ctx, key, now, until)
}

func (l *lazyReopen) DeleteInboxEntry(ctx context.Context, key string) error {
	return l.open().DeleteInboxEntry(ctx, key)
}

func (l *lazyReopen) PendingInboxEntries(ctx context.Context, now time.Time, limit int) ([]store.InboxEntry, error) {
	return l.open().PendingInboxEntries(ctx, now, limit)
}

func TestSlackInboxTakeoverByAnotherReplica(t *testing.T) {
	dsn := postgresDSN(t)
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	var replicas []*postgres.Store
	for range 2 {
		st, err := postgres.Open(context.Background(), dsn, postgres.Options{Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		replicas = append(replicas, st)
	}
	checkInboxTakeover(t, clk, replicas[0], replicas[1])
}
