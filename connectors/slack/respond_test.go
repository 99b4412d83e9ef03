package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/configs/secret"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// TestRespondReplacesTheOriginal: Respond posts replace_original with the
// text and blocks, and an error names neither the response_url (a bearer
// capability) nor the token.
func TestRespondReplacesTheOriginal(t *testing.T) {
	var got map[string]any
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &got)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"ok":false,"error":"expired_url"}`))
	}))
	defer srv.Close()
	c, err := New(Config{BotToken: secret.Secret("xoxb-1-2")}, Options{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	url := srv.URL + "/actions/T1/42/SeCrEtToKeN"
	blocks := json.RawMessage(`[{"type":"section","text":{"type":"mrkdwn","text":"done"}}]`)
	if err := c.Respond(t.Context(), url, deliver.Message{Text: "done", Blocks: blocks}); err != nil {
		t.Fatal(err)
	}
	if got["replace_original"] != true || got["text"] != "done" || got["blocks"] == nil {
		t.Errorf("posted %v, want replace_original with the text and blocks", got)
	}
	status = http.StatusNotFound
	err = c.Respond(t.Context(), url, deliver.Message{Text: "done"})
	if err == nil {
		t.Fatal("a 404 from the response_url is not an error")
	}
	if strings.Contains(err.Error(), "SeCrEtToKeN") || strings.Contains(err.Error(), "xoxb-") {
		t.Errorf("error %q reveals the response_url or the token", err)
	}
	// A connection error names the URL it failed on: it is redacted.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	err = c.Respond(t.Context(), gone.URL+"/actions/T1/42/SeCrEtToKeN", deliver.Message{Text: "done"})
	if err == nil || strings.Contains(err.Error(), "SeCrEtToKeN") {
		t.Errorf("connection error %v: want one that leaves the response_url out", err)
	}
	if err := c.Respond(t.Context(), url, deliver.Message{Text: "x", Blocks: json.RawMessage(`{`)}); err == nil {
		t.Error("invalid blocks are not an error")
	}
}
