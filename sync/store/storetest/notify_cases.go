package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/store"
)

// RunNotifications exercises the store.Notifications contract the delivery
// router relies on. open must return a new, empty store for each call.
func RunNotifications(t *testing.T, open func(t *testing.T) store.Store) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"NotificationsRoundTrip", testNotificationsRoundTrip},
		{"NotificationsRejectInvalid", testNotificationsInvalid},
		{"NotificationsRollBackWithTx", testNotificationsTx},
		{"PostFindingsAndGroups", testPostFindings},
		{"Acks", testAcks},
		{"PostAttemptsAndDefer", testPostAttempts},
		{"CountOpenFindings", testCountOpen},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			c.fn(t, s)
		})
	}
}

func testNotificationsRoundTrip(t *testing.T, s store.Store) {
	n := store.Notification{FindingKey: "f1", Recipient: "anna", State: store.NotifyPending, Reason: "new",
		Digest: true, Bypass: true, DueAt: at(time.Minute), CreatedAt: at(0)}
	must(t, s.PutNotification(ctx(t), n))
	got, err := s.GetNotification(ctx(t), "f1", "anna")
	must(t, err)
	if got != n {
		t.Errorf("round trip = %+v, want %+v", got, n)
	}
	sent := n
	sent.State, sent.DeliveryKey, sent.SentAt, sent.DueAt, sent.CreatedAt = store.NotifySent, "post-1", at(2*time.Minute), at(time.Hour), at(time.Hour)
	must(t, s.PutNotification(ctx(t), sent))
	got, err = s.GetNotification(ctx(t), "f1", "anna")
	must(t, err)
	sent.CreatedAt = at(0) // kept from the first write
	if got != sent {
		t.Errorf("after replace = %+v, want %+v", got, sent)
	}
	_, err = s.GetNotification(ctx(t), "f1", "boris")
	mustBe(t, err, store.ErrNotFound)

	for _, o := range []store.Notification{
		{FindingKey: "f2", Recipient: "anna", State: store.NotifyPending, Reason: "new", DueAt: at(3 * time.Minute)},
		{FindingKey: "f3", Recipient: "channel:C0TEAM0001", State: store.NotifyPending, Reason: "new", DueAt: at(time.Minute)},
		{FindingKey: "f4", Recipient: "anna", State: store.NotifyWaiting, Reason: "escalation", DueAt: at(0)},
	} {
		must(t, s.PutNotification(ctx(t), o))
	}
	keys := func(f store.NotificationFilter) []string {
		ns, err := s.ListNotifications(ctx(t), f)
		must(t, err)
		var out []string
		for _, n := range ns {
			out = append(out, n.FindingKey)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.NotificationFilter
		want []string
	}{
		{"all by due time", store.NotificationFilter{}, []string{"f4", "f3", "f2", "f1"}},
		{"pending due by 3m", store.NotificationFilter{State: store.NotifyPending, DueBy: at(3 * time.Minute)}, []string{"f3", "f2"}},
		{"recipient", store.NotificationFilter{Recipient: "anna"}, []string{"f4", "f2", "f1"}},
		{"finding", store.NotificationFilter{FindingKey: "f3"}, []string{"f3"}},
		{"limit", store.NotificationFilter{Limit: 2}, []string{"f4", "f3"}},
	} {
		if got := keys(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if c, err := s.CountNotifications(ctx(t), store.NotifyPending); err != nil || c != 2 {
		t.Errorf("pending count = %d, %v; want 2", c, err)
	}
}

func testNotificationsInvalid(t *testing.T, s store.Store) {
	for _, n := range []store.Notification{
		{Recipient: "anna", State: store.NotifyPending, DueAt: at(0)},
		{FindingKey: "f", State: store.NotifyPending, DueAt: at(0)},
		{FindingKey: "f", Recipient: "anna", State: "lost", DueAt: at(0)},
		{FindingKey: "f", Recipient: "anna", State: store.NotifyPending},
	} {
		mustBe(t, s.PutNotification(ctx(t), n), store.ErrInvalid)
	}
	mustBe(t, s.SetGroupSentAt(ctx(t), "", false, at(0)), store.ErrInvalid)
	_, err := s.SetAck(ctx(t), store.Ack{FindingKey: "f"})
	mustBe(t, err, store.ErrInvalid)
}

func testNotificationsTx(t *testing.T, s store.Store) {
	boom := errors.New("boom")
	err := s.WithTx(ctx(t), func(tx store.Tx) error {
		must(t, tx.PutNotification(ctx(t), store.Notification{FindingKey: "f", Recipient: "anna",
			State: store.NotifyPending, Reason: "new", DueAt: at(0)}))
		must(t, tx.AddPostFindings(ctx(t), "p", []string{"f"}))
		_, err := tx.SetAck(ctx(t), store.Ack{FindingKey: "f", By: "U1", At: at(0)})
		must(t, err)
		return boom
	})
	mustBe(t, err, boom)
	_, err = s.GetNotification(ctx(t), "f", "anna")
	mustBe(t, err, store.ErrNotFound)
	posts, err := s.ListPostsOfFinding(ctx(t), "f")
	must(t, err)
	if len(posts) != 0 {
		t.Errorf("posts after rollback = %v", posts)
	}
	_, err = s.GetAck(ctx(t), "f")
	mustBe(t, err, store.ErrNotFound)
}

func testPostFindings(t *testing.T, s store.Store) {
	must(t, s.AddPostFindings(ctx(t), "p1", []string{"a", "b"}))
	must(t, s.AddPostFindings(ctx(t), "p2", []string{"b"}))
	must(t, s.AddPostFindings(ctx(t), "p1", []string{"b"})) // repeated: no-op
	posts, err := s.ListPostsOfFinding(ctx(t), "b")
	must(t, err)
	if !slices.Equal(posts, []string{"p1", "p2"}) {
		t.Errorf("posts of b = %v, want [p1 p2]", posts)
	}
	if got, err := s.GroupSentAt(ctx(t), "anna", false); err != nil || !got.IsZero() {
		t.Errorf("unknown group = %v, %v; want zero", got, err)
	}
	must(t, s.SetGroupSentAt(ctx(t), "anna", false, at(time.Minute)))
	must(t, s.SetGroupSentAt(ctx(t), "anna", true, at(time.Hour)))
	must(t, s.SetGroupSentAt(ctx(t), "anna", false, at(2*time.Minute)))
	if got, err := s.GroupSentAt(ctx(t), "anna", false); err != nil || !got.Equal(at(2*time.Minute)) {
		t.Errorf("group = %v, %v; want the latest send", got, err)
	}
	if got, err := s.GroupSentAt(ctx(t), "anna", true); err != nil || !got.Equal(at(time.Hour)) {
		t.Errorf("digest group = %v, %v; want its own time", got, err)
	}
}

func testAcks(t *testing.T, s store.Store) {
	ok, err := s.SetAck(ctx(t), store.Ack{FindingKey: "f", By: "U1", At: at(0)})
	must(t, err)
	if !ok {
		t.Fatal("first ack not recorded")
	}
	if ok, err := s.SetAck(ctx(t), store.Ack{FindingKey: "f", By: "U2", At: at(time.Minute)}); err != nil || ok {
		t.Errorf("second ack = %v, %v; want false (first one wins)", ok, err)
	}
	a, err := s.GetAck(ctx(t), "f")
	must(t, err)
	if a.By != "U1" || !a.At.Equal(at(0)) {
		t.Errorf("ack = %+v, want U1 at base", a)
	}
	must(t, s.ClearAck(ctx(t), "f"))
	_, err = s.GetAck(ctx(t), "f")
	mustBe(t, err, store.ErrNotFound)
}

func testPostAttempts(t *testing.T, s store.Store) {
	if ok, err := s.PostAttempted(ctx(t), "d"); err != nil || ok {
		t.Errorf("attempted before any = %v, %v", ok, err)
	}
	must(t, s.MarkPostAttempt(ctx(t), "d", at(0)))
	must(t, s.MarkPostAttempt(ctx(t), "d", at(time.Second)))
	if ok, err := s.PostAttempted(ctx(t), "d"); err != nil || !ok {
		t.Errorf("attempted = %v, %v; want true", ok, err)
	}
	must(t, s.ClearPostAttempt(ctx(t), "d"))
	if ok, err := s.PostAttempted(ctx(t), "d"); err != nil || ok {
		t.Errorf("attempted after clear = %v, %v", ok, err)
	}

	_, err := s.EnqueueDelivery(ctx(t), delivery("x", at(0)))
	must(t, err)
	claimed, err := s.ClaimDeliveries(ctx(t), "w1", at(0), time.Minute, 10)
	must(t, err)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d, want 1", len(claimed))
	}
	mustBe(t, s.DeferDelivery(ctx(t), "x", "w2", "paced", at(time.Second)), store.ErrLeaseLost)
	mustBe(t, s.DeferDelivery(ctx(t), "nope", "w1", "paced", at(time.Second)), store.ErrNotFound)
	must(t, s.DeferDelivery(ctx(t), "x", "w1", "paced", at(time.Second)))
	d, err := s.GetDelivery(ctx(t), "x")
	must(t, err)
	if d.State != store.DeliveryPending || d.Attempts != 0 || !d.DueAt.Equal(at(time.Second)) || d.LastError != "paced" {
		t.Errorf("deferred = %s attempts %d due %v err %q; want pending, 0 attempts, due +1s", d.State, d.Attempts, d.DueAt, d.LastError)
	}
	if got, err := s.ClaimDeliveries(ctx(t), "w2", at(0), time.Minute, 10); err != nil || len(got) != 0 {
		t.Errorf("claimed %d before the deferred time (err %v)", len(got), err)
	}
}

func testCountOpen(t *testing.T, s store.Store) {
	for _, f := range []rules.Finding{
		finding("deadline", "acme", "A-1", at(0)), finding("deadline", "acme", "A-2", at(0)),
		finding("response", "acme", "A-3", at(0)),
	} {
		_, err := s.UpsertFinding(ctx(t), f)
		must(t, err)
	}
	crit := finding("deadline", "acme", "A-4", at(0))
	crit.Severity = rules.SeverityCritical
	_, err := s.UpsertFinding(ctx(t), crit)
	must(t, err)
	_, err = s.ResolveFinding(ctx(t), finding("deadline", "acme", "A-2", at(0)).Key, at(time.Hour))
	must(t, err)
	got, err := s.CountOpenFindings(ctx(t))
	must(t, err)
	want := []store.FindingCount{
		{Rule: "deadline", Severity: "critical", Count: 1},
		{Rule: "deadline", Severity: "warning", Count: 1},
		{Rule: "response", Severity: "warning", Count: 1},
	}
	if !slices.Equal(got, want) {
		t.Errorf("counts = %v, want %v", got, want)
	}
}
