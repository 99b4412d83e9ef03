package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// worklogListMax is Jira's cap on ids per /worklog/list call.
const worklogListMax = 1000

// changedWorklogs is ChangedWorklogs, the page of /worklog/updated and
// /worklog/deleted.
type changedWorklogs struct {
	Values []struct {
		WorklogID json.Number `json:"worklogId"`
	} `json:"values"`
	Since    int64  `json:"since"`
	Until    int64  `json:"until"`
	LastPage bool   `json:"lastPage"`
	NextPage string `json:"nextPage"`
}

// apiWorklog is the part of Worklog we keep.
type apiWorklog struct {
	ID      string `json:"id"`
	IssueID string `json:"issueId"`
	Author  *struct {
		AccountID string `json:"accountId"`
	} `json:"author"`
	Started          jiraTime `json:"started"`
	TimeSpentSeconds int64    `json:"timeSpentSeconds"`
	Updated          jiraTime `json:"updated"`
}

// WorklogStats describe one worklog pass.
type WorklogStats struct {
	Requests int // change-feed pages read
	Changed  int // worklog ids the feed reported
	Stored   int // worklogs stored (on issues of the clients' projects)
	Skipped  int // worklogs on issues outside the clients' projects, or deleted meanwhile
}

// SyncWorklogs reads the worklogs changed since the last pass from the
// /worklog/updated feed, fetches only those through /worklog/list, keeps the
// ones on stored tasks of the clients' projects and stores them; each page's
// cursor (the page's until) is saved with what it brought. An idle pass is
// one feed request. Run it after SyncIssues so that new issues are known.
func (s *Syncer) SyncWorklogs(ctx context.Context) (WorklogStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var stats WorklogStats
	if len(s.projects) == 0 {
		return stats, nil
	}
	cur, err := loadFeedCursor(ctx, s.st, SourceWorklogs)
	if err != nil {
		return stats, fmt.Errorf("jira: %w", err)
	}
	var issueKeys map[string]string // issue id → key, loaded on first need
	for {
		page, err := s.feedPage(ctx, "worklog/updated", "reading changed worklogs", cur.Since)
		if err != nil {
			return stats, err
		}
		stats.Requests++
		stats.Changed += len(page.Values)
		next := cur
		if len(page.Values) > 0 {
			next.Since = page.Until + 1
		}
		var logs []connectors.Worklog
		if len(page.Values) > 0 {
			if issueKeys == nil {
				if issueKeys, err = s.issueKeysByID(ctx); err != nil {
					return stats, err
				}
			}
			fetched, err := s.fetchWorklogs(ctx, page)
			if err != nil {
				return stats, err
			}
			if err := s.resolveIssues(ctx, fetched, issueKeys); err != nil {
				return stats, err
			}
			for _, wl := range fetched {
				key, ok := issueKeys[wl.IssueID]
				if !ok || wl.Started.IsZero() {
					stats.Skipped++
					continue
				}
				l := connectors.Worklog{ID: wl.ID, IssueKey: key, Started: wl.Started.Time,
					Seconds: wl.TimeSpentSeconds, Updated: wl.Updated.Time}
				if wl.Author != nil {
					l.AuthorAccountID = wl.Author.AccountID
				}
				logs = append(logs, l)
			}
			stats.Skipped += len(page.Values) - len(fetched)
		}
		if next != cur {
			err := s.st.WithTx(ctx, func(tx store.Tx) error {
				if len(logs) > 0 {
					if err := tx.UpsertWorklogs(ctx, logs); err != nil {
						return err
					}
				}
				return next.put(ctx, tx, SourceWorklogs)
			})
			if err != nil {
				return stats, &opError{op: "storing worklogs", err: err}
			}
			cur = next
			stats.Stored += len(logs)
			s.c.m.worklogsSynced.WithLabelValues("stored").Add(float64(len(logs)))
			s.c.m.worklogsSynced.WithLabelValues("skipped").Add(float64(len(page.Values) - len(logs)))
		}
		if page.LastPage || len(page.Values) == 0 {
			break
		}
	}
	if cur.Since > 0 {
		s.c.m.cursorLag.WithLabelValues(SourceWorklogs).Set(s.c.clock.Now().Sub(time.UnixMilli(cur.Since)).Seconds())
	}
	return stats, nil
}

