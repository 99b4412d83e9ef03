package slackfake

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake/spectest"
)

// checkConformance checks every call and event delivery the test made
// against Slack's published specs (see package spectest for the quirks of
// the 2020 snapshot it tolerates). Without the specs it only logs.
func checkConformance(t *testing.T, srv *Server) {
	t.Helper()
	sp, err := spectest.Load()
	if err != nil {
		t.Logf("spec conformance not checked: %v", err)
		return
	}
	for _, c := range srv.Calls() {
		for _, p := range sp.CheckCall(c.Method, c.Args, c.Response) {
			t.Errorf("spec: %s", p)
		}
	}
	for _, d := range srv.Deliveries() {
		if d.Kind != KindEventsAPI {
			continue
		}
		for _, p := range sp.CheckEvent(d.Payload) {
			t.Errorf("spec: %s", p)
		}
	}
}

func TestSpecAvailable(t *testing.T) {
	if _, err := spectest.Load(); err != nil {
		t.Skipf("Slack specs unavailable, conformance checks are skipped: %v", err)
	}
}

// TestSpecCatchesBadResponses proves the validator is not vacuous: answers
// that break the spec are reported.
func TestSpecCatchesBadResponses(t *testing.T) {
	sp, err := spectest.Load()
	if err != nil {
		t.Skipf("Slack specs unavailable: %v", err)
	}
	tests := []struct {
		name   string
		method string
		args   url.Values
		resp   string
	}{
		{"postMessage without ts", "chat.postMessage", nil, `{"ok":true,"channel":"C0GENERAL1","message":{"type":"message","text":"x","ts":"1700000000.000001"}}`},
		{"bad ts format", "chat.postMessage", nil, `{"ok":true,"channel":"C0GENERAL1","ts":"17","message":{"type":"message","text":"x","ts":"17"}}`},
		{"unknown error code", "users.info", nil, `{"ok":false,"error":"no_such_thing"}`},
		{"user without profile", "users.info", nil, `{"ok":true,"user":{"id":"U0ANNAAM01","name":"anna","is_bot":false,"updated":1,"is_app_user":false}}`},
		{"unknown argument", "conversations.history", url.Values{"channel": {"C0GENERAL1"}, "bogus": {"1"}}, `{"ok":false,"error":"channel_not_found"}`},
		{"limit not integer", "conversations.history", url.Values{"limit": {"ten"}}, `{"ok":false,"error":"channel_not_found"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if probs := sp.CheckCall(tt.method, tt.args, json.RawMessage(tt.resp)); len(probs) == 0 {
				t.Errorf("validator accepted a non-conforming call")
			}
		})
	}
	if len(sp.CheckEvent([]byte(`{"type":"event_callback","event":{"type":"message"}}`))) == 0 {
		t.Errorf("validator accepted an event wrapper without token, team_id, event_id, event.event_ts")
	}
}
