package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

func newReceiver(t *testing.T, clk clock.Clock, h Handler, log *syncBuffer) *EventsReceiver {
	t.Helper()
	lg := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := EventsHandler(secret.Secret(slackfake.DefaultSigningSecret), h, EventsOptions{Logger: lg, Clock: clk})
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	return e
}

// signedRequest builds a POST as Slack sends it, signed with key at ts.
func signedRequest(key string, ts time.Time, contentType string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set("X-Slack-Signature", slackfake.Sign(key, ts.Unix(), body))
	return r
}

func callbackBody(eventID, ts, text string) []byte {
	return []byte(fmt.Sprintf(`{"token":"x","team_id":%q,"api_app_id":%q,"type":"event_callback","event_id":%q,
	 "event_time":1700000000,"authorizations":[{"team_id":%q,"user_id":%q,"is_bot":true}],
	 "event":{"type":"message","channel":%q,"channel_type":"channel","user":%q,"text":%q,"ts":%q,"event_ts":%q}}`,
		slackfake.TeamID, slackfake.AppID, eventID, slackfake.TeamID, slackfake.BotUserID, slackfake.GeneralChanID,
		slackfake.AMUserID, text, ts, ts))
}

func TestEventsHandlerVerifiesRequests(t *testing.T) {
	clk := clock.NewFake(start)
	rec := newRecorder()
	log := &syncBuffer{}
	e := newReceiver(t, clk, rec, log)
	now := clk.Now()
	cases := []struct {
		name   string
		key    string
		at     time.Time
		tamper bool
		noSig  bool
		want   int
	}{
		{name: "valid", key: slackfake.DefaultSigningSecret, at: now, want: http.StatusOK},
		{name: "forged signature", key: "not-the-signing-secret-at-all!!", at: now, want: http.StatusUnauthorized},
		{name: "ten minutes old", key: slackfake.DefaultSigningSecret, at: now.Add(-10 * time.Minute), want: http.StatusUnauthorized},
		{name: "ten minutes ahead", key: slackfake.DefaultSigningSecret, at: now.Add(10 * time.Minute), want: http.StatusUnauthorized},
		{name: "body changed after signing", key: slackfake.DefaultSigningSecret, at: now, tamper: true, want: http.StatusUnauthorized},
		{name: "unsigned", at: now, noSig: true, want: http.StatusUnauthorized},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := callbackBody(fmt.Sprintf("Ev%02d", i), fmt.Sprintf("1700000000.0000%02d", i), tc.name)
			r := signedRequest(tc.key, tc.at, "application/json", body)
			if tc.tamper {
				r = signedRequest(tc.key, tc.at, "application/json", body)
				r.Body = io.NopCloser(bytes.NewReader(bytes.Replace(body, []byte(tc.name), []byte("changed"), 1)))
			}
			if tc.noSig {
				r.Header.Del("X-Slack-Signature")
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Errorf("status = %d, want %d", w.Code, tc.want)
			}
		})
	}
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	events, _ := rec.snapshot()
	if len(events) != 1 || events[0].Text != "valid" || events[0].EventID != "Ev00" {
		t.Errorf("handled %+v, want only the valid event", events)
	}
	if strings.Contains(log.String(), slackfake.DefaultSigningSecret) {
		t.Error("the signing secret leaked into the logs")
	}
}

func TestEventsHandlerURLVerification(t *testing.T) {
	clk := clock.NewFake(start)
	rec := newRecorder()
	e := newReceiver(t, clk, rec, &syncBuffer{})
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	w := httptest.NewRecorder()
	e.ServeHTTP(w, signedRequest(slackfake.DefaultSigningSecret, clk.Now(), "application/json", body))
	var got struct{ Challenge string }
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &got) != nil ||
		got.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("answer %d %s", w.Code, w.Body)
	}
	// The challenge is signed like everything else.
	w = httptest.NewRecorder()
	e.ServeHTTP(w, signedRequest("wrong-secret-wrong-secret-wrong!", clk.Now(), "application/json", body))
	if w.Code != http.StatusUnauthorized {
		t.Errorf("unsigned challenge answered %d", w.Code)
	}
}

