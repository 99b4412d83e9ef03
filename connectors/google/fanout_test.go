package google

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

type item struct {
	name  string
	token string
}

// A permanent failure of a shared token skips the items still waiting on
// it; items with another token run; no more than conc run at once.
func TestFanoutSkipsItemsSharingABrokenCause(t *testing.T) {
	items := []item{{"a1", "revoked"}, {"a2", "revoked"}, {"a3", "revoked"}, {"b1", "ok"}, {"b2", "ok"}, {"b3", "ok"}}
	errRevoked := errors.New("invalid_grant")
	var (
		running, peak atomic.Int32
		mu            sync.Mutex
		ran           = map[string]bool{}
	)
	out := Fanout(context.Background(), items, 1,
		func(it item) []any { return []any{it.token} },
		func(_ context.Context, it item) (string, error) {
			if n := running.Add(1); n > peak.Load() {
				peak.Store(n)
			}
			defer running.Add(-1)
			mu.Lock()
			ran[it.name] = true
			mu.Unlock()
			if it.token == "revoked" {
				return "", errRevoked
			}
			return it.name, nil
		},
		func(it item, err error) []any {
			if errors.Is(err, errRevoked) {
				return []any{it.token}
			}
			return nil
		})
	if len(out.Results) != 3 {
		t.Errorf("results %v, want the three b items", out.Results)
	}
	if len(out.Failed) != 1 || len(out.Skipped) != 2 {
		t.Errorf("failed %d, skipped %d; want 1 tried and failed, 2 skipped", len(out.Failed), len(out.Skipped))
	}
	for _, s := range out.Skipped {
		if ran[s.name] {
			t.Errorf("%s was skipped but ran", s.name)
		}
	}
	if p := peak.Load(); p != 1 {
		t.Errorf("%d ran at once, want at most 1", p)
	}
	err := out.Err(func(f Failure[item]) error { return fmt.Errorf("%s: %w", f.Item.name, f.Err) },
		func(it item) string { return it.name },
		func(n int, names string) error { return fmt.Errorf("%d more not tried: %s", n, names) })
	if !errors.Is(err, errRevoked) || strings.Count(err.Error(), "invalid_grant") != 1 ||
		!strings.HasSuffix(err.Error(), "2 more not tried: "+skippedNames(out.Skipped)) {
		t.Errorf("Err() = %v; want the one failure, then the two skipped by name", err)
	}
	if none := (Outcome[item, string]{Results: []string{"x"}}).Err(nil, nil, nil); none != nil {
		t.Errorf("Err() with no failures = %v", none)
	}
}

// skippedNames lists skipped items as Err does: sorted, comma-separated.
func skippedNames(its []item) string {
	names := make([]string, 0, len(its))
	for _, it := range its {
		names = append(names, it.name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// A failure that names no cause skips nothing.
func TestFanoutOrdinaryFailureSkipsNothing(t *testing.T) {
	items := []item{{"a1", "t"}, {"a2", "t"}, {"a3", "t"}}
	out := Fanout(context.Background(), items, 2,
		func(it item) []any { return []any{it.token} },
		func(_ context.Context, it item) (int, error) {
			if it.name == "a2" {
				return 0, errors.New("timeout")
			}
			return 1, nil
		},
		func(item, error) []any { return nil })
	if len(out.Results) != 2 || len(out.Failed) != 1 || len(out.Skipped) != 0 {
		t.Errorf("outcome %+v; want 2 results, 1 failure, nothing skipped", out)
	}
}

// Fanout starts no more goroutines than it runs at once: an agency's
// 2,000 accounts are not 2,000 goroutines waiting their turn.
func TestFanoutStartsOnlyConcGoroutines(t *testing.T) {
	items := make([]int, 300)
	for i := range items {
		items[i] = i
	}
	base := runtime.NumGoroutine()
	var mu sync.Mutex
	most := 0
	out := Fanout(t.Context(), items, 3, func(int) []any { return nil },
		func(_ context.Context, it int) (int, error) {
			mu.Lock()
			most = max(most, runtime.NumGoroutine()-base)
			mu.Unlock()
			return it, nil
		}, func(int, error) []any { return nil })
	if len(out.Results) != len(items) {
		t.Fatalf("%d results, want %d", len(out.Results), len(items))
	}
	if most > 3 {
		t.Errorf("up to %d goroutines besides the test's while running 3 at a time", most)
	}
}
