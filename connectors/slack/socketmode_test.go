package slack

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// ackGate holds back the ack of the next envelope once armed, so that a test
// can make the fake redeliver it deterministically.
type ackGate struct {
	mu      sync.Mutex
	armed   bool
	held    chan string
	release chan struct{}
}

func newAckGate() *ackGate { return &ackGate{held: make(chan string, 1)} }

func (g *ackGate) arm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed, g.release = true, make(chan struct{})
}

func (g *ackGate) beforeAck(id string) {
	g.mu.Lock()
	armed, release := g.armed, g.release
	g.armed = false
	g.mu.Unlock()
	if armed {
		g.held <- id
		<-release
	}
}

// redeliverHeld waits for the gate to hold an envelope, advances the fake
// clock past Slack's ack timeout so that the fake sends it again, waits
// for that second attempt, and lets the first ack go.
func (g *ackGate) redeliverHeld(t *testing.T, f *fixture, deliveryID string) {
	t.Helper()
	select {
	case <-g.held:
	case <-time.After(15 * time.Second):
		t.Fatal("no envelope reached the ack gate")
	}
	f.clk.Advance(3 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := f.srv.WaitDeliveries(ctx, func(ds []slackfake.Delivery) bool {
		for _, d := range ds {
			if d.ID == deliveryID && d.SocketAttempts >= 2 {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("delivery %s was not redelivered: %v", deliveryID, err)
	}
	g.mu.Lock()
	close(g.release)
	g.mu.Unlock()
}

// deliveryFor finds the events_api delivery of the message event at ts.
func deliveryFor(t *testing.T, srv *slackfake.Server, ts string) string {
	t.Helper()
	for _, d := range srv.Deliveries() {
		var p struct {
			Event struct {
				Type string `json:"type"`
				TS   string `json:"ts"`
			} `json:"event"`
		}
		if d.Kind == slackfake.KindEventsAPI && json.Unmarshal(d.Payload, &p) == nil && p.Event.Type == "message" && p.Event.TS == ts {
			return d.ID
		}
	}
	t.Fatalf("no delivery for message %s", ts)
	return ""
}

func runSocketMode(t *testing.T, sm *SocketMode, h Handler) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sm.Run(ctx, h) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(15 * time.Second):
				t.Error("SocketMode.Run did not return after cancel")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func TestSocketModeHandlesEachEventOnceDespiteRedelivery(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff}, nil)
	sm, err := NewSocketMode(f.c, SocketOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gate := newAckGate()
	sm.beforeAck = gate.beforeAck
	rec := newRecorder()
	stop := runSocketMode(t, sm, rec)
	ctx := context.Background()

	// A client writes; the first envelope's ack is held until the fake has
	// sent the event again under a new envelope.
	gate.arm()
	m, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: slackfake.SharedChanID, User: slackfake.ClientUserID,
		Text: "any news on the report?"})
	if err != nil {
		t.Fatal(err)
	}
	gate.redeliverHeld(t, f, deliveryFor(t, f.srv, m.TS))
	rec.waitFor(t, "the client's message", func(ev []Event, _ []Action) bool { return countEvents(ev, KindMessage, m.TS) > 0 })

	// Our alert, with a button; Slack echoes it back as an event.
	alert, err := f.c.PostMessage(ctx, deliver.Message{Channel: slackfake.SharedChanID, Text: "client pinged",
		Blocks: json.RawMessage(alertBlocks)})
	if err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "our own message", func(ev []Event, _ []Action) bool { return countEvents(ev, KindMessage, alert) > 0 })

	// The AM clicks; that envelope is redelivered too.
	gate.arm()
	clickID, err := f.srv.ClickButton(slackfake.SharedChanID, alert, slackfake.AMUserID, "take_over")
	if err != nil {
		t.Fatal(err)
	}
	gate.redeliverHeld(t, f, clickID)
	rec.waitFor(t, "the click", func(_ []Event, ac []Action) bool { return len(ac) > 0 })

	// Everything before the sentinel has been through the one worker once
	// the sentinel is handled.
	sentinel, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: slackfake.GeneralChanID, User: slackfake.AMUserID, Text: "sentinel"})
	if err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the sentinel", func(ev []Event, _ []Action) bool { return countEvents(ev, KindMessage, sentinel.TS) > 0 })

	events, actions := rec.snapshot()
	if n := countEvents(events, KindMessage, m.TS); n != 1 {
		t.Errorf("client message handled %d times, want 1", n)
	}
	for _, e := range events {
		switch e.TS {
		case m.TS:
			if e.User != slackfake.ClientUserID || e.UserTeam != slackfake.ClientTeamID || e.Channel != slackfake.SharedChanID ||
				e.ChannelType != "channel" || !e.ExtShared || e.Own || e.BotID != "" || e.Text != "any news on the report?" ||
				e.TeamID != slackfake.TeamID || e.EventID == "" {
				t.Errorf("client message event = %+v", e)
			}
		case alert:
			if !e.Own || e.BotID != slackfake.BotID || e.User != slackfake.BotUserID {
				t.Errorf("own message event = %+v", e)
			}
		}
	}
	if len(actions) != 1 {
		t.Fatalf("actions = %+v, want one", actions)
	}
	a := actions[0]
	if a.ActionID != "take_over" || a.Value != "redirect/ACME/1" || a.UserID != slackfake.AMUserID || a.TeamID != slackfake.TeamID ||
		a.ChannelID != slackfake.SharedChanID || a.MessageTS != alert || a.ResponseURL == "" || a.TriggerID == "" || a.BlockID != "act" {
		t.Errorf("action = %+v", a)
	}
	// Acks travel on their own; wait for the fake to have them all.
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ds, err := f.srv.WaitDeliveries(wctx, func(ds []slackfake.Delivery) bool {
		for _, d := range ds {
			if !d.SocketAcked {
				return false
			}
		}
		return true
	})
	if err != nil {
		for _, d := range ds {
			if !d.SocketAcked {
				t.Errorf("delivery %s (%s) never acknowledged", d.ID, d.Kind)
			}
		}
	}
	if err := stop(); err != nil {
		t.Errorf("Run returned %v after cancel, want nil", err)
	}
}

