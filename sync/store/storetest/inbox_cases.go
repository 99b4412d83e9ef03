package storetest

import (
	"testing"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

func testSlackInbox(t *testing.T, s store.Store) {
	c := ctx(t)
	put := func(key, kind string, d time.Duration) {
		t.Helper()
		must(t, s.PutInboxEntry(c, store.InboxEntry{Key: key, Kind: kind, Payload: []byte(`{"k":"` + key + `"}`), Received: at(d)}))
	}
	put("Ev2", "events_api", time.Minute)
	put("Ev1", "events_api", 0)
	put("interaction:T1", "interactive", 2*time.Minute)
	// A redelivery of Ev1 keeps the first record.
	must(t, s.PutInboxEntry(c, store.InboxEntry{Key: "Ev1", Kind: "events_api", Payload: []byte(`{"k":"again"}`), Received: at(time.Hour)}))
	mustBe(t, s.PutInboxEntry(c, store.InboxEntry{Kind: "events_api", Payload: []byte(`{}`), Received: at(0)}), store.ErrInvalid)

	keys := func(now time.Time) []string {
		t.Helper()
		es, err := s.PendingInboxEntries(c, now, 10)
		must(t, err)
		var out []string
		for _, e := range es {
			out = append(out, e.Key)
			if e.Key == "Ev1" && (string(e.Payload) != `{"k":"Ev1"}` || !e.Received.Equal(at(0)) || e.Kind != "events_api") {
				t.Errorf("Ev1 entry = %+v %s, want the first record", e, e.Payload)
			}
		}
		return out
	}
	if got := keys(at(3 * time.Minute)); len(got) != 3 || got[0] != "Ev1" || got[1] != "Ev2" || got[2] != "interaction:T1" {
		t.Fatalf("pending = %v, want oldest first [Ev1 Ev2 interaction:T1]", got)
	}

	// One claimant at a time; the claim hides the entry until it runs out.
	ok, err := s.ClaimInboxEntry(c, "Ev1", at(3*time.Minute), at(5*time.Minute))
	must(t, err)
	if !ok {
		t.Fatal("first claim of Ev1 = false")
	}
	if ok, err := s.ClaimInboxEntry(c, "Ev1", at(4*time.Minute), at(6*time.Minute)); err != nil || ok {
		t.Fatalf("second claim within the lease = %v, %v; want false", ok, err)
	}
	if got := keys(at(4 * time.Minute)); len(got) != 2 || got[0] != "Ev2" {
		t.Fatalf("pending during the claim = %v, want [Ev2 interaction:T1]", got)
	}
	es, err := s.PendingInboxEntries(c, at(5*time.Minute), 1)
	must(t, err)
	if len(es) != 1 || es[0].Key != "Ev1" || !es[0].Claimed {
		t.Fatalf("pending once the lease ran out (limit 1) = %+v, want Ev1, claimed", es)
	}
	if ok, err := s.ClaimInboxEntry(c, "Ev1", at(5*time.Minute), at(7*time.Minute)); err != nil || !ok {
		t.Fatalf("claim after the lease = %v, %v; want true", ok, err)
	}

	// Handled entries are deleted; an unknown key cannot be claimed.
	must(t, s.DeleteInboxEntry(c, "Ev1"))
	must(t, s.DeleteInboxEntry(c, "Ev1"))
	if ok, err := s.ClaimInboxEntry(c, "Ev1", at(time.Hour), at(2*time.Hour)); err != nil || ok {
		t.Fatalf("claim of a deleted entry = %v, %v; want false", ok, err)
	}
	if got := keys(at(time.Hour)); len(got) != 2 {
		t.Fatalf("pending after delete = %v", got)
	}
}
