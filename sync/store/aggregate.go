package store

import (
	"sort"
	"time"
)

// MetricTotals collects the rows of a grouped metrics query — one (date,
// dimension, metric name, sum) per row — into the MetricTotal list that
// Metrics.QueryMetrics returns. Implementations share it so that the
// grouping, ordering and limit behave the same on every database; the
// zero value is ready to use.
type MetricTotals struct {
	groups map[[2]string]map[string]float64
}

// Add records one row; date and dimension are empty when not grouped by.
func (t *MetricTotals) Add(date, dimension, name string, sum float64) {
	if t.groups == nil {
		t.groups = map[[2]string]map[string]float64{}
	}
	g := [2]string{date, dimension}
	if t.groups[g] == nil {
		t.groups[g] = map[string]float64{}
	}
	t.groups[g][name] = sum
}

// Result returns the totals ordered as mq asks (by OrderBy descending if
// set, then date, then dimension) and cut to mq.Limit.
func (t *MetricTotals) Result(mq MetricQuery) []MetricTotal {
	out := make([]MetricTotal, 0, len(t.groups))
	for g, m := range t.groups {
		out = append(out, MetricTotal{Date: g[0], Dimension: g[1], Metrics: m})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if mq.OrderBy != "" && a.Metrics[mq.OrderBy] != b.Metrics[mq.OrderBy] {
			return a.Metrics[mq.OrderBy] > b.Metrics[mq.OrderBy]
		}
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return a.Dimension < b.Dimension
	})
	if mq.Limit > 0 && len(out) > mq.Limit {
		out = out[:mq.Limit]
	}
	return out
}

// WorklogSums groups worklog rows as a WorklogQuery asks. Grouping by day
// happens here rather than in SQL because WorklogQuery.Location is a Go
// zone (possibly a fixed offset with no IANA name) that neither database
// can be handed reliably.
type WorklogSums struct {
	q    WorklogQuery
	loc  *time.Location
	sums map[WorklogSum]int64
}

// NewWorklogSums returns an empty grouping for wq.
func NewWorklogSums(wq WorklogQuery) *WorklogSums {
	loc := wq.Location
	if loc == nil {
		loc = time.UTC
	}
	return &WorklogSums{q: wq, loc: loc, sums: map[WorklogSum]int64{}}
}

// Add counts one worklog.
func (s *WorklogSums) Add(issueKey, authorAccountID string, started time.Time, seconds int64) {
	var g WorklogSum
	if s.q.ByIssue {
		g.IssueKey = issueKey
	}
	if s.q.ByAuthor {
		g.AuthorAccountID = authorAccountID
	}
	if s.q.ByDay {
		g.Day = started.In(s.loc).Format(time.DateOnly)
	}
	s.sums[g] += seconds
}

// Result returns the sums ordered by day, issue and author.
func (s *WorklogSums) Result() []WorklogSum {
	out := make([]WorklogSum, 0, len(s.sums))
	for g, n := range s.sums {
		g.Seconds = n
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		if a.IssueKey != b.IssueKey {
			return a.IssueKey < b.IssueKey
		}
		return a.AuthorAccountID < b.AuthorAccountID
	})
	return out
}