func TestSocketModeReconnectsAfterDisconnect(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff}, nil)
	sm, err := NewSocketMode(f.c, SocketOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	runSocketMode(t, sm, rec)
	post := func(text string) string {
		t.Helper()
		m, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: slackfake.GeneralChanID, User: slackfake.AMUserID, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		rec.waitFor(t, text, func(ev []Event, _ []Action) bool { return countEvents(ev, KindMessage, m.TS) == 1 })
		return m.TS
	}
	post("before")
	f.srv.Disconnect(slackfake.DisconnectRefresh)
	post("after")
	if n := f.srv.ConnectionsOpened(); n != 2 {
		t.Errorf("connections opened = %d, want 2", n)
	}
	if n := f.srv.CallCount("apps.connections.open"); n != 2 {
		t.Errorf("apps.connections.open called %d times, want 2", n)
	}
}

func TestSocketModeStopsOnRevokedAppToken(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff}, nil)
	f.srv.RevokeToken(slackfake.DefaultAppToken)
	sm, err := NewSocketMode(f.c, SocketOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sm.Run(context.Background(), newRecorder()) }()
	select {
	case err := <-done:
		if !deliver.IsPermanent(err) || !strings.Contains(err.Error(), "token_revoked") {
			t.Errorf("Run = %v, want a permanent token_revoked error", err)
		}
		if strings.Contains(err.Error(), slackfake.DefaultAppToken) || strings.Contains(f.log.String(), slackfake.DefaultAppToken) {
			t.Error("the app token leaked into the error or the logs")
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("Run kept going with a revoked token; log:\n%s", f.log.String())
	}
}

func TestNewSocketModeNeedsAppToken(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff}, nil)
	cfg := f.c.cfg
	cfg.AppToken = ""
	c, err := New(cfg, Options{Clock: f.clk})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSocketMode(c, SocketOptions{}); err == nil {
		t.Error("NewSocketMode accepted a client without an app token")
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempt int
		want    time.Duration
	}{{0, time.Second}, {1, 2 * time.Second}, {3, 8 * time.Second}, {10, time.Minute}, {100, time.Minute}}
	for _, tc := range cases {
		if got := backoff(time.Second, time.Minute, tc.attempt); got != tc.want {
			t.Errorf("backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
}
