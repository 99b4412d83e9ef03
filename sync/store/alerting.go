package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/liaisonhq/liaison/rules"
)

// FindingChange tells what an upsert did to a finding; the router decides
// from it whether to notify, update a message, or stay quiet.
type FindingChange int

// The outcomes of UpsertFinding.
const (
	FindingUnchanged FindingChange = iota // open before, same content; only LastSeen moved
	FindingNew                            // never seen
	FindingChanged                        // open before, content (severity, title, fields, URL) differs
	FindingReopened                       // was resolved, is back
)

var findingChangeNames = [...]string{"unchanged", "new", "changed", "reopened"}

// String returns the lowercase name of c.
func (c FindingChange) String() string {
	if c < 0 || int(c) >= len(findingChangeNames) {
		return "unknown"
	}
	return findingChangeNames[c]
}

// FindingFilter selects findings. Zero fields do not filter.
type FindingFilter struct {
	Rule     string
	ClientID string
}

// Findings stores what rules reported.
type Findings interface {
	// UpsertFinding records that a rule emits f now (f.LastSeen). A new or
	// reopened finding gets FirstSeen = f.FirstSeen (f.LastSeen when zero);
	// an open one keeps its FirstSeen. f.ResolvedAt is ignored: emitting a
	// finding means it is open.
	UpsertFinding(ctx context.Context, f rules.Finding) (FindingChange, error)
	// ResolveFinding marks the finding resolved at at. It reports whether the
	// finding was open (false: already resolved) or returns ErrNotFound.
	ResolveFinding(ctx context.Context, key string, at time.Time) (bool, error)
	// GetFinding returns a finding, open or resolved, or ErrNotFound.
	GetFinding(ctx context.Context, key string) (rules.Finding, error)
	// ListOpenFindings returns open findings matching f ordered by key.
	ListOpenFindings(ctx context.Context, f FindingFilter) ([]rules.Finding, error)
	// EachOpenFinding calls fn with each open finding matching f, in key
	// order, holding one at a time: a caller that keeps only a digest of
	// each need not hold them all. fn must not use the store; an error
	// from fn stops the walk and is returned.
	EachOpenFinding(ctx context.Context, f FindingFilter, fn func(*rules.Finding) error) error
}

// DeliveryKind is what a delivery does in Slack.
type DeliveryKind string

// Delivery kinds.
const (
	DeliveryPost      DeliveryKind = "post"      // chat.postMessage
	DeliveryUpdate    DeliveryKind = "update"    // chat.update of an earlier post
	DeliveryThread    DeliveryKind = "thread"    // reply in a thread
	DeliveryEphemeral DeliveryKind = "ephemeral" // chat.postEphemeral
)

// DeliveryState is where a delivery is in its life.
type DeliveryState string

// Delivery states. pending → sending (claimed, leased) → sent | failed, or
// back to pending when rescheduled or when the lease expires unfinished.
const (
	DeliveryPending DeliveryState = "pending"
	DeliverySending DeliveryState = "sending"
	DeliverySent    DeliveryState = "sent"
	DeliveryFailed  DeliveryState = "failed"
)

