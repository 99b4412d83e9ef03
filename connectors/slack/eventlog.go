package slack

import "context"

// EventLog remembers which deliveries were handled, beyond one process's
// memory: an implementation over a shared store makes a Slack retry that
// straddles a restart, or reaches another replica, a repeat. Keys are Slack
// event ids and interaction keys ("interaction:<trigger id>").
//
// The receiver asks FirstTime when it is about to handle a delivery (after
// acknowledging it), and Forget when handling failed, so that a later
// delivery or the history catch-up can try again. Both may be called from
// several goroutines and processes at once.
type EventLog interface {
	// FirstTime records key as handled now and reports whether no earlier
	// call recorded it. Of concurrent calls with one key exactly one gets
	// true. An error means the log could not be read; the delivery is then
	// handled, since a repeat is safer than a loss.
	FirstTime(ctx context.Context, key string) (bool, error)

	// Forget removes key, so that the next delivery of it is handled.
	Forget(ctx context.Context, key string) error
}
