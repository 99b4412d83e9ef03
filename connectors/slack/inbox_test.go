package slack

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// memInbox is an Inbox in memory that outlives SocketMode runs, as the
// store outlives a process. holdClaims makes Claim wait for its context,
// as a process killed before handling would; failPuts fails that many Puts.
type memInbox struct {
	mu         sync.Mutex
	entries    []InboxEntry
	claimed    map[string]bool
	holdClaims bool
	failPuts   int
	putFailed  chan struct{}
	puts       int
}

func newMemInbox() *memInbox {
	return &memInbox{claimed: map[string]bool{}, putFailed: make(chan struct{}, 16)}
}

func (b *memInbox) Put(_ context.Context, e InboxEntry) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failPuts > 0 {
		b.failPuts--
		b.putFailed <- struct{}{}
		return errors.New("database is locked")
	}
	b.puts++
	for _, have := range b.entries {
		if have.Key == e.Key {
			return nil
		}
	}
	b.entries = append(b.entries, InboxEntry{Key: e.Key, Kind: e.Kind, Payload: append([]byte(nil), e.Payload...)})
	return nil
}

func (b *memInbox) Claim(ctx context.Context, key string) (bool, error) {
	b.mu.Lock()
	hold := b.holdClaims
	b.mu.Unlock()
	if hold {
		<-ctx.Done()
		return false, ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.entries {
		if e.Key == key && !b.claimed[key] {
			b.claimed[key] = true
			return true, nil
		}
	}
	return false, nil
}

func (b *memInbox) Done(_ context.Context, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, e := range b.entries {
		if e.Key == key {
			b.entries = append(b.entries[:i], b.entries[i+1:]...)
			delete(b.claimed, key)
			return nil
		}
	}
	return nil
}

func (b *memInbox) Pending(context.Context) ([]InboxEntry, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []InboxEntry
	for _, e := range b.entries {
		if !b.claimed[e.Key] {
			out = append(out, e)
		}
	}
	return out, nil
}

func (b *memInbox) keys() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, e := range b.entries {
		out = append(out, e.Key)
	}
	return out
}

func waitAcked(t *testing.T, srv *slackfake.Server, id string, attempts int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := srv.WaitDeliveries(ctx, func(ds []slackfake.Delivery) bool {
		for _, d := range ds {
			if d.ID == id && d.SocketAcked && d.SocketAttempts >= attempts {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("delivery %s not acknowledged after %d attempts: %v", id, attempts, err)
	}
}

// A button click acknowledged to Slack and recorded, but not handled before
// the process stops, is handled once by the next run.
func TestSocketModeHandlesARecordedClickAfterARestart(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff}, nil)
	box := newMemInbox()
	box.holdClaims = true
	sm1, err := NewSocketMode(f.c, SocketOptions{Inbox: box})
	if err != nil {
		t.Fatal(err)
	}
	rec1 := newRecorder()
	stop1 := runSocketMode(t, sm1, rec1)
	ctx := context.Background()

	alert, err := f.c.PostMessage(ctx, deliver.Message{Channel: slackfake.SharedChanID, Text: "client pinged",
		Blocks: json.RawMessage(alertBlocks)})
	if err != nil {
		t.Fatal(err)
	}
	clickID, err := f.srv.ClickButton(slackfake.SharedChanID, alert, slackfake.AMUserID, "take_over")
	if err != nil {
		t.Fatal(err)
	}
	waitAcked(t, f.srv, clickID, 1)
	if err := stop1(); err != nil {
		t.Fatalf("first run: %v", err)
	}
	if _, actions := rec1.snapshot(); len(actions) != 0 {
		t.Fatalf("first run handled %+v; it was stopped before handling", actions)
	}
	if keys := box.keys(); len(keys) != 2 {
		t.Fatalf("inbox after the stop = %v, want the echo of the alert and the click", keys)
	}

	box.mu.Lock()
	box.holdClaims = false
	box.mu.Unlock()
	connected := make(chan struct{}, 1)
	sm2, err := NewSocketMode(f.c, SocketOptions{Inbox: box, OnConnect: func() {
		select {
		case connected <- struct{}{}:
		default:
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	rec2 := newRecorder()
	stop2 := runSocketMode(t, sm2, rec2)
	rec2.waitFor(t, "the click", func(_ []Event, ac []Action) bool { return len(ac) > 0 })
	select {
	case <-connected:
	case <-time.After(15 * time.Second):
		t.Fatal("second run never connected")
	}
	sentinel, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: slackfake.GeneralChanID, User: slackfake.AMUserID, Text: "sentinel"})
	if err != nil {
		t.Fatal(err)
	}
	rec2.waitFor(t, "the sentinel", func(ev []Event, _ []Action) bool { return countEvents(ev, KindMessage, sentinel.TS) > 0 })
	if err := stop2(); err != nil {
		t.Fatalf("second run: %v", err)
	}
	events, actions := rec2.snapshot()
	if len(actions) != 1 || actions[0].ActionID != "take_over" || actions[0].MessageTS != alert {
		t.Errorf("second run actions = %+v, want the click once", actions)
	}
	if n := countEvents(events, KindMessage, alert); n != 1 {
		t.Errorf("echo of the alert handled %d times, want 1", n)
	}
	if keys := box.keys(); len(keys) != 0 {
		t.Errorf("inbox after handling = %v, want empty", keys)
	}
	for _, d := range f.srv.Deliveries() {
		if d.ID == clickID && d.SocketAttempts != 1 {
			t.Errorf("click sent %d times, want 1: it was acknowledged", d.SocketAttempts)
		}
	}
}

// When the inbox cannot record a delivery, it is not acknowledged: Slack
// sends it again, and the redelivery is recorded, acknowledged and handled
// once.
func TestSocketModeDoesNotAckWhatItCouldNotRecord(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff}, nil)
	box := newMemInbox()
	box.failPuts = 1
	sm, err := NewSocketMode(f.c, SocketOptions{Inbox: box})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	stop := runSocketMode(t, sm, rec)

	m, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: slackfake.SharedChanID, User: slackfake.ClientUserID,
		Text: "any news on the report?"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-box.putFailed:
	case <-time.After(15 * time.Second):
		t.Fatal("the inbox was never asked to record the message")
	}
	id := deliveryFor(t, f.srv, m.TS)
	for _, d := range f.srv.Deliveries() {
		if d.ID == id && d.SocketAcked {
			t.Fatal("delivery acknowledged although it was not recorded")
		}
	}
	if ev, _ := rec.snapshot(); len(ev) > 0 {
		t.Fatalf("an unrecorded delivery was handled: %+v", ev)
	}
	f.clk.Advance(3 * time.Second) // past Slack's ack deadline: it sends the envelope again
	waitAcked(t, f.srv, id, 2)
	rec.waitFor(t, "the redelivered message", func(ev []Event, _ []Action) bool { return countEvents(ev, KindMessage, m.TS) > 0 })
	sentinel, err := f.srv.PostUserMessage(slackfake.UserMessage{Channel: slackfake.GeneralChanID, User: slackfake.AMUserID, Text: "sentinel"})
	if err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the sentinel", func(ev []Event, _ []Action) bool { return countEvents(ev, KindMessage, sentinel.TS) > 0 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	events, _ := rec.snapshot()
	if n := countEvents(events, KindMessage, m.TS); n != 1 {
		t.Errorf("message handled %d times, want 1", n)
	}
	if keys := box.keys(); len(keys) != 0 {
		t.Errorf("inbox after handling = %v, want empty", keys)
	}
}

