package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// nextEvent returns the next socketmode event of one of the wanted types,
// skipping others (connecting, connected...), within a real-time deadline.
func nextEvent(t *testing.T, sm *socketmode.Client, want ...socketmode.EventType) socketmode.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-sm.Events:
			for _, w := range want {
				if ev.Type == w {
					return ev
				}
			}
			if ev.Type == socketmode.EventTypeInvalidAuth || ev.Type == socketmode.EventTypeErrorBadMessage {
				t.Fatalf("socket mode error event %s: %+v", ev.Type, ev.Data)
			}
		case <-deadline:
			t.Fatalf("no %v event within 10s", want)
		}
	}
}

// nextInner returns the next events_api event whose inner type is typ,
// acking every events_api envelope it sees (as a well-behaved app does).
func nextInner(t *testing.T, sm *socketmode.Client, typ string) (slackevents.EventsAPIEvent, *socketmode.Request) {
	t.Helper()
	for {
		ev := nextEvent(t, sm, socketmode.EventTypeEventsAPI)
		if err := sm.Ack(*ev.Request); err != nil {
			t.Fatal(err)
		}
		api := ev.Data.(slackevents.EventsAPIEvent)
		if api.InnerEvent.Type == typ {
			return api, ev.Request
		}
	}
}

func startSocketMode(t *testing.T, f fixture) (*socketmode.Client, context.CancelFunc) {
	t.Helper()
	sm := socketmode.New(f.api, socketmode.OptionLog(log.New(io.Discard, "", 0)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = sm.RunContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("socketmode client did not stop")
		}
	})
	return sm, cancel
}

