// Package httpx is the one place that decides how Liaison talks HTTP to its
// upstreams: a retrying client on hashicorp/go-retryablehttp, the
// classification of answers into "done", "retry later" and "give up", and the
// redaction that keeps secrets out of logs and errors.
//
// Every connector builds its *http.Client here and hands it to the vendor's
// official client library, so retries, Retry-After and backoff behave the same
// for Jira, Slack and Google.
package httpx

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Class says what a caller should do with an upstream answer.
type Class int

const (
	// OK is a 1xx–3xx answer.
	OK Class = iota
	// Transient answers (429, 5xx other than 501, network errors, timeouts)
	// are worth retrying later.
	Transient
	// Permanent answers (other 4xx, 501, malformed requests) will fail the
	// same way again; retrying only wastes quota.
	Permanent
)

func (c Class) String() string {
	switch c {
	case OK:
		return "ok"
	case Transient:
		return "transient"
	default:
		return "permanent"
	}
}

// Classify sorts a response or transport error. A context cancellation by the
// caller is Permanent: the caller is going away, so nothing should retry.
func Classify(resp *http.Response, err error) Class {
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return Permanent
		}
		var uerr *url.Error
		if errors.As(err, &uerr) && isPermanentURLError(uerr) {
			return Permanent
		}
		return Transient
	}
	if resp == nil {
		return Transient
	}
	return ClassifyStatus(resp.StatusCode)
}

// ClassifyStatus sorts an HTTP status code.
func ClassifyStatus(code int) Class {
	switch {
	case code == http.StatusTooManyRequests, code == http.StatusRequestTimeout:
		return Transient
	case code == http.StatusNotImplemented:
		return Permanent
	case code >= 500:
		return Transient
	case code >= 400:
		return Permanent
	default:
		return OK
	}
}

func isPermanentURLError(e *url.Error) bool {
	msg := e.Error()
	// Malformed requests and unsupported schemes fail identically every time.
	return strings.Contains(msg, "unsupported protocol scheme") ||
		strings.Contains(msg, "invalid control character") ||
		strings.Contains(msg, "stopped after") && strings.Contains(msg, "redirects")
}

// RetryAfter reads a Retry-After header (seconds or an HTTP date) relative to
// now. ok is false when the header is absent or unreadable.
func RetryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) {
			return 0, false
		}
		// A pause past MaxRetryAfter (or past what a Duration holds) is
		// nonsense from a broken or hostile server: cap it rather than
		// overflow into a negative wait.
		if secs >= MaxRetryAfter.Seconds() {
			return MaxRetryAfter, true
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, MaxRetryAfter), true
		}
		return 0, true
	}
	return 0, false
}

// MaxRetryAfter caps the pause a Retry-After header can ask for. The
// longest a real upstream asks is Google Ads' daily quota, which resets
// at midnight Pacific time: under a day.
const MaxRetryAfter = 24 * time.Hour
