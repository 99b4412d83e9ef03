// Package store defines the state Liaison keeps between runs: cursors, synced
// Jira and Slack data, metrics, findings, the delivery outbox, silences,
// report state and an audit trail.
//
// The interfaces here are small and composed into Store so that each part of
// the engine can ask for only what it uses. Implementations (sqlite, later
// PostgreSQL) must pass the conformance suite in storetest.
//
// Conventions every implementation follows:
//   - instants are stored in UTC with millisecond precision and returned in
//     UTC; a zero time.Time means "unset" and round-trips as zero;
//   - civil dates are "2006-01-02" strings, which sort as text;
//   - a lookup of a missing item returns an error matching ErrNotFound;
//   - every method is safe for concurrent use.
package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned (possibly wrapped) when a looked-up item does not exist.
var ErrNotFound = errors.New("not found")

// ErrLocked is returned (wrapped in a more specific error naming the data
// directory and the holder) when another process already uses the store.
var ErrLocked = errors.New("store is locked by another process")

// ErrLeaseLost is returned when a delivery is finished by a worker that no
// longer holds its lease: the lease expired and another worker claimed it,
// or it was already finished.
var ErrLeaseLost = errors.New("delivery lease lost")

// ErrInvalid is returned (wrapped with the reason) when an argument breaks a
// method's contract, e.g. a metric row outside the window being replaced.
var ErrInvalid = errors.New("invalid argument")

// Tx is everything the store can do, bound to one transaction. Within
// WithTx all calls see each other's writes and commit or roll back together.
type Tx interface {
	Cursors
	Tasks
	Worklogs
	Messages
	Metrics
	Findings
	Outbox
	Silences
	Notifications
	Reports
	Audit
	Events
	SlackInbox
}

// Store is the whole state store. Calls made directly on a Store are each
// atomic on their own.
type Store interface {
	Tx

	// WithTx runs fn in one transaction. If fn returns an error or panics,
	// nothing fn wrote is kept and WithTx returns fn's error (or re-panics).
	// fn must use tx, not the Store, for its writes, and must not retain tx.
	// WithTx calls fn exactly once and never retries it.
	WithTx(ctx context.Context, fn func(tx Tx) error) error

	// Close releases the store. Calls after Close fail.
	Close() error
}
