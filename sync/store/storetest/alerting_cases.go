package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

func finding(rule, client, subject string, seen time.Time) rules.Finding {
	subj := rules.Subject{Kind: rules.SubjectTask, ID: subject, URL: "https://jira.test/browse/" + subject}
	return rules.Finding{
		Key: rules.Key(rule, client, subj, "overdue"), Rule: rule, ClientID: client, Subject: subj,
		Severity: rules.SeverityWarning, Title: subject + " is overdue",
		Fields: map[string]string{"due": "2026-10-01"}, LastSeen: seen,
	}
}

func testFindings(t *testing.T, s store.Store) {
	f := finding("deadline", "acme", "ACME-1", at(0))
	steps := []struct {
		name   string
		do     func() (store.FindingChange, error)
		want   store.FindingChange
		first  time.Time
		last   time.Time
		isOpen bool
	}{
		{"first sighting", func() (store.FindingChange, error) { return s.UpsertFinding(ctx(t), f) },
			store.FindingNew, at(0), at(0), true},
		{"seen again", func() (store.FindingChange, error) {
			g := f
			g.LastSeen = at(time.Hour)
			return s.UpsertFinding(ctx(t), g)
		}, store.FindingUnchanged, at(0), at(time.Hour), true},
		{"escalated", func() (store.FindingChange, error) {
			g := f
			g.LastSeen, g.Severity = at(2*time.Hour), rules.SeverityCritical
			return s.UpsertFinding(ctx(t), g)
		}, store.FindingChanged, at(0), at(2 * time.Hour), true},
		{"back after resolution", func() (store.FindingChange, error) {
			if ok, err := s.ResolveFinding(ctx(t), f.Key, at(3*time.Hour)); err != nil || !ok {
				return 0, fmt.Errorf("resolve = %v, %v; want true", ok, err)
			}
			if ok, err := s.ResolveFinding(ctx(t), f.Key, at(4*time.Hour)); err != nil || ok {
				return 0, fmt.Errorf("second resolve = %v, %v; want false", ok, err)
			}
			g := f
			g.LastSeen = at(5 * time.Hour)
			return s.UpsertFinding(ctx(t), g)
		}, store.FindingReopened, at(5 * time.Hour), at(5 * time.Hour), true},
	}
	for _, st := range steps {
		change, err := st.do()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if change != st.want {
			t.Errorf("%s: change = %v, want %v", st.name, change, st.want)
		}
		got, err := s.GetFinding(ctx(t), f.Key)
		must(t, err)
		if !got.FirstSeen.Equal(st.first) || !got.LastSeen.Equal(st.last) || got.Open() != st.isOpen {
			t.Errorf("%s: first %v last %v open %v, want %v %v %v", st.name, got.FirstSeen, got.LastSeen, got.Open(),
				st.first, st.last, st.isOpen)
		}
	}
	got, err := s.GetFinding(ctx(t), f.Key)
	must(t, err)
	want := f
	want.FirstSeen, want.LastSeen = at(5*time.Hour), at(5*time.Hour)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}

	other := finding("deadline", "beta", "BETA-1", at(0))
	resolved := finding("response", "acme", "ACME-9", at(0))
	for _, g := range []rules.Finding{other, resolved} {
		_, err := s.UpsertFinding(ctx(t), g)
		must(t, err)
	}
	_, err = s.ResolveFinding(ctx(t), resolved.Key, at(time.Minute))
	must(t, err)
	for _, tt := range []struct {
		f    store.FindingFilter
		want []string
	}{
		{store.FindingFilter{}, sortedKeys(f, other)},
		{store.FindingFilter{ClientID: "acme"}, []string{f.Key}},
		{store.FindingFilter{Rule: "response"}, nil},
	} {
		list, err := s.ListOpenFindings(ctx(t), tt.f)
		must(t, err)
		var keys []string
		for _, g := range list {
			keys = append(keys, g.Key)
		}
		if !slices.Equal(keys, tt.want) {
			t.Errorf("ListOpenFindings(%+v) = %v, want %v", tt.f, keys, tt.want)
		}
		keys = nil
		must(t, s.EachOpenFinding(ctx(t), tt.f, func(g *rules.Finding) error {
			keys = append(keys, g.Key)
			return nil
		}))
		if !slices.Equal(keys, tt.want) {
			t.Errorf("EachOpenFinding(%+v) = %v, want %v", tt.f, keys, tt.want)
		}
	}
	stop := errors.New("enough")
	var walked int
	if err := s.EachOpenFinding(ctx(t), store.FindingFilter{}, func(*rules.Finding) error {
		walked++
		return stop
	}); !errors.Is(err, stop) || walked != 1 {
		t.Errorf("EachOpenFinding with fn failing at once: err %v after %d findings, want fn's error after 1", err, walked)
	}

	_, err = s.GetFinding(ctx(t), "deadline:missing")
	mustBe(t, err, store.ErrNotFound)
	_, err = s.ResolveFinding(ctx(t), "deadline:missing", at(0))
	mustBe(t, err, store.ErrNotFound)
	_, err = s.UpsertFinding(ctx(t), rules.Finding{Key: "x", Rule: "r"})
	mustBe(t, err, store.ErrInvalid)
}

