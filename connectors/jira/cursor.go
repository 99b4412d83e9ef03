package jira

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// Cursor sources owned by this connector.
const (
	SourceIssues          = "jira.issues"
	SourceIssuesBackfill  = "jira.issues.backfill"
	SourceWorklogs        = "jira.worklogs"
	SourceDeletedWorklogs = "jira.worklogs.deleted"
)

// Cursor format versions; a stored cursor of another version is treated as
// absent (a full pull) rather than misread.
const (
	issuesCursorVersion   = 1
	backfillCursorVersion = 1
	feedCursorVersion     = 1
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
	//
	// Written as SourceIssuesBackfill, apart from the projects' cursors:
	// a backfill page rewrites the resume points, not every cursor. A
	// projects row with them inside is read as well.
	Backfill map[string]issueMark `json:"backfill,omitempty"`

	legacyMarks bool // Backfill was read from the projects row
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

// readCursor decodes the cursor of source into v when it is stored at
// version, and reports whether it was; a missing cursor or one of another
// version leaves v alone (the pull starts afresh).
func readCursor(ctx context.Context, cs store.Cursors, source string, version int, v any) (bool, error) {
	c, err := cs.GetCursor(ctx, source)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("reading cursor %s: %w", source, err)
	case c.Version != version:
		return false, nil
	}
	if err := json.Unmarshal(c.Data, v); err != nil {
		return false, fmt.Errorf("decoding cursor %s: %w", source, err)
	}
	return true, nil
}

func loadIssuesCursor(ctx context.Context, cs store.Cursors) (issuesCursor, error) {
	fresh := func() issuesCursor {
		return issuesCursor{Projects: map[string]time.Time{}, Backfill: map[string]issueMark{}}
	}
	cur := fresh()
	// A first pull's resume points are written before any project's
	// cursor is, so a missing projects row does not end the read.
	found, err := readCursor(ctx, cs, SourceIssues, issuesCursorVersion, &cur)
	if err != nil {
		return fresh(), err
	}
	if found {
		if cur.Projects == nil {
			cur.Projects = map[string]time.Time{}
		}
		if cur.Backfill == nil {
			cur.Backfill = map[string]issueMark{}
		}
		// Resume points written by this version live in their own row;
		// marks still inside the projects row were written before, and
		// the first save moves them out.
		cur.legacyMarks = len(cur.Backfill) > 0
	}
	var marks backfillCursor
	if _, err := readCursor(ctx, cs, SourceIssuesBackfill, backfillCursorVersion, &marks); err != nil {
		return cur, err
	}
	for _, g := range marks.Marks {
		for _, p := range g.Projects {
			cur.Backfill[p] = issueMark{Updated: g.Updated, Key: g.Key}
		}
	}
	return cur, nil
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

// cursorStep is what one stored page changes in the issues cursor, for
// the projects its query lists.
type cursorStep struct {
	projects  []string
	advanceTo time.Time // non-zero: move the projects' cursors up to it
	setMark   bool      // record mark as the projects' resume point
	mark      issueMark
	dropMarks bool // the projects' first pull is over
}

// save writes, within cs (the pages' transaction), the rows steps change,
// leaving c as it was; take applies the steps to c once that transaction
// has committed. The projects row is written only when a project's cursor
// moves, the resume points only when one changes, so a backfill page
// costs the resume points of the pulls under way, not every project's
// cursor.
func (c *issuesCursor) save(ctx context.Context, cs store.Cursors, steps ...cursorStep) error {
	var moved, marks bool
	var undo []func()
	defer func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}()
	for _, step := range steps {
		m, k := c.changes(step)
		moved, marks = moved || m, marks || k
		undo = append(undo, c.change(step))
	}
	if !moved && !marks {
		return nil
	}
	return c.write(ctx, cs, moved || (marks && c.legacyMarks), marks || c.legacyMarks)
}

// take applies steps whose rows save wrote and whose transaction committed.
func (c *issuesCursor) take(steps ...cursorStep) {
	for _, step := range steps {
		moved, marks := c.changes(step)
		if !moved && !marks {
			continue
		}
		c.change(step)
		c.legacyMarks = false
	}
}

