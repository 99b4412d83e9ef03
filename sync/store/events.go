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

// InboxEntry is one pushed Slack delivery recorded before it was
// acknowledged and not yet handled.
type InboxEntry struct {
	// Key is the delivery's dedupe key: the event id, or the interaction
	// key. Redeliveries of one event share it.
	Key string
	// Kind is the envelope type: "events_api" or "interactive".
	Kind string
	// Payload is the envelope's payload as Slack sent it. It may hold
	// message text; it never holds a token.
	Payload []byte
	// Received is when the entry was first recorded.
	Received time.Time
	// Claimed reports whether a worker took the entry before: it may have
	// been handled, partly or wholly, by a process that then died.
	Claimed bool
}

// SlackInbox records pushed deliveries durably before they are
// acknowledged, so that a kill between the ack and the handling loses
// nothing: the entry is handled after the restart. Entries are deleted once
// handled, so the inbox holds only what is in flight.
type SlackInbox interface {
	// PutInboxEntry records e unless an entry with e.Key is already there.
	// An empty key or kind is ErrInvalid.
	PutInboxEntry(ctx context.Context, e InboxEntry) error

	// ClaimInboxEntry takes the entry key until until, when nobody holds
	// it or the holder's claim ended at or before now, and reports whether
	// it did. Of concurrent calls exactly one gets true; an unknown key
	// (already handled and deleted) gets false.
	ClaimInboxEntry(ctx context.Context, key string, now, until time.Time) (bool, error)

	// DeleteInboxEntry removes key once it is handled. Deleting an
	// unknown key is not an error.
	DeleteInboxEntry(ctx context.Context, key string) error

	// PendingInboxEntries returns up to limit entries nobody holds at now,
	// oldest first.
	PendingInboxEntries(ctx context.Context, now time.Time, limit int) ([]InboxEntry, error)
}
