package daemon

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/rules/faq"
	"github.com/liaisonhq/liaison/sync/store"
)

// faqSandboxApp is sandboxApp with the shipped answer base as agency.faq.
func faqSandboxApp(t *testing.T, now time.Time) (*App, *sandbox.Sandbox, *clock.Fake) {
	t.Helper()
	base, err := os.ReadFile("../../configs/examples/faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(now)
	app, sb := newSandboxAppFAQ(t, clk, sandbox.Options{}, true, base)
	return app, sb, clk
}

// TestFAQClickSettlesTheSuggestion: the AM's "Post answer" click posts the
// answer in the client's thread and replaces the private suggestion, through
// the click's response_url, with what was done and learned, without the
// buttons.
func TestFAQClickSettlesTheSuggestion(t *testing.T) {
	// Tuesday 11:00 in Almaty: Marat is working.
	app, sb, clk := faqSandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	marat := app.cfg().Person("marat")
	q := clientSays(t, app, sb, "steppe-foods", "Добрый день, когда будет готов отчёт за месяц?", "")
	deliverFor(t, app, clk)
	sug := clickSuggestion(t, app, sb, marat.SlackUserID, faq.ActionPost)
	deliverFor(t, app, clk)

	var settled *slackfake.Message
	for _, m := range sb.Slack().Ephemerals() {
		if m.TS == sug.TS {
			settled = &m
		}
	}
	if settled == nil || strings.Contains(string(settled.Blocks), faq.ActionPost) || !strings.Contains(settled.Text, "Ответ отправлен в тред клиента") ||
		!strings.Contains(settled.Text, "report-when") || !strings.Contains(string(settled.Blocks), "Отчёт обновляется") {
		t.Errorf("the suggestion after the click: %+v; want the answer without buttons and what was done and learned", settled)
	}
	posted := 0
	for _, m := range sb.Slack().Messages(q.Channel) {
		if m.User == slackfake.BotUserID && m.ThreadTS == q.TS && strings.Contains(m.Text, marat.Name) {
			posted++
		}
	}
	if posted != 1 {
		t.Errorf("%d answers in the client's thread, want 1", posted)
	}
}

// deliverFor runs three passes of delivery two seconds apart.
func deliverFor(t *testing.T, app *App, clk *clock.Fake) {
	t.Helper()
	for range 3 {
		if err := app.Deliver(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(2 * time.Second)
	}
}

// clickSuggestion clicks actionID on the last answer-base suggestion with
// buttons shown to the AM amSlackID, as Slack sends the click to the app,
// and returns the suggestion.
func clickSuggestion(t *testing.T, app *App, sb *sandbox.Sandbox, amSlackID, actionID string) slackfake.Message {
	t.Helper()
	var sug *slackfake.Message
	for _, m := range sb.Slack().Ephemerals() {
		if m.EphemeralUser == amSlackID && strings.Contains(string(m.Blocks), faq.ActionPost) {
			sug = &m
		}
	}
	if sug == nil {
		t.Fatalf("no suggestion with buttons shown to %s; ephemerals: %+v", amSlackID, sb.Slack().Ephemerals())
	}
	if _, err := sb.Slack().ClickButton(sug.Channel, sug.TS, amSlackID, actionID); err != nil {
		t.Fatal(err)
	}
	ds := sb.Slack().Deliveries()
	var p struct {
		ResponseURL string `json:"response_url"`
		User        struct {
			ID string `json:"id"`
		} `json:"user"`
		Channel struct {
			ID string `json:"id"`
		} `json:"channel"`
		Actions []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"actions"`
	}
	if err := json.Unmarshal(ds[len(ds)-1].Payload, &p); err != nil || len(p.Actions) != 1 || p.ResponseURL == "" {
		t.Fatalf("click payload %s (%v)", ds[len(ds)-1].Payload, err)
	}
	act := slackconn.Action{ActionID: p.Actions[0].ActionID, Value: p.Actions[0].Value, UserID: p.User.ID,
		ChannelID: p.Channel.ID, MessageTS: sug.TS, Ephemeral: true, ResponseURL: p.ResponseURL}
	if err := app.HandleAction(context.Background(), act); err != nil {
		t.Fatal(err)
	}
	return *sug
}

// TestFAQPostedAnswerIsTheAMsReply: an answer the AM posts from a
// suggestion answers the client for the response rule, as a reply typed
// by the AM would; the same question left with its suggestion unclicked
// is reported once it has waited first_response.
func TestFAQPostedAnswerIsTheAMsReply(t *testing.T) {
	// Tuesday 11:00 in Almaty: Marat is working until 18:00.
	app, sb, clk := faqSandboxApp(t, time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	ctx := context.Background()
	marat := app.cfg().Person("marat")
	clientSays(t, app, sb, "steppe-foods", "Добрый день, когда будет готов отчёт за месяц?", "")
	deliverFor(t, app, clk)
	clickSuggestion(t, app, sb, marat.SlackUserID, faq.ActionPost)
	deliverFor(t, app, clk)
	waiting := func() []string {
		t.Helper()
		if err := app.engine.RunResponse(ctx); err != nil {
			t.Fatal(err)
		}
		open, err := app.st.ListOpenFindings(ctx, store.FindingFilter{Rule: "response", ClientID: "steppe-foods"})
		if err != nil {
			t.Fatal(err)
		}
		var ts []string
		for _, f := range open {
			ts = append(ts, f.Fields["ts"])
		}
		return ts
	}
	clk.Advance(3 * time.Hour)
	if got := waiting(); len(got) != 0 {
		t.Errorf("three working hours after Marat posted the suggested answer, the client is reported waiting: %v", got)
	}
	// The same question again, its suggestion not clicked: the client waits.
	q := clientSays(t, app, sb, "steppe-foods", "Добрый день, когда будет готов отчёт за месяц?", "")
	deliverFor(t, app, clk)
	clk.Advance(2*time.Hour + time.Minute)
	if got := waiting(); len(got) != 1 || got[0] != q.TS {
		t.Errorf("two working hours after a question nobody answered, waiting: %v, want its ts %s", got, q.TS)
	}
}