func sortedKeys(fs ...rules.Finding) []string {
	var keys []string
	for _, f := range fs {
		keys = append(keys, f.Key)
	}
	slices.Sort(keys)
	return keys
}

func delivery(key string, due time.Time) store.Delivery {
	return store.Delivery{Key: key, FindingKey: "f-" + key, Recipient: "am-ann", ChannelID: "D1",
		Kind: store.DeliveryPost, Payload: json.RawMessage(`{"text":"hi"}`), DueAt: due}
}

func testOutboxEnqueue(t *testing.T, s store.Store) {
	d := delivery("a", at(0))
	ok, err := s.EnqueueDelivery(ctx(t), d)
	must(t, err)
	if !ok {
		t.Fatal("first enqueue reported a duplicate")
	}
	dup := d
	dup.Payload, dup.DueAt = json.RawMessage(`{"text":"changed"}`), at(time.Hour)
	ok, err = s.EnqueueDelivery(ctx(t), dup)
	must(t, err)
	if ok {
		t.Error("enqueueing an existing key reported an insert")
	}
	got, err := s.GetDelivery(ctx(t), "a")
	must(t, err)
	if got.State != store.DeliveryPending || string(got.Payload) != `{"text":"hi"}` || !got.DueAt.Equal(at(0)) ||
		got.Recipient != "am-ann" || got.ChannelID != "D1" || got.Kind != store.DeliveryPost || got.FindingKey != "f-a" {
		t.Errorf("stored delivery = %+v, want the first enqueue unchanged", got)
	}
	for name, bad := range map[string]store.Delivery{
		"no key":      {Kind: store.DeliveryPost, Payload: json.RawMessage(`{}`), DueAt: at(0)},
		"bad kind":    {Key: "k", Kind: "fax", Payload: json.RawMessage(`{}`), DueAt: at(0)},
		"bad payload": {Key: "k", Kind: store.DeliveryPost, Payload: json.RawMessage(`{`), DueAt: at(0)},
		"no due":      {Key: "k", Kind: store.DeliveryPost, Payload: json.RawMessage(`{}`)},
	} {
		if _, err := s.EnqueueDelivery(ctx(t), bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", name, err)
		}
	}
	_, err = s.GetDelivery(ctx(t), "nope")
	mustBe(t, err, store.ErrNotFound)
}

func claimKeys(t *testing.T, s store.Store, owner string, now time.Time, limit int) []string {
	t.Helper()
	ds, err := s.ClaimDeliveries(ctx(t), owner, now, time.Minute, limit)
	must(t, err)
	var keys []string
	for _, d := range ds {
		if d.State != store.DeliverySending || d.LeaseOwner != owner || !d.LeaseUntil.Equal(now.Add(time.Minute)) {
			t.Errorf("claimed %s = state %s owner %q until %v", d.Key, d.State, d.LeaseOwner, d.LeaseUntil)
		}
		keys = append(keys, d.Key)
	}
	return keys
}

