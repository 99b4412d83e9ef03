package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/store"
)

// TestEditedMessageIsJudged: a client's message without a mention is
// edited, twenty minutes later, to ping a specialist. Through Socket Mode
// the daemon judges the edit like a new message: one redirect alert to the
// AM and one reply in the client's thread, sent because the edit is fresh
// even though the post is not. A second edit changes nothing more. The AM
// then forwards the question and acknowledges the alert through the
// sandbox's routes too.
func TestEditedMessageIsJudged(t *testing.T) {
	// Tuesday 11:00 in Almaty.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	base := strings.TrimSuffix(app.cfg().Connections.Slack.APIURL, "/api/")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.RunSlack(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	ch := app.cfg().Client("steppe-foods").SlackChannels[0]

	var posted struct{ TS string }
	act(t, "POST", base+"/_sandbox/slack/messages",
		`{"channel": "steppe-foods", "user": "aigerim", "text": "Добрый день! Вопрос по карте ключевых слов"}`, &posted)
	waitFor(t, "the message stored", func() bool { _, err := app.st.GetMessage(ctx, ch, posted.TS); return err == nil })
	if n := openRedirects(t, app); n != 0 {
		t.Fatalf("%d redirect findings before the edit", n)
	}

	clk.Advance(20 * time.Minute) // the post is stale for automatic replies; the edit will not be
	act(t, "PATCH", base+"/_sandbox/slack/messages/"+ch+"/"+posted.TS,
		`{"text": "Добрый день! <@timur> вопрос по карте ключевых слов"}`, nil)
	waitFor(t, "a redirect finding", func() bool { return openRedirects(t, app) == 1 })
	deliverAll(t, app, clk)
	replies, alerts := redirectTraffic(t, app, sb, ch, posted.TS)
	if replies != 1 || alerts != 1 {
		t.Fatalf("after the edit: %d replies in the client's thread and %d alerts to the AM, want 1 and 1", replies, alerts)
	}

	act(t, "PATCH", base+"/_sandbox/slack/messages/"+ch+"/"+posted.TS,
		`{"text": "Добрый день! <@timur> вопрос по карте ключевых слов на декабрь"}`, nil)
	waitFor(t, "the second edit stored", func() bool {
		m, err := app.st.GetMessage(ctx, ch, posted.TS)
		return err == nil && strings.HasSuffix(m.Text, "на декабрь")
	})
	deliverAll(t, app, clk)
	if replies, alerts := redirectTraffic(t, app, sb, ch, posted.TS); replies != 1 || alerts != 1 || openRedirects(t, app) != 1 {
		t.Errorf("after a second edit: %d replies, %d alerts, %d findings; want 1, 1 and 1", replies, alerts, openRedirects(t, app))
	}

	// The AM forwards the question to the specialist with :question:, and
	// presses Acknowledge on the alert, from outside as well.
	act(t, "POST", base+"/_sandbox/slack/reactions",
		`{"channel": "steppe-foods", "ts": "`+posted.TS+`", "user": "marat", "name": "question"}`, nil)
	waitFor(t, "the question task", func() bool { return len(questionTasks(sb)) == 1 })
	act(t, "POST", base+"/_sandbox/slack/actions", `{"user": "marat", "action_id": "liaison_ack"}`, nil)
	open, err := app.st.ListOpenFindings(ctx, store.FindingFilter{Rule: "redirect"})
	if err != nil || len(open) != 1 {
		t.Fatalf("redirect findings: %v, %v", open, err)
	}
	waitFor(t, "the acknowledgement", func() bool { _, err := app.st.GetAck(ctx, open[0].Key); return err == nil })
}

// act calls one of the sandbox's routes that act as a person.
func act(t *testing.T, method, url, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s = %d: %s", method, url, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

// waitFor polls cond while the Socket Mode receiver works on the events
// the fake sent: it runs on its own goroutine, not on the fake clock.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func openRedirects(t *testing.T, app *App) int {
	t.Helper()
	open, err := app.st.ListOpenFindings(context.Background(), store.FindingFilter{Rule: "redirect"})
	if err != nil {
		t.Fatal(err)
	}
	return len(open)
}

func deliverAll(t *testing.T, app *App, clk interface{ Advance(time.Duration) }) {
	t.Helper()
	for range 3 {
		if err := app.Deliver(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Second)
	}
}

