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
	ctx := context.Background()
	marat := app.cfg().Person("marat")
	q := clientSays(t, app, sb, "steppe-foods", "Добрый день, когда будет готов отчёт за месяц?", "")
	deliverAll := func() {
		for range 3 {
			if err := app.Deliver(ctx); err != nil {
				t.Fatal(err)
			}
			clk.Advance(2 * time.Second)
		}
	}
	deliverAll()
	var sug *slackfake.Message
	for _, m := range sb.Slack().Ephemerals() {
		if m.EphemeralUser == marat.SlackUserID && strings.Contains(string(m.Blocks), faq.ActionPost) {
			sug = &m
		}
	}
	if sug == nil {
		t.Fatalf("no suggestion with buttons shown to Marat; ephemerals: %+v", sb.Slack().Ephemerals())
	}
	if _, err := sb.Slack().ClickButton(sug.Channel, sug.TS, marat.SlackUserID, faq.ActionPost); err != nil {
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
	if err := app.HandleAction(ctx, act); err != nil {
		t.Fatal(err)
	}
	deliverAll()

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
