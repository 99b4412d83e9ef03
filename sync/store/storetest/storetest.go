// Package storetest is the conformance suite every store.Store
// implementation runs, so that SQLite and PostgreSQL behave the same way for
// the engine.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// Run exercises the contract of every store method. open must return a new,
// empty store for each call; Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Cursors", testCursors},
		{"TasksRoundTrip", testTasksRoundTrip},
		{"TasksUpsertIdempotentAndNeverStale", testTasksUpsert},
		{"TasksFilter", testTasksFilter},
		{"Worklogs", testWorklogs},
		{"Messages", testMessages},
		{"MessageEditsAndDeletes", testMessageEdits},
		{"MetricsReplaceWindow", testMetricsReplace},
		{"MetricsRejectBadRows", testMetricsReject},
		{"MetricsQuery", testMetricsQuery},
		{"Findings", testFindings},
		{"OutboxEnqueue", testOutboxEnqueue},
		{"OutboxLifecycle", testOutboxLifecycle},
		{"OutboxLeaseExpiry", testOutboxLeaseExpiry},
		{"OutboxConcurrentClaims", testOutboxConcurrentClaims},
		{"TxCommitsTogether", testTxCommit},
		{"TxRollsBackTogether", testTxRollback},
		{"TxRollsBackOnPanic", testTxPanic},
		{"Silences", testSilences},
		{"ReportState", testReportState},
		{"Audit", testAudit},
		{"EventsSeen", testEventsSeen},
		{"EventsConcurrent", testEventsConcurrent},
		{"EventsInTx", testEventsInTx},
		{"SlackInbox", testSlackInbox},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			c.fn(t, s)
		})
	}
}

// at returns a fixed base instant plus d; the base sits on a millisecond
// boundary because stores keep milliseconds.
func at(d time.Duration) time.Time { return time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC).Add(d) }

func ctx(t *testing.T) context.Context { return t.Context() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustBe(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}