func TestSocketModeEndToEnd(t *testing.T) {
	f := newFake(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sm, _ := startSocketMode(t, f)
	nextEvent(t, sm, socketmode.EventTypeHello)
	if f.srv.Connections() != 1 {
		t.Fatalf("connections = %d", f.srv.Connections())
	}

	// A Slack Connect client mentions our bot: message + app_mention.
	m, err := f.srv.PostUserMessage(UserMessage{Channel: SharedChanID, User: ClientUserID, Text: "hi <@" + BotUserID + "> any news?"})
	if err != nil {
		t.Fatal(err)
	}
	api, req := nextInner(t, sm, "message")
	msg := api.InnerEvent.Data.(*slackevents.MessageEvent)
	if msg.Channel != SharedChanID || msg.User != ClientUserID || msg.TimeStamp != m.TS || msg.ChannelType != "channel" ||
		msg.UserTeam != ClientTeamID || msg.EventTimeStamp != m.TS || msg.ClientMsgID == "" {
		t.Errorf("message event = %+v", msg)
	}
	if api.TeamID != TeamID || api.APIAppID != AppID || req.RetryAttempt != 0 {
		t.Errorf("wrapper team=%s app=%s retry=%d", api.TeamID, api.APIAppID, req.RetryAttempt)
	}
	api, _ = nextInner(t, sm, "app_mention")
	if men := api.InnerEvent.Data.(*slackevents.AppMentionEvent); men.User != ClientUserID || men.TimeStamp != m.TS {
		t.Errorf("app_mention = %+v", men)
	}

	// Our alert with a button; the AM clicks it.
	btn := slack.NewButtonBlockElement("take_over", "ACME/finding-7", slack.NewTextBlockObject(slack.PlainTextType, "Take over", false, false))
	_, ts, err := f.api.PostMessage(SharedChanID, slack.MsgOptionText("client pinged a specialist", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("alert", btn)))
	if err != nil {
		t.Fatal(err)
	}
	own, _ := nextInner(t, sm, "message")
	if e := own.InnerEvent.Data.(*slackevents.MessageEvent); e.BotID != BotID || e.TimeStamp != ts {
		t.Errorf("own message event = %+v", e)
	}
	if _, err := f.srv.ClickButton(SharedChanID, ts, AMUserID, "take_over"); err != nil {
		t.Fatal(err)
	}
	ev := nextEvent(t, sm, socketmode.EventTypeInteractive)
	cb := ev.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != AMUserID || cb.Channel.ID != SharedChanID ||
		len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("interaction = %+v", cb)
	}
	act := cb.ActionCallback.BlockActions[0]
	if act.ActionID != "take_over" || act.Value != "ACME/finding-7" || act.BlockID != "alert" || cb.Message.Timestamp != ts || cb.Container.MessageTs != ts {
		t.Errorf("action = %+v, message ts %s", act, cb.Message.Timestamp)
	}
	if err := sm.Ack(*ev.Request, map[string]any{"text": "ok"}); err != nil {
		t.Fatal(err)
	}
	// The response_url replaces the original message.
	body := strings.NewReader(`{"replace_original":true,"text":"Anna took it over"}`)
	resp, err := http.Post(cb.ResponseURL, "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, _ := f.srv.Message(SharedChanID, ts); got.Text != "Anna took it over" || len(got.Revisions) != 1 {
		t.Errorf("after response_url: %q revisions %d", got.Text, len(got.Revisions))
	}

	ds, err := f.srv.WaitDeliveries(ctx, func(ds []Delivery) bool {
		for _, d := range ds {
			if !d.SocketAcked {
				return false
			}
		}
		return len(ds) == 4
	})
	if err != nil {
		t.Fatalf("%v: %+v", err, ds)
	}
	if string(ds[3].AckPayload) != `{"text":"ok"}` {
		t.Errorf("ack payload = %s", ds[3].AckPayload)
	}

	// An envelope nobody acks is redelivered after the ack timeout.
	if _, err := f.srv.PostUserMessage(UserMessage{Channel: GeneralChanID, User: AMUserID, Text: "unacked"}); err != nil {
		t.Fatal(err)
	}
	first := nextEvent(t, sm, socketmode.EventTypeEventsAPI)
	f.clk.Advance(3 * time.Second)
	again := nextEvent(t, sm, socketmode.EventTypeEventsAPI)
	if again.Request.RetryAttempt != 1 || again.Request.RetryReason != "timeout" || again.Request.EnvelopeID == first.Request.EnvelopeID {
		t.Errorf("redelivery attempt=%d reason=%q envelope %s (first %s)", again.Request.RetryAttempt, again.Request.RetryReason, again.Request.EnvelopeID, first.Request.EnvelopeID)
	}
	a1 := first.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	a2 := again.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if a1.TimeStamp != a2.TimeStamp {
		t.Errorf("redelivered a different event")
	}
	if err := sm.Ack(*again.Request); err != nil {
		t.Fatal(err)
	}

	// Slack asks for a refresh: the client reconnects through a new
	// apps.connections.open and receives hello again.
	f.srv.Disconnect(DisconnectRefresh)
	con := nextEvent(t, sm, socketmode.EventTypeConnected)
	if c := con.Data.(*socketmode.ConnectedEvent); c.ConnectionCount != 1 {
		t.Errorf("reconnect count = %d", c.ConnectionCount)
	}
	nextEvent(t, sm, socketmode.EventTypeHello)
	if n := f.srv.CallCount("apps.connections.open"); n != 2 {
		t.Errorf("apps.connections.open called %d times", n)
	}
	if n := f.srv.ConnectionsOpened(); n != 2 {
		t.Errorf("connections opened %d", n)
	}
	if _, err := f.srv.PostUserMessage(UserMessage{Channel: GeneralChanID, User: AMUserID, Text: "after reconnect"}); err != nil {
		t.Fatal(err)
	}
	api, _ = nextInner(t, sm, "message")
	if e := api.InnerEvent.Data.(*slackevents.MessageEvent); e.Text != "after reconnect" {
		t.Errorf("after reconnect got %q", e.Text)
	}
}