// Delivery is one message the outbox owes someone.
type Delivery struct {
	Key        string // unique; enqueueing an existing key is a no-op
	FindingKey string // may be empty for deliveries not tied to a finding (digests)
	Recipient  string // person id or channel the router chose
	ChannelID  string
	Kind       DeliveryKind
	Payload    json.RawMessage // rendered message; must be valid JSON
	DueAt      time.Time
	State      DeliveryState
	Attempts   int
	LastError  string // never contains secrets: callers pass redacted text
	SlackTS    string // ts of the posted message once sent
	LeaseOwner string
	LeaseUntil time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// DeliveryFilter selects deliveries. Zero fields do not filter.
type DeliveryFilter struct {
	State      DeliveryState
	FindingKey string
	Limit      int // 0 means no limit
}

// Outbox is the durable queue of deliveries. Its claims are exclusive across
// goroutines, processes and replicas sharing the database.
type Outbox interface {
	// EnqueueDelivery adds d as pending (State, Attempts, lease and SlackTS are
	// ignored). It reports false, changing nothing, when d.Key already exists.
	EnqueueDelivery(ctx context.Context, d Delivery) (bool, error)
	// ClaimDeliveries leases up to limit deliveries to owner until now+lease:
	// pending ones due at or before now, and sending ones whose lease expired
	// before now (their worker died). They come back as sending, ordered by
	// DueAt then Key. No delivery is ever held by two unexpired leases.
	ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// MarkDeliverySent records success and the posted message's ts. It returns
	// ErrLeaseLost unless owner holds the delivery in state sending, and
	// ErrNotFound for an unknown key.
	MarkDeliverySent(ctx context.Context, key, owner, slackTS string, at time.Time) error
	// MarkDeliveryFailed gives up on a delivery (permanent error) with reason.
	// Same lease rules as MarkDeliverySent.
	MarkDeliveryFailed(ctx context.Context, key, owner, reason string, at time.Time) error
	// RescheduleDelivery returns a delivery to pending after a transient error:
	// Attempts+1, DueAt = dueAt, LastError = reason. Same lease rules.
	RescheduleDelivery(ctx context.Context, key, owner, reason string, dueAt time.Time) error
	// GetDelivery returns one delivery, or ErrNotFound.
	GetDelivery(ctx context.Context, key string) (Delivery, error)
	// ListDeliveries returns deliveries matching f ordered by DueAt then Key.
	ListDeliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error)
}

// Silence mutes findings matching all its non-empty matchers between
// StartsAt (inclusive) and EndsAt (exclusive).
type Silence struct {
	ID         string // assigned by AddSilence when empty
	Rule       string
	ClientID   string
	SubjectID  string
	FindingKey string
	StartsAt   time.Time
	EndsAt     time.Time
	CreatedBy  string
	Comment    string
	CreatedAt  time.Time
}

// Active reports whether s is in force at t.
func (s Silence) Active(t time.Time) bool {
	return !t.Before(s.StartsAt) && t.Before(s.EndsAt)
}

// Matches reports whether s mutes f, ignoring time.
func (s Silence) Matches(f rules.Finding) bool {
	return (s.Rule == "" || s.Rule == f.Rule) &&
		(s.ClientID == "" || s.ClientID == f.ClientID) &&
		(s.SubjectID == "" || s.SubjectID == f.Subject.ID) &&
		(s.FindingKey == "" || s.FindingKey == f.Key)
}

// Silences stores silences.
type Silences interface {
	// AddSilence stores s and returns its ID. EndsAt must be after StartsAt
	// (ErrInvalid otherwise); a silence with no matcher at all is refused too,
	// since it would mute everything.
	AddSilence(ctx context.Context, s Silence) (string, error)
	// ListActiveSilences returns silences in force at t, ordered by ID.
	ListActiveSilences(ctx context.Context, t time.Time) ([]Silence, error)
	// ExpireSilence ends a silence at at (no-op if it already ended), or
	// returns ErrNotFound.
	ExpireSilence(ctx context.Context, id string, at time.Time) error
}

// ReportState remembers what was last written for a report part so an
// unchanged part is not written again (Sheets allows 60 writes a minute).
type ReportState struct {
	Key       string // e.g. "acme/2026-10/summary"
	Hash      string // caller's hash of the rendered content
	Data      json.RawMessage
	UpdatedAt time.Time
}

// Reports stores report state.
type Reports interface {
	// GetReportState returns the state for key, or ErrNotFound.
	GetReportState(ctx context.Context, key string) (ReportState, error)
	// PutReportState stores s unless the stored hash equals s.Hash; it
	// reports whether anything was written.
	PutReportState(ctx context.Context, s ReportState) (bool, error)
}

// AuditEntry records one thing Liaison or a person did.
type AuditEntry struct {
	ID     int64 // assigned by the store, increasing
	Time   time.Time
	Actor  string // "engine", "slack:U123", "cli"...
	Action string // "silence.add", "delivery.sent"...
	Detail string
}

// AuditFilter selects audit entries. Zero fields do not filter.
type AuditFilter struct {
	Since, Until time.Time // Time in [Since, Until)
	Actor        string
	Action       string
	Limit        int // 0 means no limit
}

// Audit is an append-only log.
type Audit interface {
	// AppendAudit adds e and returns its ID.
	AppendAudit(ctx context.Context, e AuditEntry) (int64, error)
	// ListAudit returns entries matching f ordered by Time then ID.
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
}
