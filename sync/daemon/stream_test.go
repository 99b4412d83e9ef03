package daemon

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// TestSlackReadsHistoryOnlyAfterAGap: at start the daemon reads, once, what
// was said while it was down; then, with its Socket Mode connection up, it
// makes no conversations.history call over six idle hours, however many
// messages arrive live. When the connection drops and comes back, it reads
// history again, once per channel, for the gap (and the day before it,
// for reactions added during the gap).
func TestSlackReadsHistoryOnlyAfterAGap(t *testing.T) {
	// Tuesday 11:00 in Almaty.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	fake := sb.Slack()
	cfg := app.cfg()
	steppe := cfg.Client("steppe-foods")
	ch := steppe.SlackChannels[0]
	missed, err := fake.PostUserMessage(slackfake.UserMessage{Channel: ch, User: steppe.Contacts[0].SlackUserID, Text: "written while Liaison was down"})
	if err != nil {
		t.Fatal(err)
	}
	channels := len(channelsOf(app))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.RunSlack(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	ctxT := t.Context()
	// History reads are paced for Tier 3 on the clock: it moves on while
	// they wait.
	paced := func(what string, cond func() bool) {
		t.Helper()
		waitFor(t, what, func() bool {
			if cond() {
				return true
			}
			clk.Advance(1200 * time.Millisecond)
			return false
		})
	}
	paced("the missed message read from history", func() bool { _, err := app.st.GetMessage(ctxT, ch, missed.TS); return err == nil })
	paced("every channel's cursor", func() bool {
		for _, c := range channelsOf(app) {
			if _, err := app.st.GetCursor(ctxT, historySource(c)); err != nil {
				return false
			}
		}
		return true
	})
	atStart := fake.CallCount("conversations.history")
	if atStart != channels {
		t.Fatalf("%d history calls at start for %d channels: the start-up catch-up ran more than once", atStart, channels)
	}

	for i := range 6 * 60 {
		clk.Advance(time.Minute)
		if i%90 == 0 {
			live, err := fake.PostUserMessage(slackfake.UserMessage{Channel: ch, User: steppe.Contacts[0].SlackUserID, Text: "live"})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "a live message stored", func() bool { _, err := app.st.GetMessage(ctxT, ch, live.TS); return err == nil })
		}
	}
	if n := fake.CallCount("conversations.history") - atStart; n != 0 {
		t.Fatalf("%d conversations.history calls over six idle hours with the stream up, want 0", n)
	}

	// The connection drops; a message is written before it comes back.
	gapStart := clk.Now()
	fake.Disconnect("link_disabled")
	paced("the gap's catch-up", func() bool { return fake.CallCount("conversations.history") >= atStart+channels })
	paced("every channel's cursor moved", func() bool {
		for _, c := range channelsOf(app) {
			if cur, err := app.st.GetCursor(ctxT, historySource(c)); err != nil || cur.UpdatedAt.Before(gapStart) {
				return false
			}
		}
		return true
	})
	if n := fake.CallCount("conversations.history") - atStart; n != channels {
		t.Fatalf("%d history calls after one reconnection, want one per channel (%d)", n, channels)
	}
	for _, c := range fake.Calls()[len(fake.Calls())-channels:] {
		if c.Method != "conversations.history" {
			continue
		}
		// Messages from the day before the gap are read again for the
		// reactions added during it (Slack keeps no history of those);
		// nothing older.
		oldest := c.Args.Get("oldest")
		if from := gapStart.Add(-catchUpOverlap - streamMarkEvery - reactionLookback).Unix(); oldest < fmt.Sprint(from) {
			t.Errorf("after the gap, %s read from %s, more than a day before the gap began (%d)", c.Args.Get("channel"), oldest, from)
		}
	}
}

// TestSyncOnceSaysHowLongSlackLimitsTook: `sync --once` has no event
// stream, so it reads every client channel from its cursor, paced for
// Tier 3, and its summary says how many channels it read, how long that
// took and how much of it went to Slack's limits.
func TestSyncOnceSaysHowLongSlackLimitsTook(t *testing.T) {
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	var sum Summary
	if err := withPacing(clk, func(ctx context.Context) error {
		var err error
		sum, err = app.RunOnce(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	channels := len(channelsOf(app))
	reads := sb.Slack().CallCount("conversations.history") + sb.Slack().CallCount("conversations.replies")
	if sum.SlackChannels != channels {
		t.Errorf("summary says %d channels read, want %d", sum.SlackChannels, channels)
	}
	// Tier 3 allows one read per 1.2 s: reads after the first waited for
	// their slot, and the waiting is part of the time taken.
	if reads > 1 && (sum.SlackWait <= 0 || sum.SlackWait > sum.SlackTime) {
		t.Errorf("%d history reads took %v, %v of it waiting for limits; want some waiting, within the time taken", reads, sum.SlackTime, sum.SlackWait)
	}
}
