package jira_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func sign(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func TestWebhookSignatureAndDebounce(t *testing.T) {
	const secret = "whsec-0123456789"
	const body = `{"webhookEvent":"jira:issue_updated","issue":{"key":"ACME-1"}}`
	e := newEnv(t, envOptions{})
	var calls atomic.Int32
	h := e.client.WebhookHandler(secret, func() { calls.Add(1) })

	for _, tt := range []struct {
		name string
		sig  string
		body string
	}{
		{"missing signature", "", body},
		{"wrong secret", sign("other-secret", body), body},
		{"tampered body", sign(secret, body), body + " "},
		{"wrong algorithm", "sha1=" + sign(secret, body)[7:], body},
		{"not hex", "sha256=zz", body},
	} {
		if rec := postWebhook(h, tt.sig, tt.body); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tt.name, rec.Code)
		}
	}
	if rec := postWebhook(e.client.WebhookHandler("", func() { calls.Add(1) }), sign("", body), body); rec.Code != http.StatusUnauthorized {
		t.Errorf("empty secret: status %d, want 401", rec.Code)
	}
	req := httptest.NewRequest(http.MethodGet, "/jira/webhook", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", rec.Code)
	}
	if e.clock.Waiters() != 0 {
		t.Fatal("a refused request scheduled a pull")
	}

	// A burst of valid events becomes one pull after the debounce window.
	for i := 0; i < 3; i++ {
		if rec := postWebhook(h, sign(secret, body), body); rec.Code != http.StatusNoContent {
			t.Fatalf("valid event: status %d, want 204", rec.Code)
		}
	}
	if e.clock.Waiters() != 1 || calls.Load() != 0 {
		t.Fatalf("waiters %d calls %d before the window, want 1 and 0", e.clock.Waiters(), calls.Load())
	}
	e.clock.Advance(2 * time.Second)
	waitFor(t, func() bool { return calls.Load() == 1 })
	// The next event opens a new window.
	waitFor(t, func() bool {
		return postWebhook(h, sign(secret, body), body).Code == http.StatusNoContent && e.clock.Waiters() == 1
	})
	e.clock.Advance(2 * time.Second)
	waitFor(t, func() bool { return calls.Load() == 2 })
}

// waitFor polls cond briefly: the debounced callback runs on its own goroutine.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
