package jira

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// DefaultBackfillStreams is how many queries a first pull (or a catch-up
// of projects left behind) runs at once. Search pages follow each other
// by token, one request at a time per query, so a single query is as fast
// as one round trip plus storing allows, far below Jira's 100 requests a
// second; several queries over disjoint projects share the rate instead.
const DefaultBackfillStreams = 4

// minStreamProjects is the fewest projects a query of its own is split
// off for: small groups stay one query, as they cost a few pages.
const minStreamProjects = 8

// splitStreams divides projects into up to n groups of nearly equal size,
// each of at least minStreamProjects projects, keeping their order.
func splitStreams(projects []string, n int) [][]string {
	n = min(n, len(projects)/minStreamProjects)
	if n <= 1 {
		return [][]string{projects}
	}
	out := make([][]string, 0, n)
	for i := range n {
		out = append(out, projects[i*len(projects)/n:(i+1)*len(projects)/n])
	}
	return out
}

// backfillQuery is one query naming projects: a first pull from mark
// (non-nil), or a catch-up of projects whose cursors fell behind.
type backfillQuery struct {
	part []string
	jql  string
	mark *issueMark
}

// pageStore serializes the storing of pages from queries running at once:
// each page is stored, with the cursor step it makes, in one transaction,
// and the cursor in memory takes the step only once that committed.
type pageStore struct {
	mu    sync.Mutex
	cur   *issuesCursor
	stats *Stats
}

// runQueries runs qs, at most s.streams at once, and returns their errors
// in the order of qs. A query's failure does not stop the others; queries
// not started when ctx ends are not started.
func (s *Syncer) runQueries(ctx context.Context, pages *pageStore, qs []backfillQuery, safe time.Time) []error {
	errs := make([]error, len(qs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(max(1, s.streams), len(qs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				q := qs[i]
				errs[i] = s.syncQuery(ctx, pages, q.part, q.jql, safe, q.mark)
			}
		}()
	}
feed:
	for i := range qs {
		select {
		case next <- i:
		case <-ctx.Done():
			errs[i] = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	return errs
}

// syncQuery pages through one query, storing each page with a cursor that
// advances the projects in part, in one transaction. The next page
// downloads while this one is stored.
//
// A non-nil mark makes it a first pull (backfill) of part: issues up to the
// mark are skipped (a resumed pull asks again for the mark's minute), each
// stored page records its last issue as the projects' mark, and only the
// last page sets their cursors; until then they stay first pulls, resumed
// from their mark by the next pass.
func (s *Syncer) syncQuery(ctx context.Context, pages *pageStore, part []string, jql string, safe time.Time, mark *issueMark) error {
	rc := reqContext{clients: s.clientsOf(part)}
	var pos issueMark
	if mark != nil {
		pos = *mark
	}
	q := searchQuery{jql: jql, fields: taskFields, maxResults: pageSizeFields, reconcile: s.c.recentWrites(), prefetch: true}
	return s.c.searchPages(ctx, "searching issues", rc, q, func(p searchPage) error {
		tasks := make([]connectors.Task, 0, len(p.Issues))
		all := make([]connectors.Task, 0, len(p.Issues))
		var newest time.Time
		last := pos
		outside := 0
		for _, is := range p.Issues {
			t := toTask(is)
			if mark != nil {
				if !pos.after(t.Updated, t.Key) {
					continue // stored by the pull this one resumes
				}
				// Only a change search surely shows may become the mark:
				// one within the consistency lag could still be preceded
				// by changes not indexed yet.
				if t.Updated.Before(safe) && last.after(t.Updated, t.Key) {
					last = issueMark{Updated: t.Updated, Key: t.Key}
				}
			}
			all = append(all, t)
			if t.Updated.After(newest) {
				newest = t.Updated
			}
			if _, ours := s.clientOf[t.ProjectKey]; ours {
				tasks = append(tasks, t)
			} else {
				outside++
			}
		}
		done := p.IsLast || p.NextPageToken == ""
		step := cursorStep{projects: part}
		switch {
		case mark != nil && done:
			step.dropMarks, step.advanceTo = true, safe
		case mark != nil:
			step.setMark, step.mark = last.Key != "", last
		case done:
			step.advanceTo = safe
		case !newest.IsZero():
			// Results come oldest change first: everything before this
			// page's newest change that search could show has been shown.
			step.advanceTo = minTime(newest, safe)
		}

		pages.mu.Lock()
		defer pages.mu.Unlock()
		pages.stats.Requests++
		pages.stats.Fetched += len(p.Issues)
		pages.stats.Outside += outside
		if err := ctx.Err(); err != nil {
			return err
		}
		var changed []connectors.Task
		var moved []string
		err := s.st.WithTx(ctx, func(tx store.Tx) error {
			stored, err := storedByID(ctx, tx, all)
			if err != nil {
				return err
			}
			if moved, err = retireMoved(ctx, tx, all, stored); err != nil {
				return err
			}
			if changed, err = upsertChanged(ctx, tx, tasks, stored); err != nil {
				return err
			}
			return pages.cur.save(ctx, tx, step)
		})
		if err != nil {
			return &opError{op: "storing issues", clients: rc.clients, jql: jql, err: err}
		}
		pages.cur.take(step)
		pos = last
		pages.stats.Changed += len(changed)
		pages.stats.Moved += len(moved)
		s.c.m.issuesSynced.WithLabelValues("changed").Add(float64(len(changed)))
		s.c.m.issuesSynced.WithLabelValues("unchanged").Add(float64(len(tasks) - len(changed)))
		if len(moved) > 0 {
			s.c.m.tasksDeleted.Add(float64(len(moved)))
			s.log.Info("jira tasks moved to another project retired", "count", len(moved), "keys", strings.Join(moved, ","))
		}
		s.reportUnknownAssignees(changed)
		return nil
	})
}
