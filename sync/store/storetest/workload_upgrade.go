package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/workload"
	"github.com/liaisonhq/liaison/sync/store"
)

// RunWorkloadPerAMUpgrade checks the migration that closes the per-client
// workload findings a store holds from before the rule told each account
// manager once per overloaded specialist. s is a new, empty store;
// remigrate closes it, forgets that the migration was applied, opens the
// store again (which applies it) and returns the reopened store.
//
// The per-client workload findings still open are resolved and their
// notifications done, with nothing queued: no delivery, no notification,
// no post listing. The head's workload finding (no client), another rule's
// finding and a per-client workload finding resolved before are left as
// they were.
func RunWorkloadPerAMUpgrade(t *testing.T, s store.Store, remigrate func(t *testing.T, s store.Store) store.Store) {
	t.Helper()
	person := rules.Subject{Kind: rules.SubjectPerson, ID: "kate"}
	perClient := func(client string) rules.Finding {
		return rules.Finding{Key: rules.Key(workload.RuleName, client, person, workload.KindOverloaded), Rule: workload.RuleName,
			ClientID: client, Subject: person, Severity: rules.SeverityInfo, Title: "Kate is overloaded",
			Fields:    map[string]string{workload.FieldKind: workload.KindOverloaded, workload.FieldAM: "anna", "client_name": client},
			FirstSeen: at(0), LastSeen: at(0)}
	}
	acme, bolt, gone := perClient("acme"), perClient("bolt"), perClient("cora")
	head := rules.Finding{Key: rules.Key(workload.RuleName, "", person, workload.KindOverloaded), Rule: workload.RuleName,
		Subject: person, Severity: rules.SeverityWarning, Title: "Kate is overloaded",
		Fields:    map[string]string{workload.FieldKind: workload.KindOverloaded, workload.FieldClients: "acme,bolt"},
		FirstSeen: at(0), LastSeen: at(0)}
	deadline := finding("deadline", "acme", "ACME-1", at(0))
	for _, f := range []rules.Finding{acme, bolt, gone, head, deadline} {
		_, err := s.UpsertFinding(ctx(t), f)
		must(t, err)
	}
	_, err := s.ResolveFinding(ctx(t), gone.Key, at(time.Hour))
	must(t, err)

	// Anna was sent Acme's finding in a post still in the outbox (its
	// resolution would queue a note and a re-render) and has Bolt's
	// pending in her digest; the head and the deadline's AM have theirs
	// pending.
	post := store.Delivery{Key: "post-anna-1", FindingKey: acme.Key, Recipient: "anna", ChannelID: "D0ANNA",
		Kind: store.DeliveryPost, Payload: []byte(`{"text":"Kate is overloaded"}`), DueAt: at(time.Minute)}
	_, err = s.EnqueueDelivery(ctx(t), post)
	must(t, err)
	must(t, s.AddPostFindings(ctx(t), post.Key, []string{acme.Key}))
	notes := []store.Notification{
		{FindingKey: acme.Key, Recipient: "anna", State: store.NotifySent, Reason: "new", Digest: true,
			DueAt: at(24 * time.Hour), DeliveryKey: post.Key, SentAt: at(time.Minute), CreatedAt: at(0)},
		{FindingKey: acme.Key, Recipient: "olena", State: store.NotifyWaiting, Reason: "escalation",
			DueAt: at(48 * time.Hour), CreatedAt: at(0)},
		{FindingKey: bolt.Key, Recipient: "anna", State: store.NotifyPending, Reason: "new", Digest: true,
			DueAt: at(2 * time.Hour), CreatedAt: at(0)},
		{FindingKey: gone.Key, Recipient: "oleh", State: store.NotifyDone, Reason: "new", Digest: true,
			DueAt: at(time.Hour), DeliveryKey: "post-oleh-1", CreatedAt: at(0)},
		{FindingKey: head.Key, Recipient: "helen", State: store.NotifyPending, Reason: "new",
			DueAt: at(time.Minute), CreatedAt: at(0)},
		{FindingKey: deadline.Key, Recipient: "anna", State: store.NotifyPending, Reason: "new",
			DueAt: at(time.Minute), CreatedAt: at(0)},
	}
	for _, n := range notes {
		must(t, s.PutNotification(ctx(t), n))
	}
	deliveriesBefore := deliveryKeys(t, s)

	s = remigrate(t, s)

	for _, f := range []rules.Finding{acme, bolt} {
		got, err := s.GetFinding(ctx(t), f.Key)
		must(t, err)
		if got.Open() {
			t.Errorf("per-client workload finding for %s still open", f.ClientID)
		}
	}
	if got, err := s.GetFinding(ctx(t), gone.Key); err != nil || !got.ResolvedAt.Equal(at(time.Hour)) {
		t.Errorf("a finding resolved before: resolved at %v (%v), want %v", got.ResolvedAt, err, at(time.Hour))
	}
	open, err := s.ListOpenFindings(ctx(t), store.FindingFilter{})
	must(t, err)
	var openKeys []string
	for _, f := range open {
		openKeys = append(openKeys, f.Key)
	}
	if want := sortedKeys(head, deadline); !slices.Equal(openKeys, want) {
		t.Errorf("open findings %v, want the head's workload finding and the deadline's %v", openKeys, want)
	}

	all, err := s.ListNotifications(ctx(t), store.NotificationFilter{})
	must(t, err)
	if len(all) != len(notes) {
		t.Errorf("%d notifications, want the %d seeded: %+v", len(all), len(notes), all)
	}
	for _, want := range notes {
		got, err := s.GetNotification(ctx(t), want.FindingKey, want.Recipient)
		must(t, err)
		if want.FindingKey == acme.Key || want.FindingKey == bolt.Key {
			if got.State != store.NotifyDone || got.DeliveryKey != want.DeliveryKey || got.Recipient != want.Recipient {
				t.Errorf("%s's notification of a per-client finding: %+v, want done, post %q kept", want.Recipient, got, want.DeliveryKey)
			}
			continue
		}
		if got != want {
			t.Errorf("notification %s changed: %+v, want %+v", want.Recipient, got, want)
		}
	}
	if got := deliveryKeys(t, s); !slices.Equal(got, deliveriesBefore) {
		t.Errorf("outbox %v after the migration, want %v: nothing queued", got, deliveriesBefore)
	}
	if posts, err := s.ListPostsOfFinding(ctx(t), acme.Key); err != nil || !slices.Equal(posts, []string{post.Key}) {
		t.Errorf("posts of Acme's finding %v (%v), want %v", posts, err, []string{post.Key})
	}
}

// deliveryKeys lists every delivery in s with its state.
func deliveryKeys(t *testing.T, s store.Store) []string {
	t.Helper()
	ds, err := s.ListDeliveries(ctx(t), store.DeliveryFilter{})
	must(t, err)
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s/%s", d.Key, d.State))
	}
	return out
}