func TestEventsHandlerRejectsOtherMethodsAndHugeBodies(t *testing.T) {
	clk := clock.NewFake(start)
	e := newReceiver(t, clk, newRecorder(), &syncBuffer{})
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/slack/events", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET answered %d", w.Code)
	}
	big := bytes.Repeat([]byte("x"), DefaultMaxBodyBytes+1)
	w = httptest.NewRecorder()
	e.ServeHTTP(w, signedRequest(slackfake.DefaultSigningSecret, clk.Now(), "application/json", big))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("huge body answered %d", w.Code)
	}
}

// TestEventsHandlerAnswersOversizedBodiesOverTheWire sends bodies past the
// limit over a real connection, declared, chunked and behind
// Expect: 100-continue: each gets a 413 the client reads, and a log line.
func TestEventsHandlerAnswersOversizedBodiesOverTheWire(t *testing.T) {
	clk := clock.NewFake(start)
	log := &syncBuffer{}
	e := newReceiver(t, clk, newRecorder(), log)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	big := bytes.Repeat([]byte("x"), 3*DefaultMaxBodyBytes)
	cases := []struct {
		name    string
		request func() *http.Request
	}{
		{"declared length", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/events", bytes.NewReader(big))
			return r
		}},
		{"chunked", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/events", io.MultiReader(bytes.NewReader(big)))
			return r
		}},
		{"expect 100-continue", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/events", bytes.NewReader(big))
			r.Header.Set("Expect", "100-continue")
			return r
		}},
	}
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := strings.Count(log.String(), "body too large")
			r := tc.request()
			now := clk.Now().Unix()
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
			r.Header.Set("X-Slack-Signature", slackfake.Sign(slackfake.DefaultSigningSecret, now, big))
			resp, err := client.Do(r)
			if err != nil {
				t.Fatalf("the client got no answer: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("answered %d, want 413", resp.StatusCode)
			}
			if after := strings.Count(log.String(), "body too large"); after != before+1 {
				t.Errorf("%d log lines about the body, want 1; log:\n%s", after-before, log.String())
			}
		})
	}
}

// TestEventsAPIFromFake has the fake deliver over HTTP. The first attempt
// is processed but its answer is lost (500), so Slack retries with
// X-Slack-Retry-Num; the retry must be acknowledged and not handled again.
func TestEventsAPIFromFake(t *testing.T) {
	clk := clock.NewFake(start)
	rec := newRecorder()
	log := &syncBuffer{}
	e := newReceiver(t, clk, rec, log)
	var (
		attempts  atomic.Int32
		mu        sync.Mutex
		retryNums []string
	)
	mux := http.NewServeMux()
	mux.HandleFunc("/slack/events", func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) == 1 {
			e.ServeHTTP(httptest.NewRecorder(), r)
			http.Error(w, "lost", http.StatusInternalServerError)
			return
		}
		mu.Lock()
		retryNums = append(retryNums, r.Header.Get("X-Slack-Retry-Num"))
		mu.Unlock()
		e.ServeHTTP(w, r)
	})
	mux.Handle("/slack/interactive", e)
	app := httptest.NewServer(mux)
	t.Cleanup(app.Close)

	srv, _ := slackfake.NewServer(t, &slackfake.Options{Clock: clk, RateLimits: slackfake.RateLimitsOff, DisableSocketMode: true,
		SigningSecret: slackfake.DefaultSigningSecret, EventsURL: app.URL + "/slack/events",
		InteractivityURL: app.URL + "/slack/interactive"})

	m, err := srv.PostUserMessage(slackfake.UserMessage{Channel: slackfake.SharedChanID, User: slackfake.ClientUserID,
		Text: "hello <@" + slackfake.BotUserID + ">"})
	if err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "message and mention", func(ev []Event, _ []Action) bool {
		return countEvents(ev, KindMessage, m.TS) > 0 && countEvents(ev, KindAppMention, m.TS) > 0
	})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ds, err := srv.WaitDeliveries(ctx, func(ds []slackfake.Delivery) bool {
		for _, d := range ds {
			if !d.HTTPAcked {
				return false
			}
		}
		return len(ds) == 2
	})
	if err != nil {
		t.Fatalf("deliveries not acknowledged: %+v", ds)
	}
	// Message and mention travel concurrently; either may be the one
	// whose first answer was lost.
	var statuses []string
	for _, d := range ds {
		statuses = append(statuses, fmt.Sprint(d.HTTPStatuses))
	}
	slices.Sort(statuses)
	mu.Lock()
	slices.Sort(retryNums)
	if fmt.Sprint(statuses) != "[[200] [500 200]]" || fmt.Sprint(retryNums) != "[ 1]" {
		t.Errorf("delivery statuses %v, retry headers %q", statuses, retryNums)
	}
	mu.Unlock()

	// A button on a bot message the fake stores directly, then a click.
	ts := postButton(t, srv)
	if _, err := srv.ClickButton(slackfake.SharedChanID, ts, slackfake.AMUserID, "take_over"); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the click", func(_ []Event, ac []Action) bool { return len(ac) == 1 })
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	events, actions := rec.snapshot()
	for _, k := range []EventKind{KindMessage, KindAppMention} {
		if n := countEvents(events, k, m.TS); n != 1 {
			t.Errorf("%s handled %d times, want 1", k, n)
		}
	}
	if a := actions[0]; a.ActionID != "take_over" || a.MessageTS != ts || a.UserID != slackfake.AMUserID {
		t.Errorf("action = %+v", a)
	}
	if !strings.Contains(log.String(), "already handled") {
		t.Errorf("the retry was not recognised as one; log:\n%s", log.String())
	}
}

