package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/liaisonhq/liaison/connectors/httpx"
)

// DefaultRateLimitWait is the pause assumed when Slack rate-limits a call
// without saying for how long (a 429 without Retry-After, or an ok=false
// "ratelimited" answer).
const DefaultRateLimitWait = 30 * time.Second

// Slack error codes that say "try again later". Every other ok=false code
// describes the request, the token or the target, and fails the same way
// again, so it is permanent.
var transientCodes = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
	"ratelimited":         true,
	"team_added_to_org":   true, // a workspace migration in progress
}

// APIError is a failed Slack Web API call. Callers branch on it with
// errors.As, or through deliver.IsPermanent.
//
// Its text names the method and Slack's error code and never a token: the
// cause of a transport failure is shown redacted.
type APIError struct {
	// Method is the Web API method, e.g. "chat.postMessage".
	Method string
	// Code is Slack's error code ("channel_not_found", "ratelimited"); empty
	// for an HTTP or network failure without a Slack answer.
	Code string
	// Status is the HTTP status, 200 for an ok=false answer, 0 when Slack
	// did not answer at all.
	Status int
	// Wait is the pause Slack asked for; set only on rate limits.
	Wait time.Duration

	cause error
	text  string // redacted text of cause
}

// Error names the method and what went wrong.
func (e *APIError) Error() string {
	switch {
	case e.Code == "ratelimited":
		return fmt.Sprintf("slack %s: ratelimited, retry after %s", e.Method, e.Wait)
	case e.Code != "" && e.Status != 0 && e.Status != http.StatusOK:
		return fmt.Sprintf("slack %s: %s (HTTP %d)", e.Method, e.Code, e.Status)
	case e.Code != "":
		return fmt.Sprintf("slack %s: %s", e.Method, e.Code)
	case e.Status != 0:
		return fmt.Sprintf("slack %s: HTTP %d %s", e.Method, e.Status, http.StatusText(e.Status))
	case e.text != "":
		return fmt.Sprintf("slack %s: %s", e.Method, e.text)
	default:
		return fmt.Sprintf("slack %s: failed", e.Method)
	}
}

// Unwrap returns the transport cause, so that errors.Is sees context
// cancellation and deadlines.
func (e *APIError) Unwrap() error { return e.cause }

// Permanent reports whether repeating the call cannot succeed: an ok=false
// code other than the transient few (internal_error, fatal_error,
// service_unavailable, request_timeout, ratelimited), or an HTTP 4xx other
// than 408 and 429. Network failures, timeouts and cancellations are not
// permanent: the caller may be shutting down, and the message must survive.
func (e *APIError) Permanent() bool {
	if e.Code != "" {
		return !transientCodes[e.Code]
	}
	if e.Status != 0 {
		return httpx.ClassifyStatus(e.Status) == httpx.Permanent
	}
	if e.cause == nil || errors.Is(e.cause, context.Canceled) || errors.Is(e.cause, context.DeadlineExceeded) {
		return false
	}
	return httpx.Classify(nil, e.cause) == httpx.Permanent
}

// RateLimited reports whether Slack asked us to slow down.
func (e *APIError) RateLimited() bool {
	return e.Code == "ratelimited" || e.Status == http.StatusTooManyRequests
}

// RateLimitError is the APIError of a rate-limited call. It is a separate
// type because deliver.RetryAfterOf treats any error with a RetryAfter
// method as a rate limit: only rate limits may have one.
type RateLimitError struct {
	*APIError
}

// RetryAfter is how long Slack asked us to wait before the next call.
func (e *RateLimitError) RetryAfter() time.Duration { return e.Wait }

// Unwrap exposes the APIError to errors.As.
func (e *RateLimitError) Unwrap() error { return e.APIError }

// wrapErr turns what slack-go returned for method into an *APIError (or a
// *RateLimitError). secrets are redacted from any transport error text.
func wrapErr(method string, err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var (
		rl    *slack.RateLimitedError
		sc    slack.StatusCodeError
		se    slack.SlackErrorResponse
		mine  *APIError
		local *localError
	)
	switch {
	case errors.As(err, &mine):
		return err
	case errors.As(err, &local):
		return &APIError{Method: method, Code: local.code}
	case errors.As(err, &rl):
		return rateLimit(method, rl.RetryAfter)
	case errors.As(err, &sc):
		if sc.Code == http.StatusTooManyRequests {
			return rateLimit(method, 0)
		}
		return &APIError{Method: method, Status: sc.Code}
	case errors.As(err, &se):
		if se.Err == "ratelimited" {
			return rateLimit(method, 0)
		}
		return &APIError{Method: method, Code: se.Err, Status: http.StatusOK}
	default:
		return &APIError{Method: method, cause: err, text: httpx.Redact(err.Error(), secrets...)}
	}
}

func rateLimit(method string, wait time.Duration) *RateLimitError {
	if wait <= 0 {
		wait = DefaultRateLimitWait
	}
	return &RateLimitError{&APIError{Method: method, Code: "ratelimited", Status: http.StatusTooManyRequests, Wait: wait}}
}

// localError is a request we refuse to send because Slack would reject it
// with code; it becomes a permanent APIError.
type localError struct{ code string }

func (e *localError) Error() string { return e.code }
