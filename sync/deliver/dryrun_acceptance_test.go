package deliver_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

func TestDryRunRendersAndLogsWithoutPosting(t *testing.T) {
	for _, tc := range []struct {
		name   string
		option bool
		config bool
	}{{"option", true, false}, {"delivery.dry_run", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, monday10(t))
			h.dir.Cfg.DryRun = tc.config
			var logs bytes.Buffer
			d, err := deliver.New(h.st, h.sl, func() deliver.Directory { return h.dir }, h.clk,
				slog.New(slog.NewTextHandler(&logs, nil)), nil, deliver.Options{DryRun: tc.option})
			if err != nil {
				t.Fatal(err)
			}
			h.d = d
			h.reconcile("deadline", deliver.MakeFinding("deadline", "acme", "ACME-1", rules.SeverityWarning))
			h.clk.Advance(30 * time.Second)
			h.settle()
			if calls := len(h.fake.Calls()); calls != 0 {
				t.Errorf("dry run made %d Slack calls", calls)
			}
			if !strings.Contains(logs.String(), "dry run: would post") || !strings.Contains(logs.String(), "ACME-1 is overdue") {
				t.Errorf("dry run did not log the rendered message:\n%s", logs.String())
			}
			if sent := mustDeliveries(t, h.st, store.DeliveryFilter{State: store.DeliverySent}); len(sent) != 1 {
				t.Errorf("%d deliveries recorded sent, want 1", len(sent))
			}
		})
	}
}