// postButton posts our alert through the Web API of srv with a plain
// slack-go-free request, so this test needs no Client.
func postButton(t *testing.T, srv *slackfake.Server) string {
	t.Helper()
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	form := url.Values{"token": {slackfake.DefaultBotToken}, "channel": {slackfake.SharedChanID}, "text": {"alert"},
		"blocks": {alertBlocks}}
	resp, err := http.PostForm(hs.URL+"/api/chat.postMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
		TS    string `json:"ts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || !out.OK {
		t.Fatalf("posting the alert: %v %+v", err, out)
	}
	return out.TS
}

func TestEventsHandlerRefusesWhenFullAndAcceptsTheRetry(t *testing.T) {
	clk := clock.NewFake(start)
	block := make(chan struct{})
	h := &blockingHandler{recorder: newRecorder(), block: block}
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := EventsHandler(secret.Secret(slackfake.DefaultSigningSecret), h, EventsOptions{Logger: lg, Clock: clk, QueueSize: 1})
	send := func(id string) int {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, signedRequest(slackfake.DefaultSigningSecret, clk.Now(), "application/json",
			callbackBody(id, "1700000000.000001", id)))
		return w.Code
	}
	// The worker takes Ev1 and blocks in the handler; Ev2 fills the queue.
	if c := send("Ev1"); c != http.StatusOK {
		t.Fatalf("Ev1: %d", c)
	}
	h.waitStarted(t)
	if c := send("Ev2"); c != http.StatusOK {
		t.Fatalf("Ev2: %d", c)
	}
	if c := send("Ev3"); c != http.StatusServiceUnavailable {
		t.Errorf("Ev3 with a full queue: %d, want 503", c)
	}
	close(block)
	h.waitFor(t, "Ev1 and Ev2", func(ev []Event, _ []Action) bool { return len(ev) == 2 })
	if c := send("Ev3"); c != http.StatusOK {
		t.Errorf("Ev3 retried: %d, want 200", c)
	}
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	events, _ := h.snapshot()
	var ids []string
	for _, ev := range events {
		ids = append(ids, ev.EventID)
	}
	if fmt.Sprint(ids) != "[Ev1 Ev2 Ev3]" {
		t.Errorf("handled %v", ids)
	}
	if c := send("Ev4"); c != http.StatusServiceUnavailable {
		t.Errorf("after Close: %d, want 503", c)
	}
}

type blockingHandler struct {
	*recorder
	block   chan struct{}
	started atomic.Bool
}

func (b *blockingHandler) HandleEvent(ctx context.Context, e Event) error {
	b.started.Store(true)
	b.poke()
	<-b.block
	return b.recorder.HandleEvent(ctx, e)
}

func (b *blockingHandler) waitStarted(t *testing.T) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for !b.started.Load() {
		select {
		case <-b.changed:
		case <-deadline:
			t.Fatal("handler never started")
		}
	}
}
