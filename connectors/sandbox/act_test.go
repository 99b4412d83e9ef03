package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// call sends a JSON request to the sandbox and returns the status and the
// decoded body.
func (e *env) call(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.httpc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// eventsOf returns the payloads of the deliveries whose JSON mentions needle.
func eventsOf(e *env, kind, needle string) []string {
	var out []string
	for _, d := range e.sb.Slack().Deliveries() {
		if d.Kind == kind && strings.Contains(string(d.Payload), needle) {
			out = append(out, string(d.Payload))
		}
	}
	return out
}

// TestActAsPerson plays a person through the sandbox's routes: post, edit,
// react, press a button on the bot's message, delete; each reaches the
// daemon's side as the event or interactivity payload Slack sends, and
// what Slack refuses is refused.
func TestActAsPerson(t *testing.T) {
	e := start(t, mustParse(t, minimal), nil)
	sc := e.sb.Scenario()
	ch, petro, oleh, anna := sc.channels["acme"], sc.slackIDs["petro"], sc.slackIDs["oleh"], sc.slackIDs["anna"]

	code, msg := e.call(t, "POST", "/_sandbox/slack/messages", `{"channel": "acme", "user": "petro", "text": "hi, a question"}`)
	if code != http.StatusCreated || msg["user"] != petro || msg["channel"] != ch {
		t.Fatalf("posting as petro: %d %v", code, msg)
	}
	ts := msg["ts"].(string)
	if len(eventsOf(e, slackfake.KindEventsAPI, `"ts":"`+ts+`"`)) != 1 {
		t.Error("no message event for the post")
	}

	e.clk.Advance(time.Minute)
	code, msg = e.call(t, "PATCH", "/_sandbox/slack/messages/"+ch+"/"+ts, `{"text": "<@oleh> hi, a question"}`)
	if code != http.StatusOK || msg["text"] != "<@"+oleh+"> hi, a question" || len(msg["edits"].([]any)) != 1 {
		t.Fatalf("editing: %d %v", code, msg)
	}
	changed := eventsOf(e, slackfake.KindEventsAPI, `"subtype":"message_changed"`)
	if len(changed) != 1 || !strings.Contains(changed[0], `"previous_message"`) || !strings.Contains(changed[0], `"edited"`) {
		t.Errorf("message_changed events: %v", changed)
	}
	if code, msg := e.call(t, "PATCH", "/_sandbox/slack/messages/"+ch+"/"+ts, `{"text": "mine now", "user": "anna"}`); code != http.StatusForbidden {
		t.Errorf("editing someone else's message: %d %v, want 403", code, msg)
	}

	if code, msg := e.call(t, "POST", "/_sandbox/slack/reactions", `{"channel": "`+ch+`", "ts": "`+ts+`", "user": "anna", "name": ":question:"}`); code != http.StatusCreated {
		t.Fatalf("reacting: %d %v", code, msg)
	}
	if len(eventsOf(e, slackfake.KindEventsAPI, `"reaction":"question"`)) != 1 {
		t.Error("no reaction_added event")
	}

	// Liaison's alert with buttons, posted through the Web API as the bot.
	form := url.Values{"token": {slackfake.DefaultBotToken}, "channel": {ch}, "text": {"alert"},
		"blocks": {`[{"type":"actions","block_id":"finding/k1","elements":[{"type":"button","action_id":"liaison_ack","text":{"type":"plain_text","text":"Acknowledge"},"value":"k1"}]}]`}}
	resp, err := e.httpc.PostForm(e.base+"/api/chat.postMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	code, msg = e.call(t, "POST", "/_sandbox/slack/actions", `{"user": "anna", "action_id": "liaison_ack", "channel": "acme"}`)
	if code != http.StatusAccepted || msg["channel"] != ch {
		t.Fatalf("pressing Acknowledge: %d %v", code, msg)
	}
	pressed := eventsOf(e, slackfake.KindInteractive, `"action_id":"liaison_ack"`)
	if len(pressed) != 1 || !strings.Contains(pressed[0], `"value":"k1"`) || !strings.Contains(pressed[0], `"id":"`+anna+`"`) {
		t.Errorf("block_actions payloads: %v", pressed)
	}
	if code, _ := e.call(t, "POST", "/_sandbox/slack/actions", `{"user": "anna", "action_id": "liaison_snooze", "channel": "acme"}`); code != http.StatusNotFound {
		t.Errorf("pressing a button no message has: %d, want 404", code)
	}

	if code, msg := e.call(t, "DELETE", "/_sandbox/slack/messages/"+ch+"/"+ts, ""); code != http.StatusOK {
		t.Fatalf("deleting: %d %v", code, msg)
	}
	if _, ok := e.sb.Slack().Message(ch, ts); ok {
		t.Error("the deleted message is still in history")
	}
	if len(eventsOf(e, slackfake.KindEventsAPI, `"deleted_ts":"`+ts+`"`)) != 1 {
		t.Error("no message_deleted event")
	}

	for _, bad := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/_sandbox/slack/messages", `{"channel": "acme", "user": "petro", "txt": "typo"}`, http.StatusBadRequest},
		{"POST", "/_sandbox/slack/messages", `{"channel": "acme", "user": "petro"}`, http.StatusBadRequest},
		{"POST", "/_sandbox/slack/messages", `{"channel": "zeta", "user": "petro", "text": "hi"}`, http.StatusNotFound},
		{"POST", "/_sandbox/slack/messages", `{"channel": "acme", "user": "nobody", "text": "hi"}`, http.StatusNotFound},
		{"PATCH", "/_sandbox/slack/messages/" + ch + "/1.000001", `{"text": "x"}`, http.StatusNotFound},
	} {
		if code, msg := e.call(t, bad.method, bad.path, bad.body); code != bad.want || msg["error"] == "" {
			t.Errorf("%s %s %s: %d %v, want %d with an error", bad.method, bad.path, bad.body, code, msg, bad.want)
		}
	}
}

// TestScenarioActivity replays a scenario's edits, reactions and deletions
// at their offsets after its messages.
func TestScenarioActivity(t *testing.T) {
	sc := mustParse(t, minimal+`activity:
  - {at: +3m, edit: first, text: "<@oleh> hi, about the keyword map"}
  - {at: +4m, user: oleh, react: first, reaction: eyes}
  - {at: +5m, delete: first}
`)
	e := start(t, sc, nil)
	ch := e.sb.Scenario().channels["acme"]
	if _, err := e.sb.ReplayDue(testStart.Add(2 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	first := e.sb.Slack().Messages(ch)[0]
	if _, err := e.sb.ReplayDue(testStart.Add(4 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	m, _ := e.sb.Slack().Message(ch, first.TS)
	if !strings.HasSuffix(m.Text, "about the keyword map") || m.Edited == nil || len(m.Reactions) != 1 {
		t.Fatalf("after +4m: %+v; want it edited and reacted to", m)
	}
	if next, ok := e.sb.NextReplay(); !ok || !next.Equal(testStart.Add(5*time.Minute)) {
		t.Errorf("next replay %v %v, want the deletion at +5m", next, ok)
	}
	if _, err := e.sb.ReplayDue(testStart.Add(5 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	if m, _ := e.sb.Slack().Message(ch, first.TS); m.Subtype != "tombstone" {
		t.Errorf("the deleted thread parent is %+v, want a tombstone", m)
	}
}
