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

// maxPagesPerTx bounds how many pages, waiting at once, one transaction
// stores.
const maxPagesPerTx = 8

// pageStore stores the pages of queries running at once, one transaction
// at a time: pages that arrive while one is being stored wait and are then
// stored together (up to maxPagesPerTx), each with the cursor step it
// makes, in page order per query. The cursor in memory takes the steps
// only once their transaction committed. Storing several pages at once
// costs one commit and touches each index page once for all of them.
type pageStore struct {
	mu    sync.Mutex
	cond  *sync.Cond
	queue []*storedPage
	busy  bool // a transaction is under way
	cur   *issuesCursor
	stats *Stats
}

func newPageStore(cur *issuesCursor, stats *Stats) *pageStore {
	ps := &pageStore{cur: cur, stats: stats}
	ps.cond = sync.NewCond(&ps.mu)
	return ps
}

// storedPage is one page waiting to be stored, and the outcome.
type storedPage struct {
	all, tasks []connectors.Task // every issue of the page; those of scoped projects
	step       cursorStep
	rc         reqContext
	jql        string

	done           bool
	err            error
	changed, moved int
	changedTasks   []connectors.Task
	movedKeys      []string
}

// store stores p, with pages that other queries hand in meanwhile, and
// returns once its transaction has committed or failed.
func (ps *pageStore) store(ctx context.Context, s *Syncer, p *storedPage) error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.queue = append(ps.queue, p)
	for !p.done {
		if ps.busy {
			ps.cond.Wait()
			continue
		}
		// Store what waits, oldest first, in one transaction.
		n := min(len(ps.queue), maxPagesPerTx)
		batch := ps.queue[:n:n]
		ps.queue = ps.queue[n:]
		ps.busy = true
		ps.mu.Unlock()
		err := s.storePages(ctx, ps.cur, batch)
		ps.mu.Lock()
		ps.finish(s, batch, err)
		ps.busy = false
		ps.cond.Broadcast()
	}
	return p.err
}

// finish records the outcome of a batch's transaction.
func (ps *pageStore) finish(s *Syncer, batch []*storedPage, err error) {
	for _, b := range batch {
		b.done = true
		if err != nil {
			b.err = &opError{op: "storing issues", clients: b.rc.clients, jql: b.jql, err: err}
			continue
		}
		ps.stats.Changed += len(b.changedTasks)
		ps.stats.Moved += len(b.movedKeys)
		s.c.m.issuesSynced.WithLabelValues("changed").Add(float64(len(b.changedTasks)))
		s.c.m.issuesSynced.WithLabelValues("unchanged").Add(float64(len(b.tasks) - len(b.changedTasks)))
		if len(b.movedKeys) > 0 {
			s.c.m.tasksDeleted.Add(float64(len(b.movedKeys)))
			s.log.Info("jira tasks moved to another project retired", "count", len(b.movedKeys), "keys", strings.Join(b.movedKeys, ","))
		}
		s.reportUnknownAssignees(b.changedTasks)
	}
}

// storePages stores batch in one transaction, with the cursor rows its
// steps change written once, and applies the steps to cur once it
// committed.
func (s *Syncer) storePages(ctx context.Context, cur *issuesCursor, batch []*storedPage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	steps := make([]cursorStep, len(batch))
	for i, b := range batch {
		steps[i] = b.step
	}
	err := s.st.WithTx(ctx, func(tx store.Tx) error {
		for _, b := range batch {
			stored, err := storedByID(ctx, tx, b.all)
			if err != nil {
				return err
			}
			if b.movedKeys, err = retireMoved(ctx, tx, b.all, stored); err != nil {
				return err
			}
			if b.changedTasks, err = upsertChanged(ctx, tx, b.tasks, stored); err != nil {
				return err
			}
		}
		return cur.save(ctx, tx, steps...)
	})
	if err != nil {
		return err
	}
	cur.take(steps...)
	return nil
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
		pages.stats.Requests++
		pages.stats.Fetched += len(p.Issues)
		pages.stats.Outside += outside
		pages.mu.Unlock()
		if err := pages.store(ctx, s, &storedPage{all: all, tasks: tasks, step: step, rc: rc, jql: jql}); err != nil {
			return err
		}
		pos = last
		return nil
	})
}
