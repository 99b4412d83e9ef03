package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// TestSyncOnceDeliversEverythingDue is `sync --once` finishing its job: a
// client pings a specialist twice after the AM's hours, which calls for
// four messages in the client's channel (for each, a reply naming the AM
// and a private note to the specialist). One cycle sends them all, waiting
// out the channel's pacing, the client's replies before the private notes;
// the AM's alert waits for the AM's working hours, and the summary
// says so.
func TestSyncOnceDeliversEverythingDue(t *testing.T) {
	// Tuesday 20:00 in Almaty: Marat (10:00-19:00) has gone home.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	cfg := app.cfg()
	ch := cfg.Client("steppe-foods").SlackChannels[0]
	pings := map[string]bool{}
	for _, text := range []string{" когда будет отчёт?", " и бюджет на январь тоже обсудим?"} {
		pings[clientSays(t, app, sb, "steppe-foods", mention(cfg, "timur")+text, "").TS] = true
	}

	var sum Summary
	err := withPacing(clk, func(ctx context.Context) error {
		var err error
		sum, err = app.RunOnce(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range sb.Slack().Calls() {
		if c.Args.Get("channel") != ch {
			continue
		}
		switch {
		case c.Method == "chat.postEphemeral":
			order = append(order, "note")
		case c.Method == "chat.postMessage" && pings[c.Args.Get("thread_ts")]:
			order = append(order, "reply")
		case c.Method == "chat.postMessage":
			order = append(order, "post")
		}
	}
	replies := 0
	for _, m := range sb.Slack().Messages(ch) {
		if m.User == slackfake.BotUserID && pings[m.ThreadTS] {
			replies++
		}
	}
	if got := strings.Join(order, " "); replies != 2 || got != "reply reply note note" {
		t.Fatalf("after one cycle: %d replies in the client's threads, channel writes %q; want \"reply reply note note\"", replies, got)
	}
	if sum.Delivered < 4 {
		t.Errorf("summary says %d delivered, want at least the 4 channel messages", sum.Delivered)
	}
	if sum.Opened < 1 {
		t.Errorf("summary says %d findings opened, want the redirect at least", sum.Opened)
	}
	var hours *deliver.Deferral
	for i, d := range sum.Deferred {
		if d.Reason == deliver.DeferWorkingHours {
			hours = &sum.Deferred[i]
		}
	}
	// Wednesday 10:00 in Almaty.
	if hours == nil || hours.Count < 1 || !hours.Next.Equal(time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("deferred %+v; want the AM's alert held for working hours until Wed 05:00 UTC", sum.Deferred)
	}
}
