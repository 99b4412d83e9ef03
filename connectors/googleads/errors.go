package googleads

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinels that APIError matches with errors.Is, for callers that branch.
var (
	// ErrQuota: RESOURCE_EXHAUSTED; retry after APIError.RetryDelay.
	ErrQuota = errors.New("google ads quota exhausted")
	// ErrAuth: the token, developer token or account access was refused.
	ErrAuth = errors.New("google ads refused the credentials")
	// ErrVersion: the configured API version is not served (sunset).
	ErrVersion = errors.New("google ads API version not served")
	// ErrQuery: Google refused the GAQL, a bug on our side.
	ErrQuery = errors.New("google ads refused the query")
)

// ErrorCode is one GoogleAdsError's errorCode: the oneof's field name
// ("quotaError") and enum value ("RESOURCE_EXHAUSTED").
type ErrorCode struct {
	Kind  string
	Value string
}

// APIError is a non-2xx answer (or an error inside the stream), decoded
// from google.rpc.Status and its GoogleAdsFailure.
type APIError struct {
	HTTPStatus int
	Status     string // gRPC status name, e.g. "PERMISSION_DENIED"
	Message    string
	Codes      []ErrorCode
	Messages   []string // the GoogleAdsErrors' messages
	RequestID  string
	// RetryDelay is the quotaErrorDetails retryDelay, zero when absent.
	RetryDelay time.Duration
	// Version is set when the answer was a 404 for the version path.
	Version string
}

func (e *APIError) Error() string {
	if e.Version != "" {
		return fmt.Sprintf("google ads API version %s is not served (HTTP 404): it was probably sunset; set connections.google.ads.api_version to a current version", e.Version)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "google ads %d %s", e.HTTPStatus, e.Status)
	for i, c := range e.Codes {
		fmt.Fprintf(&b, "; %s %s", c.Kind, c.Value)
		if i < len(e.Messages) && e.Messages[i] != "" {
			fmt.Fprintf(&b, ": %s", e.Messages[i])
		}
	}
	if len(e.Codes) == 0 && e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RetryDelay > 0 {
		fmt.Fprintf(&b, " (retry in %s)", e.RetryDelay)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request-id %s]", e.RequestID)
	}
	return b.String()
}

func (e *APIError) has(kind string) bool {
	for _, c := range e.Codes {
		if c.Kind == kind {
			return true
		}
	}
	return false
}

// Is matches the sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrQuota:
		return e.Status == "RESOURCE_EXHAUSTED" || e.has("quotaError")
	case ErrAuth:
		return e.HTTPStatus == 401 || e.HTTPStatus == 403 || e.has("authenticationError") || e.has("authorizationError")
	case ErrVersion:
		return e.Version != ""
	case ErrQuery:
		return e.has("queryError")
	}
	return false
}

// AccountError is one account's failed pull. Sync joins them, so one
// account's failure never hides the others' results.
type AccountError struct {
	ClientID   string
	CustomerID string
	Err        error
}

func (e *AccountError) Error() string {
	return fmt.Sprintf("google ads: client %s, account %s: %v", e.ClientID, e.CustomerID, e.Err)
}

func (e *AccountError) Unwrap() error { return e.Err }

// RetryDelay is how long Google asked us to wait, zero when it did not.
func (e *AccountError) RetryDelay() time.Duration {
	var ae *APIError
	if errors.As(e.Err, &ae) {
		return ae.RetryDelay
	}
	return 0
}