// redirectTraffic counts Liaison's replies in the thread of ts and the
// AM's alerts.
func redirectTraffic(t *testing.T, app *App, sb *sandbox.Sandbox, ch, ts string) (replies, alerts int) {
	t.Helper()
	for _, m := range sb.Slack().Messages(ch) {
		if m.User == slackfake.BotUserID && m.ThreadTS == ts {
			replies++
		}
	}
	return replies, len(sb.Slack().Messages(dmOf(t, app, app.cfg().Person("marat").SlackUserID)))
}

// TestSpecialistAnsweringUnaddressedMessageIsCounted: a client asks the
// channel without addressing anyone and the specialist answers in the
// thread. No redirect happens, but the head's count of direct contact
// has it, apart from answers to redirected messages.
func TestSpecialistAnsweringUnaddressedMessageIsCounted(t *testing.T) {
	app, _, _ := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)) // Tuesday 11:00 Almaty
	reg := prometheus.NewRegistry()
	if err := app.engine.Register(reg); err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(app.cfg().Connections.Slack.APIURL, "/api/")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.RunSlack(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	var q struct{ TS string }
	act(t, "POST", base+"/_sandbox/slack/messages", `{"channel": "steppe-foods", "user": "aigerim", "text": "Когда будет отчёт за ноябрь?"}`, &q)
	act(t, "POST", base+"/_sandbox/slack/messages", `{"channel": "steppe-foods", "user": "timur", "text": "В пятницу пришлю.", "thread_ts": "`+q.TS+`"}`, nil)
	var entries []store.AuditEntry
	waitFor(t, "the answer counted", func() bool {
		var err error
		entries, err = app.st.ListAudit(ctx, store.AuditFilter{Action: engine.AuditUnaddressedReply})
		return err == nil && len(entries) > 0
	})
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "specialist=timur") || !strings.Contains(entries[0].Detail, "answered="+q.TS) {
		t.Errorf("unaddressed answers recorded: %+v", entries)
	}
	want := `
# HELP liaison_redirect_direct_replies_total Specialists who answered a client directly: message=redirected when the redirect rule had handed the message to the account manager, message=unaddressed when it addressed no specialist.
# TYPE liaison_redirect_direct_replies_total counter
liaison_redirect_direct_replies_total{client="steppe-foods",message="unaddressed",specialist="timur"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "liaison_redirect_direct_replies_total"); err != nil {
		t.Error(err)
	}
	if redirected, _ := app.st.ListAudit(ctx, store.AuditFilter{Action: engine.AuditDirectReply}); len(redirected) != 0 || openRedirects(t, app) != 0 {
		t.Errorf("counted as an answer to a redirect: %+v, %d redirects", redirected, openRedirects(t, app))
	}
}

// TestCatchUpJudgesAnEditMadeWhileDown: a message seen live without a
// mention is edited to ping a specialist while Liaison is not listening.
// The catch-up finds the stored copy out of date, stores the edit and
// judges it: the AM hears of the redirect once, and a second catch-up adds
// nothing.
func TestCatchUpJudgesAnEditMadeWhileDown(t *testing.T) {
	// Tuesday 11:00 in Almaty.
	app, sb, clk := sandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	ctx := context.Background()
	msg := clientSays(t, app, sb, "steppe-foods", "Добрый день! Вопрос по карте ключевых слов", "")
	if openRedirects(t, app) != 0 {
		t.Fatal("a message without a mention was redirected")
	}
	clk.Advance(10 * time.Minute)
	// Nobody listens: the message_changed event reaches no one.
	if _, err := sb.Slack().EditUserMessage(msg.Channel, msg.TS, msg.User,
		"Добрый день! "+mention(app.cfg(), "timur")+" вопрос по карте ключевых слов"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if err := catchUp(app, clk); err != nil {
		t.Fatal(err)
	}
	stored, err := app.st.GetMessage(ctx, msg.Channel, msg.TS)
	if err != nil || !strings.Contains(stored.Text, mention(app.cfg(), "timur")) || stored.EditedTS == "" {
		t.Fatalf("the edit was not stored: %+v, %v", stored, err)
	}
	if n := openRedirects(t, app); n != 1 {
		t.Fatalf("%d redirect findings after the catch-up, want 1", n)
	}
	if err := catchUp(app, clk); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, app, clk)
	replies, alerts := redirectTraffic(t, app, sb, msg.Channel, msg.TS)
	if alerts != 1 || replies != 0 || openRedirects(t, app) != 1 {
		t.Errorf("%d alerts, %d replies to the client an hour late, %d findings; want 1, 0 and 1", alerts, replies, openRedirects(t, app))
	}
}