func testOutboxLifecycle(t *testing.T, s store.Store) {
	for _, d := range []store.Delivery{delivery("c", at(2*time.Minute)), delivery("b", at(time.Minute)),
		delivery("a", at(time.Minute)), delivery("later", at(time.Hour))} {
		_, err := s.EnqueueDelivery(ctx(t), d)
		must(t, err)
	}
	if got := claimKeys(t, s, "w1", at(0), 10); len(got) != 0 {
		t.Errorf("claimed %v before anything was due", got)
	}
	if got := claimKeys(t, s, "w1", at(2*time.Minute), 2); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("first claim = %v, want [a b] (due order, then key, limited)", got)
	}
	if got := claimKeys(t, s, "w2", at(2*time.Minute), 10); !slices.Equal(got, []string{"c"}) {
		t.Errorf("second claim = %v, want [c]: leased ones must not be claimed again", got)
	}

	must(t, s.MarkDeliverySent(ctx(t), "a", "w1", "1759654800.000100", at(3*time.Minute)))
	mustBe(t, s.MarkDeliverySent(ctx(t), "a", "w1", "1759654800.000999", at(3*time.Minute)), store.ErrLeaseLost)
	mustBe(t, s.MarkDeliverySent(ctx(t), "c", "w1", "x", at(3*time.Minute)), store.ErrLeaseLost)
	mustBe(t, s.MarkDeliverySent(ctx(t), "zzz", "w1", "x", at(3*time.Minute)), store.ErrNotFound)
	must(t, s.RescheduleDelivery(ctx(t), "b", "w1", "429 rate limited", at(10*time.Minute)))
	must(t, s.MarkDeliveryFailed(ctx(t), "c", "w2", "channel_not_found", at(3*time.Minute)))

	a, err := s.GetDelivery(ctx(t), "a")
	must(t, err)
	if a.State != store.DeliverySent || a.SlackTS != "1759654800.000100" {
		t.Errorf("a = %s ts %q, want sent with the first ts", a.State, a.SlackTS)
	}
	b, err := s.GetDelivery(ctx(t), "b")
	must(t, err)
	if b.State != store.DeliveryPending || b.Attempts != 1 || b.LastError != "429 rate limited" ||
		!b.DueAt.Equal(at(10*time.Minute)) || b.LeaseOwner != "" || !b.LeaseUntil.IsZero() {
		t.Errorf("rescheduled b = %+v", b)
	}
	c, err := s.GetDelivery(ctx(t), "c")
	must(t, err)
	if c.State != store.DeliveryFailed || c.LastError != "channel_not_found" {
		t.Errorf("failed c = %+v", c)
	}
	if got := claimKeys(t, s, "w1", at(5*time.Minute), 10); len(got) != 0 {
		t.Errorf("claimed %v: sent, failed and not-yet-due deliveries must stay put", got)
	}
	if got := claimKeys(t, s, "w3", at(time.Hour), 10); !slices.Equal(got, []string{"b", "later"}) {
		t.Errorf("claim after an hour = %v, want [b later]", got)
	}

	for _, tt := range []struct {
		f    store.DeliveryFilter
		want []string
	}{
		{store.DeliveryFilter{}, []string{"a", "c", "b", "later"}},
		{store.DeliveryFilter{State: store.DeliverySending}, []string{"b", "later"}},
		{store.DeliveryFilter{FindingKey: "f-c"}, []string{"c"}},
		{store.DeliveryFilter{Limit: 1}, []string{"a"}},
	} {
		list, err := s.ListDeliveries(ctx(t), tt.f)
		must(t, err)
		var keys []string
		for _, d := range list {
			keys = append(keys, d.Key)
		}
		if !slices.Equal(keys, tt.want) {
			t.Errorf("ListDeliveries(%+v) = %v, want %v", tt.f, keys, tt.want)
		}
	}
	_, err = s.ClaimDeliveries(ctx(t), "", at(0), time.Minute, 1)
	mustBe(t, err, store.ErrInvalid)
}

func testOutboxLeaseExpiry(t *testing.T, s store.Store) {
	_, err := s.EnqueueDelivery(ctx(t), delivery("a", at(0)))
	must(t, err)
	if got := claimKeys(t, s, "dead", at(0), 1); len(got) != 1 {
		t.Fatalf("claim = %v", got)
	}
	// The lease runs to at(1m); at exactly that instant it still holds.
	if got := claimKeys(t, s, "w2", at(time.Minute), 1); len(got) != 0 {
		t.Errorf("claimed %v while the lease still held", got)
	}
	if got := claimKeys(t, s, "w2", at(time.Minute+time.Millisecond), 1); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("claim after lease expiry = %v, want [a]", got)
	}
	// The first worker wakes up: its lease is gone, so it cannot finish.
	mustBe(t, s.MarkDeliverySent(ctx(t), "a", "dead", "1.000000", at(2*time.Minute)), store.ErrLeaseLost)
	mustBe(t, s.RescheduleDelivery(ctx(t), "a", "dead", "x", at(2*time.Minute)), store.ErrLeaseLost)
	must(t, s.MarkDeliverySent(ctx(t), "a", "w2", "2.000000", at(2*time.Minute)))
	d, err := s.GetDelivery(ctx(t), "a")
	must(t, err)
	if d.SlackTS != "2.000000" || d.State != store.DeliverySent {
		t.Errorf("delivery = %+v, want sent by w2", d)
	}
}