// seenLog is an EventLog that already holds every key: the killed process
// recorded the click as handled when it started handling it.
type seenLog struct{}

func (seenLog) FirstTime(context.Context, string) (bool, error) { return false, nil }
func (seenLog) Forget(context.Context, string) error            { return nil }

// A click whose handling a killed process had started (claimed, and marked
// in the EventLog) is handled again by the next run rather than skipped.
func TestSocketModeHandlesAnInterruptedClickAgain(t *testing.T) {
	f := newFixture(t, &slackfake.Options{RateLimits: slackfake.RateLimitsOff}, nil)
	box := newMemInbox()
	box.holdClaims = true
	sm1, err := NewSocketMode(f.c, SocketOptions{Inbox: box})
	if err != nil {
		t.Fatal(err)
	}
	stop1 := runSocketMode(t, sm1, newRecorder())
	ctx := context.Background()
	alert, err := f.c.PostMessage(ctx, deliver.Message{Channel: slackfake.SharedChanID, Text: "client pinged",
		Blocks: json.RawMessage(alertBlocks)})
	if err != nil {
		t.Fatal(err)
	}
	clickID, err := f.srv.ClickButton(slackfake.SharedChanID, alert, slackfake.AMUserID, "take_over")
	if err != nil {
		t.Fatal(err)
	}
	waitAcked(t, f.srv, clickID, 1)
	if err := stop1(); err != nil {
		t.Fatal(err)
	}
	box.mu.Lock()
	box.holdClaims = false
	for i := range box.entries {
		box.entries[i].Claimed = true // its claim ran out
	}
	box.mu.Unlock()

	sm2, err := NewSocketMode(f.c, SocketOptions{Inbox: box, Events: seenLog{}})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	stop2 := runSocketMode(t, sm2, rec)
	rec.waitFor(t, "the interrupted click", func(_ []Event, ac []Action) bool { return len(ac) > 0 })
	// Stopping waits for the worker, which deletes an entry right after
	// its handling; the echo of the alert, older, went first.
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
	if _, actions := rec.snapshot(); len(actions) != 1 {
		t.Errorf("actions = %+v, want the click once", actions)
	}
	if keys := box.keys(); len(keys) != 0 {
		t.Errorf("inbox after handling = %v, want empty", keys)
	}
}
