package daemon

import (
	"context"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestCatchUpAfterDowntime: messages written while Liaison was down are
// read from history, stored and judged (the AM hears of a client pinging a
// specialist), but the client gets no automatic reply an hour late; a second
// catch-up reads from its cursor and adds nothing.
func TestCatchUpAfterDowntime(t *testing.T) {
	// Tuesday 11:00 in Almaty.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	cfg := app.cfg()
	ctx := context.Background()
	steppe := cfg.Client("steppe-foods")
	ch := steppe.SlackChannels[0]
	// Written while nobody listened: no event reaches the app.
	ping, err := sb.Slack().PostUserMessage(slackfake.UserMessage{Channel: ch, User: steppe.Contacts[0].SlackUserID,
		Text: mention(cfg, "timur") + " когда будет отчёт?"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)

	if err := catchUp(app, clk); err != nil {
		t.Fatal(err)
	}
	if _, err := app.st.GetMessage(ctx, ch, ping.TS); err != nil {
		t.Fatalf("the missed message was not stored: %v", err)
	}
	open, err := app.st.ListOpenFindings(ctx, store.FindingFilter{Rule: "redirect", ClientID: "steppe-foods"})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 {
		t.Fatalf("%d redirect findings after catch-up, want 1", len(open))
	}
	for range 3 {
		if err := app.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Second)
	}
	for _, m := range sb.Slack().Messages(ch) {
		if m.User == slackfake.BotUserID {
			t.Errorf("the client got an automatic reply an hour late: %q", m.Text)
		}
	}
	if n := len(sb.Slack().Messages(dmOf(t, app, cfg.Person("marat").SlackUserID))); n != 1 {
		t.Errorf("the AM got %d messages, want the redirect alert", n)
	}

	calls := sb.Slack().CallCount("conversations.history")
	if err := catchUp(app, clk); err != nil {
		t.Fatal(err)
	}
	if got := sb.Slack().CallCount("conversations.history") - calls; got > len(channelsOf(app)) {
		t.Errorf("second catch-up made %d history calls for %d channels", got, len(channelsOf(app)))
	}
	open, _ = app.st.ListOpenFindings(ctx, store.FindingFilter{Rule: "redirect"})
	if len(open) != 1 {
		t.Errorf("second catch-up changed the findings: %d open", len(open))
	}
}

// catchUp runs App.CatchUp, moving the fake clock along whenever the
// connector waits between history pages (Tier 3 pacing), as time would.
func catchUp(app *App, clk *clock.Fake) error { return withPacing(clk, app.CatchUp) }

// syncOnce runs App.SyncOnce the same way.
func syncOnce(app *App) error { return withPacing(app.clock.(*clock.Fake), app.SyncOnce) }

func withPacing(clk *clock.Fake, run func(context.Context) error) error {
	done := make(chan error, 1)
	go func() { done <- run(context.Background()) }()
	for {
		select {
		case err := <-done:
			return err
		case <-time.After(time.Millisecond):
			if clk.Waiters() > 0 {
				clk.Advance(2 * time.Second)
			}
		}
	}
}

func channelsOf(app *App) []string {
	var out []string
	for _, c := range app.cfg().Clients {
		out = append(out, c.SlackChannels...)
	}
	return out
}

// TestGapCatchUpForwardsAReactionMissedDuringTheGap: the account manager
// forwards a client's question with :question: while no event stream is
// up; the message itself is from before the gap and was seen live. The
// gap's catch-up finds the reaction on the message and creates the
// question task, once: a second catch-up adds no task and asks Jira for
// nothing.
func TestGapCatchUpForwardsAReactionMissedDuringTheGap(t *testing.T) {
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	cfg := app.cfg()
	asked := clientSays(t, app, sb, "steppe-foods", "Можно ли запустить рекламу в Astana с 10 декабря?", "")
	clk.Advance(2 * time.Hour)
	gapStart := clk.Now()
	clk.Advance(10 * time.Minute)
	// Added in Slack; its reaction_added event never reaches Liaison.
	if err := sb.Slack().AddReaction(asked.Channel, asked.TS, cfg.Person("marat").SlackUserID, "question"); err != nil {
		t.Fatal(err)
	}
	if n := len(questionTasks(sb)); n != 0 {
		t.Fatalf("%d question tasks before the catch-up, want 0", n)
	}
	catchUp := func(ctx context.Context) error { return app.catchUpSince(ctx, gapStart) }
	if err := withPacing(clk, catchUp); err != nil {
		t.Fatal(err)
	}
	tasks := questionTasks(sb)
	if len(tasks) != 1 || items(tasks[0]) != 1 {
		t.Fatalf("after the gap's catch-up: %d question tasks, want 1 with the forwarded question", len(tasks))
	}
	calls := jiraCalls(sb)
	if err := withPacing(clk, catchUp); err != nil {
		t.Fatal(err)
	}
	if n := len(questionTasks(sb)); n != 1 {
		t.Errorf("%d question tasks after a second catch-up, want 1", n)
	}
	if n := jiraCalls(sb) - calls; n != 0 {
		t.Errorf("a second catch-up made %d Jira calls for a question already forwarded, want 0", n)
	}
}
