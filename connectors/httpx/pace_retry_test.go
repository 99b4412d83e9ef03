package httpx

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// A retry after a 429 takes its turn from the request's pacer: paced
// requests keep a vendor's bucket as full as it allows, so a retry sent
// beside them finds no room and a pull runs out of retries.
func TestRetriesWaitForTheRequestsPacer(t *testing.T) {
	var mu sync.Mutex
	var arrivals []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		n := len(arrivals)
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	hc := NewClient(Options{WaitMin: time.Millisecond, WaitMax: time.Millisecond})
	const perSecond = 10 // one request every 100 ms, one at once
	p := NewPacer(perSecond, 1)
	ctx := t.Context()
	done, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(PaceRetries(ctx, p, done), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	done()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want the retry's 200", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != 2 {
		t.Fatalf("%d attempts, want 2", len(arrivals))
	}
	// The bound is the pacer's interval less a margin for the clock: the
	// retry itself asks for no wait (Retry-After 0, 1 ms backoff).
	if gap := arrivals[1].Sub(arrivals[0]); gap < 80*time.Millisecond {
		t.Errorf("the retry went out %v after the first attempt, before the pacer's next turn (100 ms)", gap)
	}
}
