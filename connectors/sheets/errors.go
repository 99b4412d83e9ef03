package sheets

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/httpx"
)

// ErrNotFound matches a spreadsheet, file or permission Google does not
// know (deleted, or never visible to these credentials).
var ErrNotFound = errors.New("not found")

// ErrRateLimited matches a 429 that outlasted the waits.
var ErrRateLimited = errors.New("sheets write quota exceeded")

// StorageQuotaError is Drive refusing to create a file because the
// credentials own no storage: a service account outside a shared drive.
// Waiting does not help, so it is never retried; someone must change the
// configuration.
type StorageQuotaError struct {
	// ServiceAccount is true when Liaison authenticates as a service account.
	ServiceAccount bool
	// Message is Google's own message.
	Message string
}

func (e *StorageQuotaError) Error() string {
	if e.ServiceAccount {
		return "Google Drive refused to create the spreadsheet (403 storageQuotaExceeded): a service account has no Drive storage. " +
			"Set connections.google.drive.shared_drive_id to a shared drive the service account is a Content manager of, " +
			"or authenticate with connections.google.oauth as an agency user who will own the files"
	}
	return "Google Drive refused to create the spreadsheet (403 storageQuotaExceeded): the Drive of the account in connections.google.oauth is full; " +
		"free space, or set connections.google.drive.shared_drive_id to a shared drive: " + e.Message
}

// SharingError is Drive refusing to share a spreadsheet with one address.
type SharingError struct {
	Email  string
	Role   string
	Reason string // Google's reason, e.g. "invalidSharingRequest"
	Err    error
}

func (e *SharingError) Error() string {
	return fmt.Sprintf("sharing with %s as %s refused (%s): %v", e.Email, e.Role, e.Reason, e.Err)
}

func (e *SharingError) Unwrap() error { return e.Err }

// apiError is Google's error with what Liaison branches on.
type apiError struct {
	code       int
	reasons    []string
	message    string
	retryAfter time.Duration
}

func asAPIError(err error) (apiError, bool) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return apiError{}, false
	}
	a := apiError{code: ge.Code, message: ge.Message}
	for _, it := range ge.Errors {
		a.reasons = append(a.reasons, it.Reason)
	}
	if ge.Header != nil {
		a.retryAfter, _ = httpx.RetryAfter(ge.Header, time.Now())
	}
	return a, true
}

func (a apiError) has(reason string) bool { return slices.Contains(a.reasons, reason) }

// classify turns the clients' errors into ones callers branch on,
// keeping Google's message (which never carries our credentials).
func (c *Client) classify(err error) error {
	a, ok := asAPIError(err)
	if !ok {
		return google.AsTokenError(err)
	}
	switch {
	case a.code == http.StatusForbidden && a.has("storageQuotaExceeded"):
		return &StorageQuotaError{ServiceAccount: c.serviceAccount, Message: a.message}
	case a.code == http.StatusNotFound:
		return fmt.Errorf("%w (404: %s)", ErrNotFound, a.message)
	case a.code == http.StatusTooManyRequests:
		return fmt.Errorf("%w (429: %s)", ErrRateLimited, a.message)
	}
	return fmt.Errorf("google %d: %s", a.code, a.message)
}
