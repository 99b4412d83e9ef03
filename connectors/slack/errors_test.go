package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/liaisonhq/liaison/sync/deliver"
)

func TestWrapErrClassifies(t *testing.T) {
	const tok = "xoxb-123-456-CANARYsecretTOKEN"
	netErr := &url.Error{Op: "Post", URL: "https://slack.com/api/chat.postMessage?token=" + tok, Err: errors.New("connection reset")}
	cases := []struct {
		name      string
		in        error
		permanent bool
		wait      time.Duration // > 0: rate limit
		text      string
	}{
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, true, 0, "channel_not_found"},
		{"missing_scope", slack.SlackErrorResponse{Err: "missing_scope"}, true, 0, "missing_scope"},
		{"unknown code", slack.SlackErrorResponse{Err: "some_new_code"}, true, 0, "some_new_code"},
		{"internal_error", slack.SlackErrorResponse{Err: "internal_error"}, false, 0, "internal_error"},
		{"service_unavailable", slack.SlackErrorResponse{Err: "service_unavailable"}, false, 0, "service_unavailable"},
		{"request_timeout", slack.SlackErrorResponse{Err: "request_timeout"}, false, 0, "request_timeout"},
		{"ratelimited in the body", slack.SlackErrorResponse{Err: "ratelimited"}, false, DefaultRateLimitWait, "ratelimited"},
		{"429 with Retry-After", &slack.RateLimitedError{RetryAfter: 17 * time.Second}, false, 17 * time.Second, "retry after 17s"},
		{"429 without Retry-After", slack.StatusCodeError{Code: 429}, false, DefaultRateLimitWait, "ratelimited"},
		{"500", slack.StatusCodeError{Code: 500, Status: "500 Internal Server Error"}, false, 0, "HTTP 500"},
		{"404", slack.StatusCodeError{Code: 404}, true, 0, "HTTP 404"},
		{"network", netErr, false, 0, "connection reset"},
		{"cancelled", fmt.Errorf("posting: %w", context.Canceled), false, 0, "context canceled"},
		{"deadline", context.DeadlineExceeded, false, 0, "deadline exceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := wrapErr("chat.postMessage", tc.in, tok)
			if got := deliver.IsPermanent(err); got != tc.permanent {
				t.Errorf("IsPermanent = %v, want %v", got, tc.permanent)
			}
			wait, limited := deliver.RetryAfterOf(err)
			if limited != (tc.wait > 0) || wait != tc.wait {
				t.Errorf("RetryAfterOf = %v, %v; want %v", wait, limited, tc.wait)
			}
			if !strings.HasPrefix(err.Error(), "slack chat.postMessage: ") || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("Error() = %q, want the method and %q", err, tc.text)
			}
			if strings.Contains(err.Error(), "CANARY") {
				t.Errorf("token leaked: %s", err)
			}
		})
	}
	if err := wrapErr("x", nil); err != nil {
		t.Errorf("wrapErr(nil) = %v", err)
	}
	if !errors.Is(wrapErr("x", context.Canceled), context.Canceled) {
		t.Error("cancellation not visible to errors.Is")
	}
}
