package jira

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// Cursor sources owned by this connector.
const (
	SourceIssues          = "jira.issues"
	SourceWorklogs        = "jira.worklogs"
	SourceDeletedWorklogs = "jira.worklogs.deleted"
)

// Cursor format versions; a stored cursor of another version is treated as
// absent (a full pull) rather than misread.
const (
	issuesCursorVersion = 1
	feedCursorVersion   = 1
)

// issuesCursor holds, per project, the instant from which the next
// incremental search must ask for changes. Per project, so that a project
// added to a client later is backfilled from the start instead of being
// read from the others' cursor.
type issuesCursor struct {
	Projects map[string]time.Time `json:"projects"`
	// Backfill holds, per project whose first pull has not finished, the
	// last stored issue of the query that lists it, in the query's order
	// (updated, then key). Search's page tokens are not durable, so a pull
	// cut short (a job timeout, a restart) resumes after this issue instead
	// of from the first page.
	Backfill map[string]issueMark `json:"backfill,omitempty"`
}

// issueMark is a position in `ORDER BY updated ASC, key ASC`.
type issueMark struct {
	Updated time.Time `json:"updated"`
	Key     string    `json:"key"`
}

// after reports whether an issue (updated, key) comes after m in the
// backfill order; every issue comes after the zero mark.
func (m issueMark) after(updated time.Time, key string) bool {
	if m.Key == "" || updated.After(m.Updated) {
		return true
	}
	return updated.Equal(m.Updated) && compareKeys(key, m.Key) > 0
}

// compareKeys orders issue keys as Jira's `ORDER BY key` does: by project
// key, then by issue number as a number (ACME-9 before ACME-10).
func compareKeys(a, b string) int {
	pa, na := splitIssueKey(a)
	pb, nb := splitIssueKey(b)
	if c := strings.Compare(pa, pb); c != 0 {
		return c
	}
	return cmp.Compare(na, nb)
}

func splitIssueKey(k string) (string, int64) {
	i := strings.LastIndexByte(k, '-')
	if i < 0 {
		return k, 0
	}
	n, err := strconv.ParseInt(k[i+1:], 10, 64)
	if err != nil {
		return k, 0
	}
	return k[:i], n
}

func loadIssuesCursor(ctx context.Context, cs store.Cursors) (issuesCursor, error) {
	cur := issuesCursor{Projects: map[string]time.Time{}, Backfill: map[string]issueMark{}}
	c, err := cs.GetCursor(ctx, SourceIssues)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return cur, nil
	case err != nil:
		return cur, fmt.Errorf("reading cursor %s: %w", SourceIssues, err)
	case c.Version != issuesCursorVersion:
		return cur, nil
	}
	if err := json.Unmarshal(c.Data, &cur); err != nil {
		return issuesCursor{Projects: map[string]time.Time{}, Backfill: map[string]issueMark{}}, fmt.Errorf("decoding cursor %s: %w", SourceIssues, err)
	}
	if cur.Projects == nil {
		cur.Projects = map[string]time.Time{}
	}
	if cur.Backfill == nil {
		cur.Backfill = map[string]issueMark{}
	}
	return cur, nil
}

func (c issuesCursor) clone() issuesCursor {
	out := issuesCursor{Projects: make(map[string]time.Time, len(c.Projects)),
		Backfill: make(map[string]issueMark, len(c.Backfill))}
	for k, v := range c.Projects {
		out.Projects[k] = v
	}
	for k, v := range c.Backfill {
		out.Backfill[k] = v
	}
	return out
}

// advance moves the projects' cursors to t, never backwards.
func (c issuesCursor) advance(projects []string, t time.Time) {
	t = t.UTC().Truncate(time.Millisecond)
	for _, p := range projects {
		if t.After(c.Projects[p]) {
			c.Projects[p] = t
		}
	}
}

// oldest returns the earliest cursor among projects; zero when one of them
// has none.
func (c issuesCursor) oldest(projects []string) time.Time {
	var min time.Time
	for i, p := range projects {
		t := c.Projects[p]
		if t.IsZero() {
			return time.Time{}
		}
		if i == 0 || t.Before(min) {
			min = t
		}
	}
	return min
}

func (c issuesCursor) put(ctx context.Context, cs store.Cursors) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding cursor %s: %w", SourceIssues, err)
	}
	if err := cs.PutCursor(ctx, store.Cursor{Source: SourceIssues, Version: issuesCursorVersion, Data: b}); err != nil {
		return fmt.Errorf("saving cursor %s: %w", SourceIssues, err)
	}
	return nil
}

// feedCursor is where a worklog change feed resumes: the next "since", in
// Unix milliseconds (the last page's until + 1).
type feedCursor struct {
	Since int64 `json:"since"`
}

func loadFeedCursor(ctx context.Context, cs store.Cursors, source string) (feedCursor, error) {
	var cur feedCursor
	c, err := cs.GetCursor(ctx, source)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return cur, nil
	case err != nil:
		return cur, fmt.Errorf("reading cursor %s: %w", source, err)
	case c.Version != feedCursorVersion:
		return cur, nil
	}
	if err := json.Unmarshal(c.Data, &cur); err != nil {
		return feedCursor{}, fmt.Errorf("decoding cursor %s: %w", source, err)
	}
	return cur, nil
}

func (c feedCursor) put(ctx context.Context, cs store.Cursors, source string) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding cursor %s: %w", source, err)
	}
	if err := cs.PutCursor(ctx, store.Cursor{Source: source, Version: feedCursorVersion, Data: b}); err != nil {
		return fmt.Errorf("saving cursor %s: %w", source, err)
	}
	return nil
}
