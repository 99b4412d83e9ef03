package store

import (
	"context"
	"time"
)

// Events remembers which pushed events were already handled: Slack event
// ids and interaction keys, which Slack delivers at least once (Events API
// retries, Socket Mode redeliveries). Keeping them in the store, rather
// than in one process's memory, makes a retry that straddles a restart or
// reaches another replica a repeat too.
type Events interface {
	// MarkEventSeen records id as first seen at at, and reports whether
	// this call recorded it (true) or it was already there (false). Of
	// concurrent calls with one id, from any number of processes sharing
	// the store, exactly one gets true. An empty id is ErrInvalid.
	MarkEventSeen(ctx context.Context, id string, at time.Time) (first bool, err error)

	// ForgetEvent removes id, so that a later delivery of it is handled:
	// used when an event was accepted but refused before being handled.
	// Forgetting an unknown id is not an error.
	ForgetEvent(ctx context.Context, id string) error

	// PruneEvents removes the ids first seen before before and returns how
	// many it removed.
	PruneEvents(ctx context.Context, before time.Time) (int, error)
}
