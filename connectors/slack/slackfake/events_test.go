package slackfake

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/liaisonhq/liaison/clock"
)

// received is one HTTP delivery as the receiving app saw it.
type received struct {
	header http.Header
	body   []byte
}

// receiver is an app's Request URL; answer decides each attempt's status
// (0 means block until the request is cancelled).
type receiver struct {
	mu     sync.Mutex
	got    chan received
	answer func(n int) int
	n      int
}

func newReceiver(t *testing.T, answer func(n int) int) (*receiver, string) {
	t.Helper()
	rc := &receiver{got: make(chan received, 16), answer: answer}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		n := rc.n
		rc.n++
		rc.mu.Unlock()
		rc.got <- received{header: r.Header.Clone(), body: body}
		status := rc.answer(n)
		if status == 0 {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(hs.Close)
	return rc, hs.URL
}

func (rc *receiver) next(t *testing.T) received {
	t.Helper()
	select {
	case r := <-rc.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery within 10s")
		return received{}
	}
}

func TestEventsOverHTTPAreSignedAndVerifiable(t *testing.T) {
	// slack-go's verifier rejects timestamps older than five minutes, so
	// this clock stands at the real time.
	clk := clock.NewFake(time.Now())
	rc, target := newReceiver(t, func(int) int { return http.StatusOK })
	srv, _ := NewServer(t, &Options{Clock: clk, EventsURL: target, DisableSocketMode: true, RateLimits: RateLimitsOff})
	t.Cleanup(func() { checkConformance(t, srv) })

	m, err := srv.PostUserMessage(UserMessage{Channel: SharedChanID, User: ClientUserID, Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	r := rc.next(t)
	sv, err := slack.NewSecretsVerifier(r.header, DefaultSigningSecret)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = sv.Write(r.body)
	if err := sv.Ensure(); err != nil {
		t.Errorf("slack-go rejects the signature: %v", err)
	}
	if ts := r.header.Get("X-Slack-Request-Timestamp"); ts != strconv.FormatInt(clk.Now().Unix(), 10) {
		t.Errorf("timestamp header %s", ts)
	}
	if r.header.Get("X-Slack-Retry-Num") != "" {
		t.Errorf("first attempt carries retry headers")
	}
	ev, err := slackevents.ParseEvent(r.body, slackevents.OptionVerifyToken(&slackevents.TokenComparator{VerificationToken: DefaultVerificationToken}))
	if err != nil {
		t.Fatal(err)
	}
	msg := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if msg.TimeStamp != m.TS || msg.User != ClientUserID || msg.SourceTeam != ClientTeamID {
		t.Errorf("event = %+v", msg)
	}
	var wrapper map[string]any
	_ = json.Unmarshal(r.body, &wrapper)
	if wrapper["is_ext_shared_channel"] != true {
		t.Errorf("is_ext_shared_channel = %v", wrapper["is_ext_shared_channel"])
	}
	if Sign("other-secret", clk.Now().Unix(), r.body) == r.header.Get("X-Slack-Signature") {
		t.Errorf("signature does not depend on the secret")
	}

	if err := srv.AddReaction(SharedChanID, m.TS, AMUserID, "question"); err != nil {
		t.Fatal(err)
	}
	r = rc.next(t)
	ev, err = slackevents.ParseEvent(r.body, slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	re := ev.InnerEvent.Data.(*slackevents.ReactionAddedEvent)
	if re.User != AMUserID || re.Reaction != "question" || re.ItemUser != ClientUserID || re.Item.Timestamp != m.TS || re.Item.Channel != SharedChanID {
		t.Errorf("reaction_added = %+v", re)
	}
}

func TestEventsOverHTTPRetries(t *testing.T) {
	tests := []struct {
		name    string
		answers []int
		reasons []string
	}{
		{"error then ok", []int{500, 200}, []string{"", "http_error"}},
		{"timeout then ok", []int{0, 200}, []string{"", "http_timeout"}},
		{"three errors then ok, waiting a minute and five", []int{503, 500, 500, 200}, []string{"", "http_error", "http_error", "http_error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(epoch)
			rc, target := newReceiver(t, func(n int) int { return tt.answers[min(n, len(tt.answers)-1)] })
			srv, _ := NewServer(t, &Options{Clock: clk, EventsURL: target, DisableSocketMode: true, RateLimits: RateLimitsOff})
			if _, err := srv.PostUserMessage(UserMessage{Channel: GeneralChanID, User: AMUserID, Text: "x"}); err != nil {
				t.Fatal(err)
			}
			var first string
			for i, want := range tt.reasons {
				var r received
				if i < 2 {
					r = rc.next(t)
				} else {
					r = advanceUntil(t, clk, rc, srv, i)
				}
				if i == 0 {
					first = string(r.body)
				}
				if got := r.header.Get("X-Slack-Retry-Reason"); got != want {
					t.Errorf("attempt %d reason %q, want %q", i, got, want)
				}
				if want != "" && r.header.Get("X-Slack-Retry-Num") != strconv.Itoa(i) {
					t.Errorf("attempt %d retry num %q", i, r.header.Get("X-Slack-Retry-Num"))
				}
				if string(r.body) != first {
					t.Errorf("retry changed the body")
				}
				if tt.answers[i] == 0 {
					clk.Advance(3 * time.Second)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ds, err := srv.WaitDeliveries(ctx, func(ds []Delivery) bool { return len(ds) == 1 && ds[0].HTTPAcked })
			if err != nil {
				t.Fatalf("%v: %+v", err, ds)
			}
			if len(ds[0].HTTPStatuses) != len(tt.answers) {
				t.Errorf("statuses %v", ds[0].HTTPStatuses)
			}
		})
	}
}

// advanceUntil moves the fake clock a minute at a time until the next
// delivery arrives: the retry waits on the clock, and the test cannot know
// exactly when the wait began. It first waits (in real time) until the fake
// has recorded the answers to the attempts made so far: moving the clock
// while an answer is still on the wire would fire that attempt's ack
// timeout and turn an error into a timeout.
func advanceUntil(t *testing.T, clk *clock.Fake, rc *receiver, srv *Server, attempts int) received {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for recorded := 0; recorded < attempts; {
		if ds := srv.Deliveries(); len(ds) > 0 {
			recorded = len(ds[0].HTTPStatuses)
		}
		select {
		case <-deadline:
			t.Fatalf("the fake never recorded %d answers", attempts)
		case <-time.After(time.Millisecond):
		}
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case r := <-rc.got:
			return r
		case <-tick.C:
			clk.Advance(time.Minute)
		case <-deadline:
			t.Fatal("no retry within 10s")
		}
	}
}

func TestInteractivityOverHTTP(t *testing.T) {
	clk := clock.NewFake(epoch)
	rc, target := newReceiver(t, func(int) int { return http.StatusOK })
	srv, _ := NewServer(t, &Options{Clock: clk, InteractivityURL: target, DisableSocketMode: true, RateLimits: RateLimitsOff, SuppressOwnEvents: true})
	srv.mu.Lock()
	ts := srv.st.nextTS()
	srv.st.appendMessage(&Message{Channel: GeneralChanID, TS: ts, User: BotUserID, BotID: BotID, Text: "alert",
		Blocks: json.RawMessage(`[{"type":"section","block_id":"s1","text":{"type":"mrkdwn","text":"x"},"accessory":{"type":"button","action_id":"snooze","value":"1d","text":{"type":"plain_text","text":"Snooze"}}}]`)})
	srv.mu.Unlock()
	if _, err := srv.ClickButton(GeneralChanID, ts, AMUserID, "snooze"); err != nil {
		t.Fatal(err)
	}
	r := rc.next(t)
	if r.header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.header.Get("X-Slack-Signature") != Sign(DefaultSigningSecret, epoch.Unix(), r.body) {
		t.Errorf("headers %v", r.header)
	}
	form, err := url.ParseQuery(string(r.body))
	if err != nil {
		t.Fatal(err)
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		t.Fatal(err)
	}
	if a := cb.ActionCallback.BlockActions; len(a) != 1 || a[0].ActionID != "snooze" || a[0].Value != "1d" || a[0].BlockID != "s1" {
		t.Errorf("actions = %+v", a)
	}
	if _, err := srv.ClickButton(GeneralChanID, ts, AMUserID, "nope"); err == nil {
		t.Errorf("clicking a missing action must fail")
	}
}
