package store

import (
	"context"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// Cursor is where a connector's incremental pull stopped.
//
// Version is the format version of Data, owned by the connector: when the
// connector changes what it stores, it bumps the version and treats a cursor
// with another version as absent, instead of misreading it.
type Cursor struct {
	Source    string // "jira", "slack:C123", "ads:1234567890"...
	Version   int
	Data      []byte // opaque to the store, usually JSON
	UpdatedAt time.Time
}

// Cursors stores one cursor per source.
type Cursors interface {
	// GetCursor returns the cursor of source, or ErrNotFound before the first Put.
	GetCursor(ctx context.Context, source string) (Cursor, error)
	// PutCursor replaces the cursor of c.Source. Connectors call it only after
	// what the pull brought is stored, ideally in the same transaction.
	PutCursor(ctx context.Context, c Cursor) error
}

// TaskFilter selects tasks. Zero fields do not filter.
type TaskFilter struct {
	ProjectKeys       []string // any of these projects
	IDs               []string // any of these Jira issue ids (an id survives a move; the key does not)
	OpenOnly          bool     // status category not "done"
	AssigneeAccountID string
	DueBefore         string // civil date; only tasks with a due date strictly before it
	IncludeDeleted    bool   // deleted tasks are left out unless set
}

// Tasks stores Jira issues.
type Tasks interface {
	// UpsertTasks inserts or replaces tasks by Key, atomically for the batch.
	// A record whose Updated is older than the stored one is ignored, so a
	// stale page (Jira search is eventually consistent) never regresses a task.
	UpsertTasks(ctx context.Context, tasks []connectors.Task) error
	// GetTask returns the task with key (deleted or not), or ErrNotFound.
	GetTask(ctx context.Context, key string) (connectors.Task, error)
	// ListTasks returns the tasks matching f, ordered by key.
	ListTasks(ctx context.Context, f TaskFilter) ([]connectors.Task, error)
	// MarkTasksDeleted flags tasks as deleted; unknown keys are ignored.
	MarkTasksDeleted(ctx context.Context, keys []string) error
}

// WorklogQuery selects worklogs to sum. From and To are required; the other
// fields filter only when set.
type WorklogQuery struct {
	From, To          time.Time      // Started in [From, To)
	Location          *time.Location // zone defining Day; UTC when nil
	ProjectKeys       []string       // derived from the issue key ("ACME" for "ACME-12")
	IssueKeys         []string
	AuthorAccountIDs  []string
	ByIssue, ByAuthor bool // group by these; otherwise those fields are empty in the result
	ByDay             bool
}

// WorklogSum is the time logged for one group of a WorklogQuery.
type WorklogSum struct {
	IssueKey        string
	AuthorAccountID string
	Day             string // civil date in the query's Location
	Seconds         int64
}

// Worklogs stores Jira worklogs.
type Worklogs interface {
	// UpsertWorklogs inserts or replaces worklogs by ID, atomically for the batch.
	UpsertWorklogs(ctx context.Context, logs []connectors.Worklog) error
	// DeleteWorklogs removes worklogs by ID; unknown ids are ignored.
	DeleteWorklogs(ctx context.Context, ids []string) error
	// SumWorklogs totals seconds per group, ordered by day, issue, author.
	SumWorklogs(ctx context.Context, q WorklogQuery) ([]WorklogSum, error)
}

// MessageFilter selects messages. Zero fields do not filter.
type MessageFilter struct {
	ChannelIDs     []string
	ClientID       string
	SinceTS        string // only messages with TS strictly after it
	IncludeDeleted bool
	Limit          int // 0 means no limit
}

// Messages stores Slack messages.
type Messages interface {
	// UpsertMessages inserts or replaces messages by (ChannelID, TS), atomically
	// for the batch. Slack delivers events twice and edits out of order, so a
	// record whose EditedTS is older than the stored one is ignored, and a
	// deleted message stays deleted.
	UpsertMessages(ctx context.Context, msgs []connectors.Message) error
	// GetMessage returns one message, or ErrNotFound.
	GetMessage(ctx context.Context, channelID, ts string) (connectors.Message, error)
	// ListMessages returns messages matching f ordered by TS then channel.
	ListMessages(ctx context.Context, f MessageFilter) ([]connectors.Message, error)
	// Thread returns the parent (TS == threadTS) and its replies, ordered by
	// TS, deleted ones left out.
	Thread(ctx context.Context, channelID, threadTS string) ([]connectors.Message, error)
	// MarkMessageDeleted flags a message as deleted (message_deleted events
	// carry no content), or returns ErrNotFound.
	MarkMessageDeleted(ctx context.Context, channelID, ts string) error
}

// MetricQuery selects metric rows to total. Source, DateFrom and DateTo are
// required.
type MetricQuery struct {
	Source           string
	ClientID         string   // filter when set
	Accounts         []string // filter when set
	DateFrom, DateTo string   // inclusive civil dates
	// DimensionKind chooses the rows: "" for the accounts' daily totals,
	// "campaign", "query", "page"... for rows of that dimension. Rows of
	// different kinds describe the same traffic, so they are never mixed.
	DimensionKind string
	ByDate        bool // group by date
	ByDimension   bool // group by dimension value
	// OrderBy names a metric to sort groups by, descending ("top queries");
	// empty sorts by date then dimension.
	OrderBy string
	Limit   int // 0 means all groups
}

// MetricTotal is one group of a MetricQuery with its summed metrics.
type MetricTotal struct {
	Date      string // set when grouped by date
	Dimension string // full "kind:value", set when grouped by dimension
	Metrics   map[string]float64
}

// Metrics stores daily metric rows.
type Metrics interface {
	// ReplaceMetrics atomically replaces every stored row of (source, account)
	// dated within [dateFrom, dateTo] with rows, so re-pulling a trailing
	// window never double counts. Every row must carry that source and
	// account, a date inside the window, and be unique by (date, dimension);
	// otherwise nothing changes and the error matches ErrInvalid.
	ReplaceMetrics(ctx context.Context, source, account, dateFrom, dateTo string, rows []connectors.MetricRow) error
	// QueryMetrics sums metrics per group.
	QueryMetrics(ctx context.Context, q MetricQuery) ([]MetricTotal, error)
}