// syncDeletedWorklogs applies the /worklog/deleted feed; callers hold s.mu.
func (s *Syncer) syncDeletedWorklogs(ctx context.Context) (int, error) {
	cur, err := loadFeedCursor(ctx, s.st, SourceDeletedWorklogs)
	if err != nil {
		return 0, fmt.Errorf("jira: %w", err)
	}
	deleted := 0
	for {
		page, err := s.feedPage(ctx, "worklog/deleted", "reading deleted worklogs", cur.Since)
		if err != nil {
			return deleted, err
		}
		if len(page.Values) == 0 {
			return deleted, nil
		}
		ids := make([]string, len(page.Values))
		for i, v := range page.Values {
			ids[i] = v.WorklogID.String()
		}
		next := feedCursor{Since: page.Until + 1}
		err = s.st.WithTx(ctx, func(tx store.Tx) error {
			if err := tx.DeleteWorklogs(ctx, ids); err != nil {
				return err
			}
			return next.put(ctx, tx, SourceDeletedWorklogs)
		})
		if err != nil {
			return deleted, &opError{op: "deleting worklogs", err: err}
		}
		cur = next
		deleted += len(ids)
		s.c.m.worklogsSynced.WithLabelValues("deleted").Add(float64(len(ids)))
		if page.LastPage {
			return deleted, nil
		}
	}
}

func (s *Syncer) feedPage(ctx context.Context, feed, op string, since int64) (changedWorklogs, error) {
	var page changedWorklogs
	_, err := s.c.do(ctx, call{op: op, method: http.MethodGet,
		path:  "rest/api/3/" + feed + "?since=" + strconv.FormatInt(since, 10),
		route: "GET /rest/api/3/" + feed, out: &page})
	return page, err
}

// fetchWorklogs reads the page's worklogs in /worklog/list calls of at most
// 1000 ids. Ids deleted meanwhile are simply absent from the answer.
func (s *Syncer) fetchWorklogs(ctx context.Context, page changedWorklogs) ([]apiWorklog, error) {
	var out []apiWorklog
	for start := 0; start < len(page.Values); start += worklogListMax {
		end := min(start+worklogListMax, len(page.Values))
		ids := make([]int64, 0, end-start)
		for _, v := range page.Values[start:end] {
			id, err := v.WorklogID.Int64()
			if err != nil {
				return nil, &opError{op: "reading changed worklogs", err: fmt.Errorf("worklog id %q: %w", v.WorklogID, err)}
			}
			ids = append(ids, id)
		}
		var list []apiWorklog
		if _, err := s.c.do(ctx, call{op: "fetching worklogs", method: http.MethodPost, path: "rest/api/3/worklog/list",
			route: "POST /rest/api/3/worklog/list", body: map[string][]int64{"ids": ids}, out: &list}); err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// issueKeysByID maps the ids of the stored, live tasks of the clients'
// projects to their keys: worklogs name the issue by id only.
func (s *Syncer) issueKeysByID(ctx context.Context) (map[string]string, error) {
	tasks, err := s.st.ListTasks(ctx, store.TaskFilter{ProjectKeys: s.projects})
	if err != nil {
		return nil, &opError{op: "storing worklogs", err: fmt.Errorf("listing stored tasks: %w", err)}
	}
	m := make(map[string]string, len(tasks))
	for _, t := range tasks {
		if t.ID != "" {
			m[t.ID] = t.Key
		}
	}
	return m, nil
}

// maxIDsPerQuery bounds the ids in one `id in (...)` clause.
const maxIDsPerQuery = 500

// resolveIssues looks up issues that worklogs name but the store does not
// hold yet (created since the last issue pass), restricted to the clients'
// projects, stores them and adds them to keys. Without it their worklogs
// would be skipped for good once the feed cursor moves on.
func (s *Syncer) resolveIssues(ctx context.Context, logs []apiWorklog, keys map[string]string) error {
	var unknown []string
	seen := map[string]bool{}
	for _, wl := range logs {
		if _, ok := keys[wl.IssueID]; !ok && wl.IssueID != "" && !seen[wl.IssueID] {
			seen[wl.IssueID] = true
			unknown = append(unknown, wl.IssueID)
		}
	}
	for start := 0; start < len(unknown); start += maxIDsPerQuery {
		ids := unknown[start:min(start+maxIDsPerQuery, len(unknown))]
		for _, part := range splitByLength(s.projects, s.maxJQL, projectsClause) {
			jql := projectsClause(part) + " AND id in (" + strings.Join(ids, ", ") + ")"
			rc := reqContext{clients: s.clientsOf(part)}
			q := searchQuery{jql: jql, fields: taskFields, maxResults: pageSizeFields}
			err := s.c.searchPages(ctx, "looking up worklogs' issues", rc, q, func(p searchPage) error {
				tasks := make([]connectors.Task, 0, len(p.Issues))
				for _, is := range p.Issues {
					tasks = append(tasks, toTask(is))
				}
				if err := s.st.UpsertTasks(ctx, tasks); err != nil {
					return &opError{op: "storing worklogs' issues", clients: rc.clients, err: err}
				}
				for _, t := range tasks {
					keys[t.ID] = t.Key
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
