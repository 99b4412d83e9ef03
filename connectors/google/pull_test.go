package google

import (
	"testing"
	"time"
)

func TestPullWindow(t *testing.T) {
	last := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name       string
		lastPulled string
		first      bool
		from, to   string
	}{
		{"first pull reaches back initial days", "", true, "2026-08-29", "2026-11-26"},
		{"daily run re-pulls the trailing window", "2026-11-25", false, "2026-10-28", "2026-11-26"},
		{"missed runs leave no hole", "2026-10-01", false, "2026-10-02", "2026-11-26"},
		{"unreadable cursor keeps the trailing window", "garbage", false, "2026-10-28", "2026-11-26"},
	} {
		from, to := PullWindow(last, 30, 90, c.lastPulled, c.first)
		if from != c.from || to != c.to {
			t.Errorf("%s: %s..%s, want %s..%s", c.name, from, to, c.from, c.to)
		}
	}
}