// changes reports whether step moves a project's cursor and whether it
// changes resume points.
func (c *issuesCursor) changes(step cursorStep) (moved, marks bool) {
	if !step.advanceTo.IsZero() {
		t := step.advanceTo.UTC().Truncate(time.Millisecond)
		for _, p := range step.projects {
			if t.After(c.Projects[p]) {
				moved = true
				break
			}
		}
	}
	return moved, step.setMark || step.dropMarks
}

// change applies step to c in place and returns what restores c.
func (c *issuesCursor) change(step cursorStep) (undo func()) {
	oldProjects := make(map[string]time.Time, len(step.projects))
	oldMarks := make(map[string]issueMark, len(step.projects))
	for _, p := range step.projects {
		oldProjects[p] = c.Projects[p]
		if m, ok := c.Backfill[p]; ok {
			oldMarks[p] = m
		}
	}
	if !step.advanceTo.IsZero() {
		c.advance(step.projects, step.advanceTo)
	}
	for _, p := range step.projects {
		switch {
		case step.dropMarks:
			delete(c.Backfill, p)
		case step.setMark:
			c.Backfill[p] = step.mark
		}
	}
	return func() {
		for p, t := range oldProjects {
			if t.IsZero() {
				delete(c.Projects, p)
			} else {
				c.Projects[p] = t
			}
			if m, ok := oldMarks[p]; ok {
				c.Backfill[p] = m
			} else {
				delete(c.Backfill, p)
			}
		}
	}
}

// write saves the projects row, the resume points' row, or both.
func (c issuesCursor) write(ctx context.Context, cs store.Cursors, projects, marks bool) error {
	if projects {
		b, err := json.Marshal(issuesCursor{Projects: c.Projects})
		if err != nil {
			return fmt.Errorf("encoding cursor %s: %w", SourceIssues, err)
		}
		if err := cs.PutCursor(ctx, store.Cursor{Source: SourceIssues, Version: issuesCursorVersion, Data: b}); err != nil {
			return fmt.Errorf("saving cursor %s: %w", SourceIssues, err)
		}
	}
	if marks {
		b, err := json.Marshal(c.backfillCursor())
		if err != nil {
			return fmt.Errorf("encoding cursor %s: %w", SourceIssuesBackfill, err)
		}
		if err := cs.PutCursor(ctx, store.Cursor{Source: SourceIssuesBackfill, Version: backfillCursorVersion, Data: b}); err != nil {
			return fmt.Errorf("saving cursor %s: %w", SourceIssuesBackfill, err)
		}
	}
	return nil
}

// backfillCursor is the row of resume points: the projects of one query
// share their mark, so each mark is written once with its projects.
type backfillCursor struct {
	Marks []markGroup `json:"marks"`
}

type markGroup struct {
	Updated  time.Time `json:"updated"`
	Key      string    `json:"key"`
	Projects []string  `json:"projects"`
}

func (c issuesCursor) backfillCursor() backfillCursor {
	byMark := map[issueMark][]string{}
	for p, m := range c.Backfill {
		byMark[m] = append(byMark[m], p)
	}
	out := backfillCursor{Marks: make([]markGroup, 0, len(byMark))}
	for m, ps := range byMark {
		sort.Strings(ps)
		out.Marks = append(out.Marks, markGroup{Updated: m.Updated, Key: m.Key, Projects: ps})
	}
	sort.Slice(out.Marks, func(i, j int) bool { return out.Marks[i].Projects[0] < out.Marks[j].Projects[0] })
	return out
}

// feedCursor is where a worklog change feed resumes: the next "since", in
// Unix milliseconds (the last page's until + 1).
type feedCursor struct {
	Since int64 `json:"since"`
}

func loadFeedCursor(ctx context.Context, cs store.Cursors, source string) (feedCursor, error) {
	var cur feedCursor
	if _, err := readCursor(ctx, cs, source, feedCursorVersion, &cur); err != nil {
		return feedCursor{}, err
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
