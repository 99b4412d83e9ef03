package httpx

import (
	"net/http"
	"testing"
	"time"
)

// TestRetryAfterIsCapped: a huge or far-future Retry-After waits at most
// MaxRetryAfter instead of overflowing into a negative wait; NaN is unread.
func TestRetryAfterIsCapped(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"100000000000", MaxRetryAfter, true},
		{"1e300", MaxRetryAfter, true},
		{"Inf", MaxRetryAfter, true},
		{"NaN", 0, false},
		{"30", 30 * time.Second, true},
		{"Fri, 01 Jan 2100 00:00:00 GMT", MaxRetryAfter, true},
	} {
		h := http.Header{"Retry-After": {c.v}}
		if d, ok := RetryAfter(h, now); d != c.want || ok != c.ok {
			t.Errorf("Retry-After %q: %v %v, want %v %v", c.v, d, ok, c.want, c.ok)
		}
	}
}
