package deliver_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// monday10 is Monday 2026-10-05 10:00 in Kyiv, inside working hours.
func monday10(t *testing.T) time.Time {
	return time.Date(2026, 10, 5, 10, 0, 0, 0, deliver.Kyiv(t))
}

func TestBurstBecomesOneMessage(t *testing.T) {
	h := newHarness(t, monday10(t))
	var fs []rules.Finding
	// 50 findings arrive over 20 s in five rule runs; each run emits all
	// it still sees, as rules do.
	for run := 0; run < 5; run++ {
		for i := 0; i < 10; i++ {
			fs = append(fs, deliver.MakeFinding("deadline", "acme", fmt.Sprintf("ACME-%d", run*10+i), rules.SeverityWarning))
		}
		h.reconcile("deadline", fs...)
		h.tick()
		h.clk.Advance(5 * time.Second)
	}
	if n := h.fake.CallCount("chat.postMessage"); n != 0 {
		t.Fatalf("%d posts inside group_wait, want 0", n)
	}
	h.clk.Set(monday10(t).Add(30 * time.Second))
	h.tick()
	h.clk.Advance(10 * time.Second)
	h.tick()
	if n := h.fake.CallCount("chat.postMessage"); n != 1 {
		t.Fatalf("chat.postMessage called %d times, want 1", n)
	}
	posts := h.posts(h.dm(slackfake.AMUserID))
	if len(posts) != 1 {
		t.Fatalf("AM has %d messages, want 1", len(posts))
	}
	m := posts[0]
	if !strings.HasPrefix(m.Text, "50 alerts") || !strings.Contains(m.Text, "…and 40 more") {
		t.Errorf("text = %q, want 50 alerts listing 10 and 40 more", firstLine(m.Text))
	}
	if deliveryKeyOf(m) == "" {
		t.Error("post carries no delivery key metadata")
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func TestDeliveryWaitsForWorkingHours(t *testing.T) {
	friday20 := time.Date(2026, 10, 9, 20, 0, 0, 0, deliver.Kyiv(t))
	for _, tc := range []struct {
		name     string
		holidays []string
		want     time.Time
	}{
		{"next monday", nil, time.Date(2026, 10, 12, 9, 0, 0, 0, deliver.Kyiv(t))},
		{"monday is a holiday", []string{"2026-10-12"}, time.Date(2026, 10, 13, 9, 0, 0, 0, deliver.Kyiv(t))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, friday20)
			h.dir.Cals["anna"] = deliver.WorkCalendar(t, deliver.Kyiv(t), tc.holidays...)
			h.reconcile("deadline", deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning))
			for _, at := range []time.Time{friday20.Add(time.Minute), friday20.Add(time.Hour), tc.want.Add(-time.Second)} {
				h.clk.Set(at)
				h.tick()
				if n := h.fake.CallCount("chat.postMessage"); n != 0 {
					t.Fatalf("posted at %s, before %s", at, tc.want)
				}
			}
			h.clk.Set(tc.want)
			h.tick()
			posts := h.posts(h.dm(slackfake.AMUserID))
			if len(posts) != 1 {
				t.Fatalf("%d posts at %s, want 1", len(posts), tc.want)
			}
			if got := tsTime(t, posts[0].TS); !got.Equal(tc.want) {
				t.Errorf("posted at %s, want %s", got.In(deliver.Kyiv(t)), tc.want)
			}
		})
	}
}

func TestCriticalRouteBypassesWorkingHours(t *testing.T) {
	friday20 := time.Date(2026, 10, 9, 20, 0, 0, 0, deliver.Kyiv(t))
	h := newHarness(t, friday20)
	h.dir.Cfg.Routes = []deliver.Route{{Rule: "deadline", Recipients: []string{"account_manager"}, BypassWorkingHours: true}}
	h.reconcile("deadline",
		deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityCritical),
		deliver.MakeFinding("deadline", "acme", "ACME-2", rules.SeverityWarning))
	h.clk.Advance(30 * time.Second)
	h.tick()
	posts := h.posts(h.dm(slackfake.AMUserID))
	if len(posts) != 1 || !strings.Contains(posts[0].Text, "ACME-1") || strings.Contains(posts[0].Text, "ACME-2") {
		t.Fatalf("at 20:00:30 got %d posts (%q); want only the critical ACME-1", len(posts), texts(posts))
	}
	h.clk.Set(time.Date(2026, 10, 12, 9, 0, 0, 0, deliver.Kyiv(t)))
	h.tick()
	posts = h.posts(h.dm(slackfake.AMUserID))
	if len(posts) != 2 || !strings.Contains(posts[1].Text, "ACME-2") {
		t.Fatalf("monday 09:00: %d posts, want the warning as the second", len(posts))
	}
}

func texts(ms []slackfake.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, firstLine(m.Text))
	}
	return out
}

func tsTime(t *testing.T, ts string) time.Time {
	t.Helper()
	var sec, usec int64
	if _, err := fmt.Sscanf(ts, "%d.%d", &sec, &usec); err != nil {
		t.Fatalf("bad ts %q", ts)
	}
	return time.Unix(sec, 0)
}
