package deliver_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestListAlertsSaysWhatEachWaitsFor plans one alert in each situation and
// checks the state, planned time and reason `liaison alerts list` shows.
func TestListAlertsSaysWhatEachWaitsFor(t *testing.T) {
	kyiv := deliver.Kyiv(t)
	cases := []struct {
		name      string
		now       time.Time // in Kyiv
		silence   bool
		advance   time.Duration
		tick      bool
		state     string
		waitKind  string
		plannedAt time.Time
		wait      string
	}{
		{
			name:  "saturday: waits for the AM's working hours",
			now:   time.Date(2026, 10, 3, 12, 0, 0, 0, kyiv),
			state: deliver.AlertDeferred, waitKind: "working_hours",
			plannedAt: time.Date(2026, 10, 5, 9, 0, 0, 0, kyiv),
			wait:      "working hours: anna is off until 2026-10-05 09:00 EEST (Europe/Kyiv)",
		},
		{
			name:  "working hours: waits group_wait for others to join",
			now:   time.Date(2026, 10, 5, 11, 0, 0, 0, kyiv),
			state: deliver.AlertDeferred, waitKind: "grouping",
			plannedAt: time.Date(2026, 10, 5, 11, 0, 30, 0, kyiv),
			wait:      "grouping: waits to join other alerts for anna (group_wait 30s, group_interval 5m0s) until 2026-10-05 11:00 EEST (Europe/Kyiv)",
		},
		{
			name:    "silenced",
			now:     time.Date(2026, 10, 5, 11, 0, 0, 0, kyiv),
			silence: true,
			state:   deliver.AlertDeferred, waitKind: "silence",
			plannedAt: time.Date(2026, 10, 5, 11, 0, 30, 0, kyiv),
			wait:      "until 2026-10-06 11:00 EEST (Europe/Kyiv) (by ops)",
		},
		{
			name:      "group_wait over: goes at the next run",
			now:       time.Date(2026, 10, 5, 11, 0, 0, 0, kyiv),
			advance:   time.Minute,
			state:     deliver.AlertPending,
			plannedAt: time.Date(2026, 10, 5, 11, 0, 30, 0, kyiv),
		},
		{
			name:    "sent: repeats after a working day",
			now:     time.Date(2026, 10, 5, 11, 0, 0, 0, kyiv),
			advance: time.Minute, tick: true,
			state: deliver.AlertSent, waitKind: "repeat",
			plannedAt: time.Date(2026, 10, 7, 17, 1, 0, 0, kyiv),
			wait:      "sent; repeats at 2026-10-07 17:01 EEST (Europe/Kyiv)",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.now.UTC())
			f := deliver.MakeFinding("deadline", "acme", "ACME-7", rules.SeverityWarning)
			h.reconcile("deadline", f)
			if tc.silence {
				if _, err := deliver.AddSilence(t.Context(), h.st, h.clk.Now(), store.Silence{
					ClientID: "acme", EndsAt: h.clk.Now().Add(24 * time.Hour), CreatedBy: "ops"}); err != nil {
					t.Fatal(err)
				}
			}
			h.clk.Advance(tc.advance)
			if tc.tick {
				h.settle()
			}
			all, err := deliver.ListAlerts(t.Context(), h.st, h.dir, h.clk.Now(), deliver.AlertFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got *deliver.Alert
			for i := range all {
				if all[i].Recipient == "anna" {
					got = &all[i]
				}
			}
			if got == nil {
				t.Fatalf("no alert for anna in %+v", all)
			}
			if got.State != tc.state || got.WaitKind != tc.waitKind || !got.PlannedAt.Equal(tc.plannedAt) ||
				!strings.Contains(got.Wait, tc.wait) || got.Rule != "deadline" || got.ClientID != "acme" {
				t.Errorf("alert = state %q kind %q planned %s wait %q\nwant  state %q kind %q planned %s wait containing %q",
					got.State, got.WaitKind, got.PlannedAt.In(kyiv), got.Wait, tc.state, tc.waitKind, tc.plannedAt, tc.wait)
			}
			// The state filter keeps exactly the alerts in that state.
			only, err := deliver.ListAlerts(t.Context(), h.st, h.dir, h.clk.Now(), deliver.AlertFilter{State: tc.state, Recipient: "anna"})
			if err != nil || len(only) != 1 {
				t.Errorf("filter state %s recipient anna = %d alerts, %v; want 1", tc.state, len(only), err)
			}
			other, err := deliver.ListAlerts(t.Context(), h.st, h.dir, h.clk.Now(), deliver.AlertFilter{ClientID: "globex"})
			if err != nil || len(other) != 0 {
				t.Errorf("filter client globex = %d alerts, %v; want none", len(other), err)
			}
		})
	}
}

