package slack

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// discardHandler handles everything and keeps nothing, so that a long fuzz
// run does not grow memory.
type discardHandler struct{}

func (discardHandler) HandleEvent(context.Context, Event) error   { return nil }
func (discardHandler) HandleAction(context.Context, Action) error { return nil }

// fuzzReceiver is an EventsReceiver for a fuzz target, closed at the end.
func fuzzReceiver(f *testing.F) (*EventsReceiver, clock.Clock) {
	clk := clock.NewFake(start)
	e := EventsHandler(secret.Secret(slackfake.DefaultSigningSecret), discardHandler{}, EventsOptions{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clk, QueueSize: 1 << 16,
	})
	f.Cleanup(func() { _ = e.Close(context.Background()) })
	return e, clk
}

// serveSigned posts body as Slack would, correctly signed, so that the
// input reaches the decoding behind the signature check.
func serveSigned(e *EventsReceiver, clk clock.Clock, contentType string, body []byte) int {
	now := clk.Now().Unix()
	r := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	r.Header.Set("X-Slack-Signature", slackfake.Sign(slackfake.DefaultSigningSecret, now, body))
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w.Code
}

// FuzzEventsAPI sends arbitrary signed JSON to the Events API endpoint: it
// must never panic, and must answer 200 (handled, ignored or a repeat) or
// 400 (unreadable), never a server error or a dropped request.
func FuzzEventsAPI(f *testing.F) {
	f.Add(callbackBody("Ev01", "1700000000.000001", "hello"))
	f.Add([]byte(`{"token":"x","challenge":"abc","type":"url_verification"}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev02","event":{"type":"reaction_added","user":"U1","reaction":"question","item":{"type":"message","channel":"C1","ts":"1.2"}}}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev03","event":{"type":"message","subtype":"message_changed","channel":"C1","message":{"ts":"1.2","text":"x"},"previous_message":{"ts":"1.2"}}}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev04","event":{"type":"message","subtype":"message_deleted","channel":"C1","deleted_ts":"1.2"}}`))
	f.Add([]byte(`{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1}`))
	f.Add([]byte(`{"type":"event_callback","event":{"type":"tokens_revoked"}}`))
	f.Add([]byte(`{}`))
	e, clk := fuzzReceiver(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		switch code := serveSigned(e, clk, "application/json", body); code {
		case http.StatusOK, http.StatusBadRequest:
		default:
			t.Fatalf("answered %d to %q", code, body)
		}
	})
}

// FuzzInteraction sends arbitrary signed interactivity payloads (the
// payload field of a form): never a panic, and 200 or 400 only.
func FuzzInteraction(f *testing.F) {
	f.Add(`{"type":"block_actions","trigger_id":"1.2.abc","user":{"id":"U1"},"channel":{"id":"C1"},"message":{"ts":"1.2"},` +
		`"actions":[{"action_id":"liaison.ack","block_id":"b","value":"finding-1","type":"button","action_ts":"1.3"}]}`)
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[]}`)
	f.Add(`{"type":"view_submission","view":{"id":"V1"}}`)
	f.Add(`{"type":"shortcut"}`)
	f.Add(`not json`)
	e, clk := fuzzReceiver(f)
	f.Fuzz(func(t *testing.T, payload string) {
		body := []byte(url.Values{"payload": {payload}}.Encode())
		switch code := serveSigned(e, clk, "application/x-www-form-urlencoded", body); code {
		case http.StatusOK, http.StatusBadRequest:
		default:
			t.Fatalf("answered %d to %q", code, payload)
		}
	})
}
