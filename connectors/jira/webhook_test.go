package jira_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
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

// TestDeletedIssueWebhookRetiresTaskAtNextPull: a signed jira:issue_deleted
// event makes the next pull check that one issue (search cannot show a
// deletion) and retire its stored task when Jira answers 404; an event
// naming an issue that still exists retires nothing.
func TestDeletedIssueWebhookRetiresTaskAtNextPull(t *testing.T) {
	const secret = "whsec-0123456789"
	e := newEnv(t, envOptions{})
	e.addProjects(t, "ACME")
	gone := e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "to be deleted"})
	kept := e.putIssue(t, jirafake.Issue{Project: "ACME", Summary: "still here"})
	e.clock.Advance(time.Hour)
	ctx := context.Background()
	s := e.syncer(t, jira.SyncerOptions{Scopes: []jira.Scope{{ClientID: "acme-ua", Projects: []string{"ACME"}}}})
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.fake.DeleteIssue(gone.Key); err != nil {
		t.Fatal(err)
	}
	h := e.client.WebhookHandler(secret, func() {})
	for _, is := range []jirafake.Issue{gone, kept} {
		body := fmt.Sprintf(`{"webhookEvent":"jira:issue_deleted","issue":{"id":%q,"key":%q}}`, is.ID, is.Key)
		if rec := postWebhook(h, sign(secret, body), body); rec.Code != http.StatusNoContent {
			t.Fatalf("event: status %d", rec.Code)
		}
	}
	e.clock.Advance(2 * time.Minute)
	e.fake.ResetRequestCounts()
	st, err := s.SyncIssues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Deleted != 1 || e.fake.RequestCount("GET /rest/api/3/issue/{issueIdOrKey}") != 2 {
		t.Fatalf("stats %+v, %d issue lookups; want 1 retired after 2 lookups", st, e.fake.RequestCount("GET /rest/api/3/issue/{issueIdOrKey}"))
	}
	if !e.task(t, gone.Key).Deleted || e.task(t, kept.Key).Deleted {
		t.Fatalf("deleted flags: %s %v, %s %v; want only the deleted issue retired", gone.Key, e.task(t, gone.Key).Deleted,
			kept.Key, e.task(t, kept.Key).Deleted)
	}
	// The hints are spent: the next pull is one search again.
	e.clock.Advance(2 * time.Minute)
	e.fake.ResetRequestCounts()
	if _, err := s.SyncIssues(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.RequestCount("GET /rest/api/3/issue/{issueIdOrKey}"); n != 0 {
		t.Fatalf("%d issue lookups in the next pull, want 0", n)
	}
}