func TestListAlertsRejectsUnknownState(t *testing.T) {
	h := newHarness(t, time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC))
	if _, err := deliver.ListAlerts(t.Context(), h.st, h.dir, h.clk.Now(), deliver.AlertFilter{State: "snoozed"}); err == nil ||
		!strings.Contains(err.Error(), "open, pending, deferred, sent, failed") {
		t.Errorf("err = %v, want the states listed", err)
	}
}

// TestDeliveredMessageLoggedOnce: each message Slack accepts gives one info
// line naming the recipient, client, rule and finding count.
func TestDeliveredMessageLoggedOnce(t *testing.T) {
	h := newHarness(t, time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC))
	var buf strings.Builder
	d, err := deliver.New(h.st, h.sl, func() deliver.Directory { return h.dir }, h.clk,
		slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})), prometheus.NewRegistry(), deliver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.d = d
	h.reconcile("deadline",
		deliver.MakeFinding("deadline", "acme", "ACME-7", rules.SeverityWarning),
		deliver.MakeFinding("deadline", "acme", "ACME-8", rules.SeverityWarning))
	h.clk.Advance(time.Minute)
	h.settle()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var delivered []string
	for _, l := range lines {
		if strings.Contains(l, `msg="message delivered"`) {
			delivered = append(delivered, l)
		}
	}
	if len(delivered) != 1 {
		t.Fatalf("want one delivered line, got:\n%s", buf.String())
	}
	for _, want := range []string{"recipient=anna", "client=acme", "rule=deadline", "findings=2"} {
		if !strings.Contains(delivered[0], want) {
			t.Errorf("delivered line %q lacks %s", delivered[0], want)
		}
	}
}

// TestListAlertsEscalationTimer: the head's copy of an escalating finding
// waits for the escalation timer, counted in the AM's working time.
func TestListAlertsEscalationTimer(t *testing.T) {
	kyiv := deliver.Kyiv(t)
	h := newHarness(t, time.Date(2026, 10, 5, 11, 0, 0, 0, kyiv).UTC())
	h.dir.Cfg.Routes = []deliver.Route{{Rule: "deadline", Recipients: []string{"account_manager"},
		EscalateTo: []string{"head"}, EscalateAfter: 4 * time.Hour}}
	f := deliver.MakeFinding("deadline", "acme", "ACME-7", rules.SeverityCritical)
	f.FirstSeen = h.clk.Now()
	h.reconcile("deadline", f)
	all, err := deliver.ListAlerts(t.Context(), h.st, h.dir, h.clk.Now(), deliver.AlertFilter{Recipient: "helen"})
	if err != nil || len(all) != 1 {
		t.Fatalf("alerts for helen = %+v, %v", all, err)
	}
	a := all[0]
	want := time.Date(2026, 10, 5, 15, 0, 0, 0, kyiv)
	if a.State != deliver.AlertDeferred || a.WaitKind != "escalation_timer" || !a.PlannedAt.Equal(want) ||
		!strings.Contains(a.Wait, "escalation timer: goes to helen at 2026-10-05 15:00 EEST (Europe/Kyiv) unless the finding is resolved or acknowledged") {
		t.Errorf("head's alert = %+v", a)
	}
}
