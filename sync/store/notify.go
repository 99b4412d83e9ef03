package store

import (
	"context"
	"time"
)

// NotificationState is where one (finding, recipient) pair is in delivery.
type NotificationState string

// Notification states. A pair is waiting (an escalation not yet due),
// pending (to be grouped into a message at DueAt), sent (in a message;
// DueAt is when it repeats) or done (resolved, or an escalation made moot).
const (
	NotifyWaiting NotificationState = "waiting"
	NotifyPending NotificationState = "pending"
	NotifySent    NotificationState = "sent"
	NotifyDone    NotificationState = "done"
)

// Notification is the delivery state of one finding for one recipient, the
// router's equivalent of Alertmanager's notification log entry.
type Notification struct {
	FindingKey  string
	Recipient   string // person id, or "channel:C..."
	State       NotificationState
	Reason      string // why it is (or was last) pending: new, changed, reopened, repeat, escalation
	Digest      bool   // goes into the recipient's daily digest rather than an alert message
	Bypass      bool   // may be delivered outside the recipient's working hours
	DueAt       time.Time
	DeliveryKey string // the latest post that listed the finding for this recipient
	SentAt      time.Time
	CreatedAt   time.Time
}

// NotificationFilter selects notifications. Zero fields do not filter.
type NotificationFilter struct {
	State      NotificationState
	FindingKey string
	Recipient  string
	DueBy      time.Time // DueAt at or before DueBy
	Limit      int       // 0 means no limit
}

// Ack records that someone acknowledged a finding.
type Ack struct {
	FindingKey string
	By         string
	At         time.Time
}

// FindingCount is how many open findings a rule has at one severity.
type FindingCount struct {
	Rule     string
	Severity string
	Count    int
}

// Notifications stores the router's state between the findings and the
// outbox: per-recipient notification state, which findings each post
// lists, per-recipient group timers, acknowledgements and send attempts.
type Notifications interface {
	// PutNotification inserts or replaces the notification for
	// (n.FindingKey, n.Recipient). CreatedAt is kept from an existing row.
	PutNotification(ctx context.Context, n Notification) error
	// GetNotification returns one notification, or ErrNotFound.
	GetNotification(ctx context.Context, findingKey, recipient string) (Notification, error)
	// ListNotifications returns notifications matching f ordered by
	// DueAt, Recipient, FindingKey.
	ListNotifications(ctx context.Context, f NotificationFilter) ([]Notification, error)
	// CountNotifications counts notifications in state s.
	CountNotifications(ctx context.Context, s NotificationState) (int, error)

	// AddPostFindings records that the post deliveryKey lists findingKeys.
	AddPostFindings(ctx context.Context, deliveryKey string, findingKeys []string) error
	// ListPostsOfFinding returns the keys of posts that list the finding, in
	// the order they were recorded.
	ListPostsOfFinding(ctx context.Context, findingKey string) ([]string, error)

	// GroupSentAt returns when a message was last flushed for the
	// recipient's group (zero if never).
	GroupSentAt(ctx context.Context, recipient string, digest bool) (time.Time, error)
	// SetGroupSentAt records that a message was flushed for the group at at.
	SetGroupSentAt(ctx context.Context, recipient string, digest bool, at time.Time) error
	// LockFlush makes the calling transaction the only one flushing
	// notifications until it ends: another transaction's LockFlush waits
	// for it, then reads what it wrote. Without it, two replicas flushing
	// at once both read the same pending notifications and group them
	// into two identical posts. Called outside WithTx it holds nothing.
	LockFlush(ctx context.Context) error

	// SetAck records an acknowledgement; it reports false, changing
	// nothing, when the finding is already acknowledged.
	SetAck(ctx context.Context, a Ack) (bool, error)
	// GetAck returns the finding's acknowledgement, or ErrNotFound.
	GetAck(ctx context.Context, findingKey string) (Ack, error)
	// ClearAck forgets the finding's acknowledgement (no-op if none).
	ClearAck(ctx context.Context, findingKey string) error

	// MarkPostAttempt records that a post of the delivery is about to be
	// made, so that after a crash the next claimer knows it may have been.
	MarkPostAttempt(ctx context.Context, deliveryKey string, at time.Time) error
	// PostAttempted reports whether a post attempt is recorded.
	PostAttempted(ctx context.Context, deliveryKey string) (bool, error)
	// ClearPostAttempt forgets the attempt once its outcome is known.
	ClearPostAttempt(ctx context.Context, deliveryKey string) error

	// DeferDelivery returns a delivery its owner holds to pending at dueAt
	// without counting an attempt: it was not sent for a reason of ours
	// (pacing) or Slack's that says nothing was posted (rate limit). Same
	// lease rules as Outbox.RescheduleDelivery.
	DeferDelivery(ctx context.Context, key, owner, reason string, dueAt time.Time) error

	// CountOpenFindings counts open findings by rule and severity.
	CountOpenFindings(ctx context.Context) ([]FindingCount, error)
}
