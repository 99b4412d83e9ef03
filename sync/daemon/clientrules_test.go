package daemon

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/store"
)

// clientSays posts a message as a client contact in the fake and hands the
// event to the app the way the Socket Mode receiver does.
func clientSays(t *testing.T, app *App, sb *sandbox.Sandbox, clientID, text, threadTS string) slackfake.Message {
	t.Helper()
	cfg := app.cfg()
	c := cfg.Client(clientID)
	contact := c.Contacts[0].SlackUserID
	m, err := sb.Slack().PostUserMessage(slackfake.UserMessage{Channel: c.SlackChannels[0], User: contact, Text: text, ThreadTS: threadTS})
	if err != nil {
		t.Fatal(err)
	}
	ev := slackconn.Event{Kind: slackconn.KindMessage, EventID: "Ev" + m.TS, Channel: m.Channel, ChannelType: "channel",
		ExtShared: true, User: contact, UserTeam: m.Team, TS: m.TS, ThreadTS: m.ThreadTS, Text: m.Text}
	if err := app.HandleEvent(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	return m
}

func mention(cfg *configs.Config, personID string) string {
	return "<@" + cfg.Person(personID).SlackUserID + ">"
}

// TestRedirectEndToEnd: a Slack Connect client of a Russian-speaking client
// mentions a specialist at 11:00 on a working day → the AM is alerted and the
// client gets a Russian thread reply naming the AM; the same event twice
// changes nothing; inside the client's "every thu 11:00-12:00" window the
// same message is left alone.
func TestRedirectEndToEnd(t *testing.T) {
	// Tuesday 11:00 in Almaty (UTC+5).
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	cfg := app.cfg()
	ctx := context.Background()
	steppe := cfg.Client("steppe-foods")
	ch := steppe.SlackChannels[0]

	msg := clientSays(t, app, sb, "steppe-foods", mention(cfg, "timur")+" когда будет отчёт?", "")
	ev := slackconn.Event{Kind: slackconn.KindMessage, EventID: "Ev" + msg.TS, Channel: ch, User: msg.User,
		UserTeam: msg.Team, TS: msg.TS, Text: msg.Text}
	if err := app.HandleEvent(ctx, ev); err != nil { // Slack delivers events twice
		t.Fatal(err)
	}
	for range 3 {
		if err := app.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Second)
	}

	var replies []slackfake.Message
	for _, m := range sb.Slack().Messages(ch) {
		if m.User == slackfake.BotUserID && m.ThreadTS == msg.TS {
			replies = append(replies, m)
		}
	}
	if len(replies) != 1 {
		t.Fatalf("%d replies in the client's thread, want 1", len(replies))
	}
	marat := cfg.Person("marat")
	if r := replies[0].Text; !strings.Contains(r, "аккаунт-менеджер") || !strings.Contains(r, marat.Name) {
		t.Errorf("thread reply is not the Russian one naming the AM: %q", r)
	}
	dm := dmOf(t, app, marat.SlackUserID)
	if n := len(sb.Slack().Messages(dm)); n != 1 {
		t.Errorf("AM's DM holds %d messages, want the one redirect alert", n)
	}

	// Thursday 11:30 in Almaty is inside the weekly call: nothing happens.
	clk.Set(time.Date(2026, 12, 3, 6, 30, 0, 0, time.UTC))
	before := sb.Slack().CallCount("chat.postMessage")
	clientSays(t, app, sb, "steppe-foods", mention(cfg, "timur")+" по звонку: бюджет увеличиваем?", "")
	for range 3 {
		if err := app.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Second)
	}
	if got := sb.Slack().CallCount("chat.postMessage"); got != before {
		t.Errorf("a message inside the exception window caused %d posts", got-before)
	}
}

// TestUnansweredClientWaitsForWorkingHours: a client message at 17:30 for an
// AM working 09:00–18:00 with first_response 2h is flagged at 10:30 the next
// working day, not at 19:30.
func TestUnansweredClientWaitsForWorkingHours(t *testing.T) {
	// Tuesday 17:30 in Kyiv (UTC+2).
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC))
	cfg := app.cfg()
	ctx := context.Background()
	clientSays(t, app, sb, "acme-ua", "Чи можна змінити бюджет на грудень?", "")
	anna := dmOf(t, app, cfg.Person("anna").SlackUserID)
	countAlerts := func() int {
		n := 0
		for _, m := range sb.Slack().Messages(anna) {
			if strings.Contains(m.Text+string(m.Blocks), "бюджет") {
				n++
			}
		}
		return n
	}
	step := func(at time.Time) {
		clk.Set(at)
		if err := app.engine.RunResponse(ctx); err != nil {
			t.Fatal(err)
		}
		if err := app.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
	}
	step(time.Date(2026, 12, 1, 17, 30, 0, 0, time.UTC)) // 19:30 Kyiv: two wall hours, half an hour of work
	step(time.Date(2026, 12, 2, 8, 29, 0, 0, time.UTC))  // Wednesday 10:29
	if n := countAlerts(); n != 0 {
		t.Fatalf("alerted before 10:30 of the next working day (%d alerts)", n)
	}
	step(time.Date(2026, 12, 2, 8, 31, 0, 0, time.UTC)) // 10:31
	if n := countAlerts(); n != 1 {
		t.Fatalf("%d alerts at 10:31 the next working day, want 1", n)
	}
}

func dmOf(t *testing.T, app *App, user string) string {
	t.Helper()
	ch, err := app.slack.OpenDM(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// TestSpecialistAnsweringAnywayIsCounted: after a redirect, the specialist
// who answers the client in the thread anyway is counted for the head.
func TestSpecialistAnsweringAnywayIsCounted(t *testing.T) {
	app, sb, _ := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)) // Tuesday 11:00 Almaty
	cfg := app.cfg()
	ctx := context.Background()
	ping := clientSays(t, app, sb, "steppe-foods", mention(cfg, "timur")+" когда будет отчёт?", "")
	timur := cfg.Person("timur")
	reply, err := sb.Slack().PostUserMessage(slackfake.UserMessage{Channel: ping.Channel, User: timur.SlackUserID,
		Text: "В пятницу пришлю.", ThreadTS: ping.TS})
	if err != nil {
		t.Fatal(err)
	}
	ev := slackconn.Event{Kind: slackconn.KindMessage, EventID: "Ev" + reply.TS, Channel: reply.Channel,
		User: reply.User, UserTeam: reply.Team, TS: reply.TS, ThreadTS: ping.TS, Text: reply.Text}
	if err := app.HandleEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	entries, err := app.st.ListAudit(ctx, store.AuditFilter{Action: engine.AuditDirectReply})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "specialist=timur") {
		t.Fatalf("direct replies recorded: %+v", entries)
	}
	// The redirect itself is in the audit log once, whatever else happened
	// in its thread.
	redirects, err := app.st.ListAudit(ctx, store.AuditFilter{Action: engine.AuditRedirect})
	if err != nil {
		t.Fatal(err)
	}
	if len(redirects) != 1 || !strings.Contains(redirects[0].Detail, "client=steppe-foods specialist=timur am=marat") {
		t.Fatalf("redirects recorded: %+v", redirects)
	}
}
