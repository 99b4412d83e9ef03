package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

func testEventsSeen(t *testing.T, s store.Store) {
	c := ctx(t)
	first, err := s.MarkEventSeen(c, "Ev01", at(0))
	must(t, err)
	if !first {
		t.Fatal("first MarkEventSeen(Ev01) = false, want true")
	}
	again, err := s.MarkEventSeen(c, "Ev01", at(time.Minute))
	must(t, err)
	if again {
		t.Fatal("second MarkEventSeen(Ev01) = true, want false: a redelivery is a repeat")
	}
	other, err := s.MarkEventSeen(c, "Ev02", at(time.Minute))
	must(t, err)
	if !other {
		t.Fatal("MarkEventSeen(Ev02) = false, want true: ids are independent")
	}
	_, err = s.MarkEventSeen(c, "", at(0))
	mustBe(t, err, store.ErrInvalid)

	// Forget makes the next delivery new; forgetting twice is fine.
	must(t, s.ForgetEvent(c, "Ev01"))
	must(t, s.ForgetEvent(c, "Ev01"))
	back, err := s.MarkEventSeen(c, "Ev01", at(2*time.Hour))
	must(t, err)
	if !back {
		t.Fatal("MarkEventSeen after ForgetEvent = false, want true")
	}

	// Pruning removes what was first seen strictly before the bound: Ev02
	// (at +1m) goes, Ev01 (re-seen at +2h) stays.
	n, err := s.PruneEvents(c, at(time.Hour))
	must(t, err)
	if n != 1 {
		t.Fatalf("PruneEvents removed %d, want 1", n)
	}
	if first, err := s.MarkEventSeen(c, "Ev02", at(3*time.Hour)); err != nil || !first {
		t.Fatalf("Ev02 after prune: first = %v, err = %v; want true, nil", first, err)
	}
	if first, err := s.MarkEventSeen(c, "Ev01", at(3*time.Hour)); err != nil || first {
		t.Fatalf("Ev01 after prune: first = %v, err = %v; want false, nil", first, err)
	}
	if n, err := s.PruneEvents(c, at(2*time.Hour)); err != nil || n != 0 {
		t.Fatalf("PruneEvents at the first-seen instant removed %d (err %v), want 0: the bound is exclusive", n, err)
	}
}

// testEventsConcurrent marks one id from many goroutines at once: exactly
// one must be first, as two replicas receiving one retry each would be.
func testEventsConcurrent(t *testing.T, s store.Store) {
	const workers = 8
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			first, err := s.MarkEventSeen(ctx(t), "EvRace", at(0))
			if err != nil {
				t.Error(err)
				return
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if got := firsts.Load(); got != 1 {
		t.Fatalf("%d of %d concurrent MarkEventSeen calls were first, want exactly 1", got, workers)
	}
}

func testEventsInTx(t *testing.T, s store.Store) {
	errBoom := store.ErrInvalid
	err := s.WithTx(ctx(t), func(tx store.Tx) error {
		if _, err := tx.MarkEventSeen(ctx(t), "EvTx", at(0)); err != nil {
			return err
		}
		return errBoom
	})
	mustBe(t, err, errBoom)
	first, err := s.MarkEventSeen(ctx(t), "EvTx", at(0))
	must(t, err)
	if !first {
		t.Fatal("an event marked in a rolled-back transaction stayed seen")
	}
}