func testOutboxConcurrentClaims(t *testing.T, s store.Store) {
	const n, workers = 120, 6
	for i := range n {
		_, err := s.EnqueueDelivery(ctx(t), delivery(fmt.Sprintf("d%03d", i), at(time.Duration(i)*time.Millisecond)))
		must(t, err)
	}
	var (
		mu      sync.Mutex
		claimed = map[string]string{}
		wg      sync.WaitGroup
		errs    = make(chan error, workers)
	)
	now := at(time.Hour)
	for w := range workers {
		owner := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for {
				ds, err := s.ClaimDeliveries(t.Context(), owner, now, time.Minute, 7)
				if err != nil {
					errs <- fmt.Errorf("%s claiming: %w", owner, err)
					return
				}
				if len(ds) == 0 {
					return
				}
				for _, d := range ds {
					mu.Lock()
					prev, dup := claimed[d.Key]
					claimed[d.Key] = owner
					mu.Unlock()
					if dup {
						errs <- fmt.Errorf("%s claimed by both %s and %s", d.Key, prev, owner)
						return
					}
					if err := s.MarkDeliverySent(t.Context(), d.Key, owner, "ts-"+d.Key, now); err != nil {
						errs <- fmt.Errorf("%s marking %s: %w", owner, d.Key, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(claimed) != n {
		t.Errorf("claimed %d deliveries, want %d", len(claimed), n)
	}
	sent, err := s.ListDeliveries(ctx(t), store.DeliveryFilter{State: store.DeliverySent})
	must(t, err)
	if len(sent) != n {
		t.Errorf("%d deliveries sent, want %d", len(sent), n)
	}
}

func testTxCommit(t *testing.T, s store.Store) {
	f := finding("deadline", "acme", "ACME-1", at(0))
	err := s.WithTx(ctx(t), func(tx store.Tx) error {
		if _, err := tx.UpsertFinding(ctx(t), f); err != nil {
			return err
		}
		// Reads inside the transaction see its writes.
		if _, err := tx.GetFinding(ctx(t), f.Key); err != nil {
			return fmt.Errorf("finding not visible inside its tx: %w", err)
		}
		_, err := tx.EnqueueDelivery(ctx(t), delivery("d1", at(0)))
		return err
	})
	must(t, err)
	_, err = s.GetFinding(ctx(t), f.Key)
	must(t, err)
	_, err = s.GetDelivery(ctx(t), "d1")
	must(t, err)
}

func testTxRollback(t *testing.T, s store.Store) {
	f := finding("deadline", "acme", "ACME-1", at(0))
	boom := errors.New("render failed")
	err := s.WithTx(ctx(t), func(tx store.Tx) error {
		if _, err := tx.UpsertFinding(ctx(t), f); err != nil {
			return err
		}
		if _, err := tx.EnqueueDelivery(ctx(t), delivery("d1", at(0))); err != nil {
			return err
		}
		if err := tx.PutCursor(ctx(t), store.Cursor{Source: "jira", Version: 1, Data: []byte("{}")}); err != nil {
			return err
		}
		if err := tx.ReplaceMetrics(ctx(t), "ads", "111", "2026-10-01", "2026-10-01", nil); err != nil {
			return err
		}
		return boom
	})
	mustBe(t, err, boom)
	_, err = s.GetFinding(ctx(t), f.Key)
	mustBe(t, err, store.ErrNotFound)
	_, err = s.GetDelivery(ctx(t), "d1")
	mustBe(t, err, store.ErrNotFound)
	_, err = s.GetCursor(ctx(t), "jira")
	mustBe(t, err, store.ErrNotFound)
	// The store is usable afterwards (the transaction was released).
	_, err = s.UpsertFinding(ctx(t), f)
	must(t, err)
}

func testTxPanic(t *testing.T, s store.Store) {
	func() {
		defer func() {
			if r := recover(); r != "kaboom" {
				t.Errorf("recovered %v, want the original panic", r)
			}
		}()
		_ = s.WithTx(ctx(t), func(tx store.Tx) error {
			if _, err := tx.EnqueueDelivery(ctx(t), delivery("d1", at(0))); err != nil {
				return err
			}
			panic("kaboom")
		})
	}()
	_, err := s.GetDelivery(ctx(t), "d1")
	mustBe(t, err, store.ErrNotFound)
	_, err = s.EnqueueDelivery(ctx(t), delivery("d2", at(0)))
	must(t, err)
}
