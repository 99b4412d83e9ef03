package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// slackHistory calls conversations.history for channel as the bot.
func (e *env) slackHistory(t *testing.T, client *http.Client, channel string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest("POST", e.base+"/api/conversations.history", strings.NewReader(url.Values{"channel": {channel}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+slackfake.DefaultBotToken)
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func (e *env) postFault(t *testing.T, body string) (int, string) {
	t.Helper()
	resp, err := e.httpc.Post(e.base+"/_sandbox/faults", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *env) clearFaults(t *testing.T) {
	t.Helper()
	req, _ := http.NewRequest("DELETE", e.base+"/_sandbox/faults", nil)
	resp, err := e.httpc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE /_sandbox/faults = %d", resp.StatusCode)
	}
}

const (
	acmeChannel = "C0ACMEUA01"
	stepChannel = "C0STEPPE01"
)

// slackOK says whether a Slack Web API answer is {"ok": true, ...}.
func slackOK(body []byte) bool {
	var v struct{ OK bool }
	return json.Unmarshal(body, &v) == nil && v.OK
}

func TestFaultStatusPerClient(t *testing.T) {
	e := start(t, nil, nil)
	if code, body := e.postFault(t, `{"upstream":"slack","client":"acme-ua","kind":"status","status":429,"retry_after_seconds":7,"count":2}`); code != http.StatusCreated {
		t.Fatalf("POST fault = %d %s", code, body)
	}
	for i := range 2 {
		resp, body, err := e.slackHistory(t, e.httpc, acmeChannel)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || !strings.Contains(string(body), "ratelimited") {
			t.Fatalf("call %d on the faulted client: %d Retry-After=%q %s", i, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		resp, body, err = e.slackHistory(t, e.httpc, stepChannel)
		if err != nil || resp.StatusCode != 200 || !slackOK(body) {
			t.Fatalf("healthy client's call: %v %v %s", err, resp, body)
		}
	}
	// Count spent: the faulted client is served again.
	if resp, body, err := e.slackHistory(t, e.httpc, acmeChannel); err != nil || resp.StatusCode != 200 || !slackOK(body) {
		t.Fatalf("after the fault's count: %v %v %s", err, resp, body)
	}
	var v faultsView
	e.getJSON(t, "/_sandbox/faults", &v)
	if len(v.Faults) != 0 || v.Injected[FaultStatus] != 2 || v.Requests["slack"]["acme-ua"] != 3 || v.Requests["slack"]["steppe-foods"] != 2 {
		t.Fatalf("GET /_sandbox/faults = %+v", v)
	}
}

func TestFaultShapesPerUpstream(t *testing.T) {
	e := start(t, nil, nil)
	for _, f := range []string{
		`{"upstream":"jira","kind":"status","status":503,"retry_after_seconds":3,"path":"/rest/api/3/myself"}`,
		`{"upstream":"google","kind":"status","status":500,"path":"/webmasters/"}`,
	} {
		if code, body := e.postFault(t, f); code != http.StatusCreated {
			t.Fatalf("POST %s = %d %s", f, code, body)
		}
	}
	resp, err := e.httpc.Get(e.base + "/rest/api/3/myself")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var jiraErr struct{ ErrorMessages []string }
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "3" || json.Unmarshal(body, &jiraErr) != nil || len(jiraErr.ErrorMessages) != 1 {
		t.Fatalf("jira fault: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	resp, err = e.httpc.Get(e.base + "/webmasters/v3/sites")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	var gErr struct {
		Error struct {
			Code   int
			Status string
		}
	}
	if resp.StatusCode != 500 || json.Unmarshal(body, &gErr) != nil || gErr.Error.Code != 500 || gErr.Error.Status != "INTERNAL" {
		t.Fatalf("google fault: %d %s", resp.StatusCode, body)
	}
}

func TestFaultConnectionKinds(t *testing.T) {
	e := start(t, nil, nil)
	noKeepAlive := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

	e.postFault(t, `{"upstream":"slack","kind":"reset","count":1}`)
	if _, _, err := e.slackHistory(t, noKeepAlive, acmeChannel); err == nil {
		t.Fatal("reset: the call succeeded")
	}

	e.postFault(t, `{"upstream":"slack","kind":"truncate","count":1}`)
	if _, _, err := e.slackHistory(t, noKeepAlive, acmeChannel); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncate: err = %v, want an unexpected EOF reading the body", err)
	}

	e.postFault(t, `{"upstream":"slack","kind":"timeout"}`)
	short := &http.Client{Timeout: 200 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	if _, _, err := e.slackHistory(t, short, acmeChannel); err == nil || !strings.Contains(err.Error(), "Timeout") {
		t.Fatalf("timeout: err = %v, want the client's timeout", err)
	}
	held := make(chan error, 1)
	go func() { _, _, err := e.slackHistory(t, noKeepAlive, acmeChannel); held <- err }()
	// The held request is released by clearing the faults.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var v faultsView
		e.getJSON(t, "/_sandbox/faults", &v)
		if v.Injected[FaultTimeout] == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("second timeout never reached the sandbox")
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.clearFaults(t)
	if err := <-held; err == nil {
		t.Fatal("a request held by a timeout fault succeeded")
	}

	e.postFault(t, `{"upstream":"slack","kind":"slow","delay_ms":30000,"count":1}`)
	done := make(chan error, 1)
	go func() {
		resp, body, err := e.slackHistory(t, e.httpc, acmeChannel)
		if err == nil && (resp.StatusCode != 200 || !slackOK(body)) {
			err = errors.New(string(body))
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("slow: answered before the delay: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	e.clk.Advance(30 * time.Second)
	if err := <-done; err != nil {
		t.Fatalf("slow: %v", err)
	}
}

func TestFaultRejected(t *testing.T) {
	e := start(t, nil, nil)
	for _, body := range []string{
		`{"upstream":"ftp","kind":"reset"}`,
		`{"upstream":"slack","kind":"status","status":200}`,
		`{"upstream":"slack","kind":"explode"}`,
		`{"upstream":"slack","kind":"slow"}`,
		`{"upstream":"slack","kind":"reset","client":"nobody"}`,
		`{"upstream":"slack","kind":"reset","colour":"red"}`,
	} {
		if code, resp := e.postFault(t, body); code != http.StatusBadRequest || !strings.Contains(resp, "error") {
			t.Errorf("POST %s = %d %s, want 400 with an error", body, code, resp)
		}
	}
}
