package deliver_test

import (
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestDrainSendsEverythingDueAndTellsWhatWaits: three replies due at once
// in one channel are paced a second apart, and Drain waits that out; a
// private note claimed with them goes last. A silenced finding is reported
// as waiting for its silence to end, not sent.
func TestDrainSendsEverythingDueAndTellsWhatWaits(t *testing.T) {
	h := newHarness(t, monday10(t))
	now := h.clk.Now()
	var replies []deliver.Reply
	replies = append(replies, deliver.Reply{Key: "a-note", Channel: slackfake.SharedChanID, User: slackfake.SEOUserID, Text: "no need to answer"})
	for _, k := range []string{"b-1", "b-2", "b-3"} {
		replies = append(replies, deliver.Reply{Key: k, Channel: slackfake.SharedChanID, Text: "reply " + k})
	}
	if _, err := h.d.Record(t.Context(), "redirect", nil, replies, now); err != nil {
		t.Fatal(err)
	}
	muted := deliver.MakeFinding("deadline", "acme", "ACME-9", rules.SeverityWarning)
	h.reconcile("deadline", muted)
	end := now.Add(2 * time.Hour)
	if _, err := deliver.AddSilence(t.Context(), h.st, now, store.Silence{FindingKey: muted.Key, EndsAt: end}); err != nil {
		t.Fatal(err)
	}

	var res deliver.DrainResult
	err := drive(h.clk, func() error {
		var err error
		res, err = h.d.Drain(t.Context(), time.Minute)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range h.fake.Calls() {
		switch c.Method {
		case "chat.postMessage":
			order = append(order, c.Args.Get("text"))
		case "chat.postEphemeral":
			order = append(order, "note")
		}
	}
	if len(order) != 4 || order[3] != "note" {
		t.Errorf("channel writes %q, want the three replies, then the note", order)
	}
	if res.Delivered != 4 || len(res.Deferred) != 1 || res.Deferred[0].Reason != deliver.DeferSilence ||
		res.Deferred[0].Count != 1 || !res.Deferred[0].Next.Equal(end) {
		t.Errorf("drain result %+v, want 4 delivered and the silenced alert waiting until %v", res, end)
	}
	if waited := h.clk.Now().Sub(now); waited < 2*time.Second || waited > time.Minute {
		t.Errorf("drain waited %v on the clock, want the few seconds of pacing", waited)
	}
}

// drive runs fn, moving the fake clock along whenever something waits on
// it, as time would.
func drive(clk *clock.Fake, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	for {
		select {
		case err := <-done:
			return err
		case <-time.After(time.Millisecond):
			if clk.Waiters() > 0 {
				clk.Advance(500 * time.Millisecond)
			}
		}
	}
}