func TestSocketModeQueuesUntilConnectedAndSlashCommands(t *testing.T) {
	f := newFake(t, nil)
	if _, err := f.srv.PostUserMessage(UserMessage{Channel: GeneralChanID, User: SEOUserID, Text: "early"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.SlashCommand(GeneralChanID, AMUserID, "/liaison", "silence ACME 1d"); err != nil {
		t.Fatal(err)
	}
	sm, _ := startSocketMode(t, f)
	nextEvent(t, sm, socketmode.EventTypeHello)
	api, _ := nextInner(t, sm, "message")
	if e := api.InnerEvent.Data.(*slackevents.MessageEvent); e.Text != "early" {
		t.Errorf("queued event = %q", e.Text)
	}
	ev := nextEvent(t, sm, socketmode.EventTypeSlashCommand)
	cmd := ev.Data.(slack.SlashCommand)
	if cmd.Command != "/liaison" || cmd.Text != "silence ACME 1d" || cmd.UserID != AMUserID || cmd.ChannelID != GeneralChanID {
		t.Errorf("slash command = %+v", cmd)
	}
	if !ev.Request.AcceptsResponsePayload {
		t.Errorf("slash command envelope must accept a response payload")
	}
}

func TestSocketModeWarningKeepsConnection(t *testing.T) {
	f := newFake(t, nil)
	raw := dialRaw(t, f)
	defer raw.close()
	if hello := raw.read(t); hello["type"] != "hello" || hello["num_connections"] != float64(1) {
		t.Fatalf("hello = %v", hello)
	}
	f.srv.Disconnect(DisconnectWarning)
	if d := raw.read(t); d["type"] != "disconnect" || d["reason"] != "warning" {
		t.Fatalf("disconnect = %v", d)
	}
	if f.srv.Connections() != 1 {
		t.Errorf("a warning must not drop the connection")
	}
	if _, err := f.srv.PostUserMessage(UserMessage{Channel: GeneralChanID, User: AMUserID, Text: "still here"}); err != nil {
		t.Fatal(err)
	}
	env := raw.read(t)
	if env["type"] != "events_api" || env["envelope_id"] == "" {
		t.Errorf("envelope = %v", env)
	}
	var payload map[string]any
	_ = json.Unmarshal(mustJSON(env["payload"]), &payload)
	if payload["type"] != "event_callback" {
		t.Errorf("payload = %v", payload)
	}
}

func TestSocketTicketsAreSingleUse(t *testing.T) {
	f := newFake(t, nil)
	info, wsURL, err := f.api.StartSocketModeContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(wsURL, "ws://") || !strings.Contains(info.URL, "ticket=") {
		t.Fatalf("url = %s", wsURL)
	}
	httpURL := "http" + strings.TrimPrefix(wsURL, "ws")
	for i, want := range []int{http.StatusUpgradeRequired, http.StatusUnauthorized} {
		// The first plain GET uses the ticket but is no websocket upgrade.
		resp, err := http.Get(httpURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("attempt %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
	bad := slack.New(DefaultBotToken, slack.OptionAPIURL(f.url+"/api/"), slack.OptionAppLevelToken("xapp-1-wrong"))
	if _, _, err := bad.StartSocketModeContext(context.Background()); slackErr(t, err) != "invalid_auth" {
		t.Errorf("wrong app token: %v", err)
	}
}

// rawConn is a bare websocket client, for checking frames slack-go hides.
type rawConn struct {
	c *websocket.Conn
}

func dialRaw(t *testing.T, f fixture) *rawConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, u, err := f.api.StartSocketModeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"https://api.slack.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	return &rawConn{c: c}
}

func (r *rawConn) read(t *testing.T) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := r.c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (r *rawConn) close() { _ = r.c.CloseNow() }

// TestSocketModeSpreadsEventsOverConnections: with several connections open
// (Slack allows up to 10 per app, one per replica), events go to each in
// turn rather than all to one.
func TestSocketModeSpreadsEventsOverConnections(t *testing.T) {
	f := newFake(t, nil)
	a, b := dialRaw(t, f), dialRaw(t, f)
	defer a.close()
	defer b.close()
	a.read(t)
	b.read(t)
	for i := range 4 {
		if _, err := f.srv.PostUserMessage(UserMessage{Channel: GeneralChanID, User: AMUserID, Text: fmt.Sprintf("m%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for name, c := range map[string]*rawConn{"first": a, "second": b} {
		for range 2 {
			if env := c.read(t); env["type"] != "events_api" {
				t.Fatalf("%s connection got %v, want an event", name, env)
			}
		}
	}
}
