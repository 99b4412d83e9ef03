package slackfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestJSONBodies(t *testing.T) {
	f := newFake(t, nil)
	post := func(method, ctype, auth, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, f.url+"/api/"+method, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	body := `{"channel":"C0GENERAL1","text":"json","blocks":[{"type":"divider"}],"metadata":{"event_type":"e","event_payload":{"a":1}}}`
	out := post("chat.postMessage", "application/json; charset=utf-8", DefaultBotToken, body)
	if out["ok"] != true || out["warning"] != nil {
		t.Fatalf("json post: %v", out)
	}
	msgs := f.srv.Messages(GeneralChanID)
	if len(msgs) != 1 || string(msgs[0].Blocks) != `[{"type":"divider"}]` || msgs[0].Metadata == nil {
		t.Errorf("json post stored %+v", msgs)
	}
	out = post("chat.postMessage", "application/json", DefaultBotToken, `{"channel":"C0GENERAL1","text":"no charset"}`)
	rm, _ := out["response_metadata"].(map[string]any)
	if out["ok"] != true || out["warning"] != "missing_charset" || rm == nil {
		t.Errorf("missing charset warning absent: %v", out)
	}
	// Slack ignores JSON bodies for methods that take only form arguments.
	out = post("conversations.history", "application/json; charset=utf-8", DefaultBotToken, `{"channel":"C0GENERAL1"}`)
	if out["error"] != "channel_not_found" {
		t.Errorf("history with JSON body: %v", out)
	}
	// A token inside a JSON body is not read.
	out = post("chat.postMessage", "application/json; charset=utf-8", "", `{"token":"`+DefaultBotToken+`","channel":"C0GENERAL1","text":"x"}`)
	if out["error"] != "not_authed" {
		t.Errorf("token in JSON body: %v", out)
	}
	out = post("chat.postMessage", "application/json; charset=utf-8", DefaultBotToken, `[1]`)
	if out["error"] != "json_not_object" {
		t.Errorf("array body: %v", out)
	}
}

func TestUnknownMethodAndVerb(t *testing.T) {
	f := newFake(t, nil)
	status, body := postForm(t, f.url, "chat.nope", url.Values{"token": {DefaultBotToken}})
	if status != http.StatusNotFound || body["error"] != "unknown_method" {
		t.Errorf("unknown method: %d %v", status, body)
	}
	resp, err := http.Get(f.url + "/api/chat.postMessage?channel=C0GENERAL1&text=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET chat.postMessage: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, f.url+"/api/users.info?user="+AMUserID, nil)
	req.Header.Set("Authorization", "Bearer "+DefaultBotToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"ok":true`) {
		t.Errorf("GET users.info: %s", b)
	}
	if resp, err := http.Get(f.url + "/nowhere"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path answered %v %v", resp, err)
	}
}

func TestCallsNeverKeepTokens(t *testing.T) {
	f := newFake(t, nil)
	postForm(t, f.url, "auth.test", url.Values{"token": {DefaultBotToken}})
	if _, err := f.api.AuthTest(); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.srv.Calls() {
		raw, _ := json.Marshal(c)
		if strings.Contains(string(raw), "xoxb-") {
			t.Errorf("call record holds a token: %s", raw)
		}
	}
	if calls := f.srv.Calls(); calls[0].TokenSource != "form" || calls[1].TokenSource != "form" {
		t.Errorf("token sources: %s, %s", calls[0].TokenSource, calls[1].TokenSource)
	}
	if f.srv.CallCount("auth.test") != 2 {
		t.Errorf("auth.test count %d", f.srv.CallCount("auth.test"))
	}
}

func postForm(t *testing.T, base, method string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(base+"/api/"+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decoding %s answer: %v", method, err)
	}
	return resp.StatusCode, out
}

func TestInspectHandler(t *testing.T) {
	f := newFake(t, nil)
	_, ts, err := f.api.PostMessage(GeneralChanID, slack.MsgOptionText("v1", false), slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "e", EventPayload: map[string]any{"k": "v"}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.api.UpdateMessage(GeneralChanID, ts, slack.MsgOptionText("v2", false)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.api.PostEphemeral(GeneralChanID, AMUserID, slack.MsgOptionText("psst", false)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(f.url + "/_fake/slack/messages?channel=" + GeneralChanID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []struct {
			Text      string `json:"text"`
			Permalink string `json:"permalink"`
			Metadata  struct {
				EventType string `json:"event_type"`
			} `json:"metadata"`
			Revisions []struct {
				Text string `json:"text"`
			} `json:"revisions"`
		} `json:"messages"`
		Ephemeral []struct {
			Text string `json:"text"`
			For  string `json:"ephemeral_user"`
		} `json:"ephemeral"`
		Calls map[string]int `json:"calls"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 || out.Messages[0].Text != "v2" || out.Messages[0].Revisions[0].Text != "v1" ||
		out.Messages[0].Metadata.EventType != "e" || !strings.HasPrefix(out.Messages[0].Permalink, "https://agency.slack.com/archives/") {
		t.Errorf("messages = %+v", out.Messages)
	}
	if len(out.Ephemeral) != 1 || out.Ephemeral[0].For != AMUserID || out.Calls["chat.update"] != 1 {
		t.Errorf("ephemeral = %+v calls = %v", out.Ephemeral, out.Calls)
	}
}
