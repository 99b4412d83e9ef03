package bench

import (
	"testing"
	"time"
)

// channelInterval is Slack's one post per second per channel, the pacing
// every delivery waits out: the goal (0.5 s) is half of it.
const channelInterval = time.Second

// TestPingsAreAnsweredWithinHalfAPacingInterval is the small-scale check
// of `liaison bench`'s ping figures: over a dozen pings through the
// sandbox, the p99 of ping → client reply and ping → AM alert (group_wait
// 0), divided by the per-channel pacing interval, stays within twice the
// goal's ratio (0.5), and an idle daemon with its connection up reads no
// history for three simulated hours.
func TestPingsAreAnsweredWithinHalfAPacingInterval(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the daemon against the sandbox for about 15 s")
	}
	res, err := Pings(t.Context(), 12, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	const goalRatio = 0.5
	for name, lat := range map[string][]time.Duration{"reply": res.Reply, "alert": res.Alert} {
		p99 := Percentile(lat, 0.99)
		if ratio := float64(p99) / float64(channelInterval); ratio > 2*goalRatio {
			t.Errorf("ping → %s p99 %v is %.2f pacing intervals, more than twice the goal's %.1f (latencies %v)", name, p99, ratio, goalRatio, lat)
		}
	}
	if res.HistoryCalls != 0 {
		t.Errorf("%d history calls over %d idle hours, want 0", res.HistoryCalls, res.IdleHours)
	}
}
