package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira"
	slackconn "github.com/liaisonhq/liaison/connectors/slack"
)

func TestAuthRejected(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"jira 401", fmt.Errorf("pulling: %w", &jira.APIError{Op: "searching issues", Status: http.StatusUnauthorized}), true},
		{"jira 403", &jira.APIError{Op: "searching issues", Status: http.StatusForbidden}, true},
		{"jira 503", &jira.APIError{Op: "searching issues", Status: http.StatusServiceUnavailable}, false},
		{"slack invalid_auth", fmt.Errorf("posting: %w", &slackconn.APIError{Method: "chat.postMessage", Code: "invalid_auth"}), true},
		{"slack token_revoked", &slackconn.APIError{Method: "auth.test", Code: "token_revoked"}, true},
		{"slack channel_not_found", &slackconn.APIError{Method: "chat.postMessage", Code: "channel_not_found"}, false},
		{"network", errors.New("dial tcp: connection refused"), false},
	} {
		if got := authRejected(tc.err); got != tc.want {
			t.Errorf("%s: authRejected = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestUpstreamFailuresLoggedOnce: a failure is logged when it starts and
// when its reason changes, not on every retry; a recovery is logged once;
// a transient Slack failure is logged (delivery retries it silently).
func TestUpstreamFailuresLoggedOnce(t *testing.T) {
	var buf strings.Builder
	cfg, _ := sandboxConfig(t, nil)
	u, err := newUpstreams(cfg, slog.New(slog.NewTextHandler(&buf, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	transient := fmt.Errorf("chat.postMessage: %w", &slackconn.APIError{Method: "chat.postMessage", Code: "internal_error"})
	u.failed("slack", transient, now)
	u.failed("slack", transient, now.Add(time.Minute))
	u.failed("slack", transient, now.Add(2*time.Minute))
	u.succeeded("slack", now.Add(3*time.Minute))
	u.succeeded("slack", now.Add(4*time.Minute))
	logs := buf.String()
	if n := strings.Count(logs, `msg="upstream failing" upstream=slack reason="chat.postMessage: slack chat.postMessage: internal_error"`); n != 1 {
		t.Errorf("failure logged %d times, want 1:\n%s", n, logs)
	}
	if n := strings.Count(logs, `msg="upstream recovered" upstream=slack`); n != 1 {
		t.Errorf("recovery logged %d times, want 1:\n%s", n, logs)
	}
	for _, s := range u.snapshot() {
		if s.Name == "slack" && (s.LastError != "" || s.LastSuccess == nil || !s.LastSuccess.Equal(now.Add(4*time.Minute))) {
			t.Errorf("slack state after recovery = %+v", s)
		}
	}
}
