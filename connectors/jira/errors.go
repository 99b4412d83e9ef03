package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors/httpx"
)

// Sentinels that an *APIError matches through errors.Is, so that callers can
// branch on what went wrong without parsing text.
var (
	// ErrAuth means Jira refused the credentials (401) or the account lacks a
	// permission (403): retrying will not help until the config changes.
	ErrAuth = errors.New("jira authentication failed")
	// ErrRateLimited means Jira answered 429 after the HTTP layer's retries;
	// the caller should reschedule after APIError.RetryAfter.
	ErrRateLimited = errors.New("jira rate limit exceeded")
	// ErrBadRequest means Jira rejected the request itself (400): bad JQL, an
	// unknown project, a field that is not on the screen.
	ErrBadRequest = errors.New("jira rejected the request")
	// ErrNotFound means the issue (or other resource) does not exist or is
	// not visible to the account.
	ErrNotFound = errors.New("jira resource not found")
	// ErrUnavailable means Jira answered 5xx after the HTTP layer's retries.
	ErrUnavailable = errors.New("jira unavailable")
)

// APIError is a non-2xx answer from Jira, with what Liaison was doing. Its
// text names the operation, the clients and the JQL involved and Jira's own
// errorMessages and errors, and never the API token.
type APIError struct {
	Op         string   // "searching issues", "creating issue"...
	Clients    []string // Liaison client ids the request was for, when known
	JQL        string   // the query, for searches
	Endpoint   string   // "GET /rest/api/3/search/jql"
	Status     int
	Messages   []string          // Jira's errorMessages
	Fields     map[string]string // Jira's errors, by field
	Body       string            // the raw body when it was not Jira's error JSON (redacted, short)
	RetryAfter time.Duration     // the server's requested pause on 429/503
}

// Error names the operation, clients, JQL, status and Jira's messages.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("jira: ")
	b.WriteString(e.Op)
	writeContext(&b, e.Clients, e.JQL)
	fmt.Fprintf(&b, ": %d %s", e.Status, http.StatusText(e.Status))
	var parts []string
	parts = append(parts, e.Messages...)
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	if len(parts) == 0 && e.Body != "" {
		parts = append(parts, e.Body)
	}
	if len(parts) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(parts, "; "))
	}
	return b.String()
}

// Is lets errors.Is match the sentinel of the error's class.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrAuth:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrUnavailable:
		return e.Status >= 500
	}
	return false
}

// Temporary reports whether retrying later can succeed.
func (e *APIError) Temporary() bool { return httpx.ClassifyStatus(e.Status) == httpx.Transient }

// opError wraps a transport or decoding failure with the same context an
// APIError carries.
type opError struct {
	op      string
	clients []string
	jql     string
	err     error
}

func (e *opError) Error() string {
	var b strings.Builder
	b.WriteString("jira: ")
	b.WriteString(e.op)
	writeContext(&b, e.clients, e.jql)
	b.WriteString(": ")
	b.WriteString(e.err.Error())
	return b.String()
}

func (e *opError) Unwrap() error { return e.err }

func writeContext(b *strings.Builder, clients []string, jql string) {
	switch len(clients) {
	case 0:
	case 1:
		b.WriteString(" for client ")
		b.WriteString(clients[0])
	case 2, 3, 4, 5, 6, 7, 8, 9, 10:
		b.WriteString(" for clients ")
		b.WriteString(strings.Join(clients, ", "))
	default:
		// The shared query covers every client: name a few, count the rest.
		fmt.Fprintf(b, " for %d clients (%s, …)", len(clients), strings.Join(clients[:3], ", "))
	}
	if jql != "" {
		b.WriteString(" (jql: ")
		b.WriteString(jql)
		b.WriteString(")")
	}
}

// maxErrorBody bounds how much of a non-JSON error body an error keeps.
const maxErrorBody = 512

// newAPIError reads Jira's error body (errorMessages, errors) into an
// APIError, scrubbing every secret from what the server echoed.
func newAPIError(op string, rc reqContext, endpoint string, resp *http.Response, body []byte, now time.Time, secrets []string) *APIError {
	e := &APIError{Op: op, Clients: rc.clients, JQL: rc.jql, Endpoint: endpoint, Status: resp.StatusCode}
	if d, ok := httpx.RetryAfter(resp.Header, now); ok {
		e.RetryAfter = d
	}
	var coll struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if json.Unmarshal(body, &coll) == nil && (len(coll.ErrorMessages) > 0 || len(coll.Errors) > 0) {
		for _, m := range coll.ErrorMessages {
			e.Messages = append(e.Messages, httpx.Redact(m, secrets...))
		}
		if len(coll.Errors) > 0 {
			e.Fields = make(map[string]string, len(coll.Errors))
			for k, v := range coll.Errors {
				// Jira echoes what it was sent, in field names too.
				e.Fields[httpx.Redact(k, secrets...)] = httpx.Redact(v, secrets...)
			}
		}
		return e
	}
	// Redact before cutting: a cut through a secret would leave a part of
	// it that no longer matches.
	s := httpx.Redact(strings.TrimSpace(string(body)), secrets...)
	if len(s) > maxErrorBody {
		s = strings.ToValidUTF8(s[:maxErrorBody], "") + "…"
	}
	e.Body = s
	return e
}
