package connectors

import (
	"strconv"
	"strings"
	"time"
)

// StatusCategory is Jira's coarse status grouping, which stays stable when
// projects rename or add workflow statuses; rules branch on it, not on Status.
type StatusCategory string

// The three categories Jira Cloud reports in statusCategory.key.
const (
	StatusCategoryNew        StatusCategory = "new"
	StatusCategoryInProgress StatusCategory = "indeterminate"
	StatusCategoryDone       StatusCategory = "done"
)

// Task is one Jira issue as the rules need it.
//
// Estimates are pointers because Jira distinguishes "no estimate" (field
// absent or null) from an estimate of zero, and the workload rule must not
// read a missing estimate as "no work left".
type Task struct {
	Key               string         // "ACME-12"
	ID                string         // Jira's numeric id, as a string
	ProjectKey        string         // "ACME"
	Summary           string         // issue title
	Status            string         // workflow status name, for display only
	StatusCategory    StatusCategory // what rules branch on
	AssigneeAccountID string         // Atlassian account id; empty when unassigned
	DueDate           string         // civil date "2006-01-02" in the client's zone; empty when unset
	OriginalEstimate  *int64         // seconds; nil when unset
	RemainingEstimate *int64         // seconds; nil when unset
	TimeSpent         *int64         // seconds; nil when nothing was logged
	Labels            []string
	IssueType         string
	ParentKey         string // epic or parent issue; empty when none
	Created           time.Time
	Updated           time.Time
	Resolved          time.Time // zero while unresolved
	Deleted           bool      // the issue vanished upstream (deleted or moved out of scope)
}

// Open reports whether the task still asks for work: not done and not deleted.
func (t Task) Open() bool {
	return t.StatusCategory != StatusCategoryDone && !t.Deleted
}

// Secs returns a pointer to n, for filling the optional estimate fields of Task.
func Secs(n int64) *int64 { return &n }

// Worklog is one time entry logged against a Jira issue.
type Worklog struct {
	ID              string
	IssueKey        string
	AuthorAccountID string
	Started         time.Time // when the work started, as logged
	Seconds         int64     // timeSpentSeconds
	Updated         time.Time
}

// Message is one Slack message, from an event or from history catch-up.
//
// TS and ThreadTS are Slack timestamps ("1700000000.000100"): they identify
// messages within a channel and, having a fixed shape, sort as text.
type Message struct {
	ChannelID string
	TS        string
	ThreadTS  string // parent's ts for replies; equal to TS for a thread parent; empty otherwise
	UserID    string
	TeamID    string // the author's workspace; another team's id marks an external user
	Text      string
	Subtype   string // "", "bot_message", "thread_broadcast", ...
	EditedTS  string // ts of the last edit; empty when never edited
	Deleted   bool
	Permalink string
	ClientID  string // the agency's client owning the channel; empty when unmapped
}

// Time returns the instant encoded in the message's TS, or the zero time when
// TS is malformed.
func (m Message) Time() time.Time {
	return SlackTime(m.TS)
}

// SlackTime parses a Slack timestamp ("1700000000.000100") into an instant.
// It returns the zero time for a malformed value.
func SlackTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}
	}
	var us int64
	if frac != "" {
		if len(frac) > 6 {
			frac = frac[:6]
		}
		frac += strings.Repeat("0", 6-len(frac))
		if us, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return time.Time{}
		}
	}
	return time.Unix(s, us*1000).UTC()
}

// Metric sources.
const (
	SourceAds = "ads" // Google Ads
	SourceGSC = "gsc" // Google Search Console
)

// Metric names used in MetricRow.Metrics. Every value is additive, so that
// totals over days, campaigns or accounts are plain sums; averages are stored
// as weighted sums and divided at read time.
const (
	MetricImpressions      = "impressions"
	MetricClicks           = "clicks"
	MetricCost             = "cost"              // account currency units (cost_micros / 1e6)
	MetricConversions      = "conversions"       // Ads; fractional with data-driven attribution
	MetricConversionsValue = "conversions_value" // Ads, account currency units
	MetricPositionSum      = "position_sum"      // GSC: average position × impressions
)

// MetricRow is one day of metrics for one account and one dimension value.
//
// Metrics is a map rather than fixed fields because Ads and Search Console
// report different sets and reports add metrics over time without a schema
// change; the keys are the Metric* constants.
type MetricRow struct {
	Source    string // SourceAds or SourceGSC
	ClientID  string
	Account   string // Ads customer id ("1234567890") or GSC property ("sc-domain:example.com")
	Date      string // civil date "2006-01-02" in the account's reporting zone
	Dimension string // "kind:value" ("campaign:123", "query:...", "page:..."); "" for the account's daily total
	Metrics   map[string]float64
}

// DimensionKind returns the part of Dimension before the first colon ("campaign"
// for "campaign:123"), or "" for a total row.
func (r MetricRow) DimensionKind() string {
	kind, _, _ := strings.Cut(r.Dimension, ":")
	return kind
}
