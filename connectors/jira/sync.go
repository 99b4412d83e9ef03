package jira

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// Scope is one agency client and the Jira projects that hold its work.
type Scope struct {
	ClientID string
	Projects []string // project keys, e.g. "ACME"
}

// SyncerOptions configure a Syncer. Zero values take the defaults noted.
type SyncerOptions struct {
	// Scopes are the clients whose projects are pulled; a project may appear
	// under one client only.
	Scopes []Scope
	// People maps Jira account ids to configured person ids. An assignee
	// missing from it is reported once per process; nil disables the report.
	People map[string]string
	// ConsistencyLag is how long Jira's search index may take to show a
	// change; each pass re-reads that much of the past. Default 1 minute.
	ConsistencyLag time.Duration
	// MaxJQLLength splits the one query for all clients when it would be
	// longer; default DefaultMaxJQLLength.
	MaxJQLLength int
	// BackfillStreams is how many queries naming projects (first pulls,
	// catch-ups) run at once; default DefaultBackfillStreams, 1 runs them
	// one after another.
	BackfillStreams int
	// Logger defaults to the Client's.
	Logger *slog.Logger
}

// Syncer pulls the clients' issues and worklogs from a Client into a store.
// Its methods serialize with each other; each saves its cursor only after
// what it brought is stored, so a failed run resumes where the last
// successful page left off.
type Syncer struct {
	c        *Client
	st       store.Store
	log      *slog.Logger
	lag      time.Duration
	maxJQL   int
	streams  int
	projects []string          // every scoped project, sorted
	clientOf map[string]string // project → client id
	people   map[string]string

	mu       sync.Mutex
	reported map[string]bool // unknown assignees already reported
}

// Stats describe one incremental issue pass.
type Stats struct {
	Queries  int // JQL queries run (more than one only while new projects are backfilled)
	Requests int // search requests (pages)
	Fetched  int // issues returned by Jira
	Changed  int // issues that were new or differed from the store
	Outside  int // issues returned from projects no client owns, not stored
	Moved    int // stored tasks retired because their issue moved to another project
	Deleted  int // stored tasks retired because a webhook reported their issue deleted and Jira confirmed
}

// NewSyncer checks the scopes and returns a Syncer over c and st.
func NewSyncer(c *Client, st store.Store, opts SyncerOptions) (*Syncer, error) {
	if c == nil || st == nil {
		return nil, errors.New("jira: syncer needs a client and a store")
	}
	if opts.ConsistencyLag <= 0 {
		opts.ConsistencyLag = time.Minute
	}
	if opts.MaxJQLLength <= 0 {
		opts.MaxJQLLength = DefaultMaxJQLLength
	}
	if opts.Logger == nil {
		opts.Logger = c.log
	}
	if opts.BackfillStreams <= 0 {
		opts.BackfillStreams = DefaultBackfillStreams
	}
	s := &Syncer{c: c, st: st, log: opts.Logger, lag: opts.ConsistencyLag, maxJQL: opts.MaxJQLLength, streams: opts.BackfillStreams,
		clientOf: map[string]string{}, people: opts.People, reported: map[string]bool{}}
	for _, sc := range opts.Scopes {
		for _, p := range sc.Projects {
			p = strings.ToUpper(strings.TrimSpace(p))
			if p == "" {
				return nil, fmt.Errorf("jira: client %s: empty project key", sc.ClientID)
			}
			if other, dup := s.clientOf[p]; dup && other != sc.ClientID {
				return nil, fmt.Errorf("jira: project %s belongs to both clients %s and %s", p, other, sc.ClientID)
			}
			if _, dup := s.clientOf[p]; !dup {
				s.projects = append(s.projects, p)
			}
			s.clientOf[p] = sc.ClientID
		}
	}
	sort.Strings(s.projects)
	return s, nil
}

// clientsOf names the clients owning projects, for error messages.
func (s *Syncer) clientsOf(projects []string) []string {
	var out []string
	for _, p := range projects {
		if id := s.clientOf[p]; !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// SyncIssues pulls every issue changed since the last pass and stores the
// changes page by page, advancing the cursor with each stored page.
//
// Projects already pulled once share one query that names no project
// (`updated >= …`): it stays one request per idle cycle however many
// clients there are, and it returns issues that moved out of the clients'
// projects, whose stored copies are retired at once (the issue id survives
// a move, the key does not). Issues of other projects are dropped here.
// Projects never pulled (new clients) are backfilled by queries that list
// them, split when the JQL would be too long and into BackfillStreams
// queries that run at once (see runQueries). Errors of one query do not
// stop the others; they are joined.
func (s *Syncer) SyncIssues(ctx context.Context) (Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var stats Stats
	if len(s.projects) == 0 {
		return stats, nil
	}
	start := s.c.clock.Now()
	// Anything changed before safe is visible to search by now, so a pass
	// that completes may move the cursor up to safe and no further.
	safe := start.Add(-s.lag)
	cur, err := loadIssuesCursor(ctx, s.st)
	if err != nil {
		return stats, fmt.Errorf("jira: %w", err)
	}
	for p := range cur.Projects {
		if _, ok := s.clientOf[p]; !ok {
			delete(cur.Projects, p) // out of scope: a later return means a full pull
		}
	}
	for p := range cur.Backfill {
		if _, ok := s.clientOf[p]; !ok || !cur.Projects[p].IsZero() {
			delete(cur.Backfill, p)
		}
	}
	known, behind := s.splitByCursor(cur)
	var errs []error
	var loc *time.Location
	needLoc := len(known) > 0
	for _, group := range behind {
		needLoc = needLoc || !cur.oldest(group).IsZero() || cur.Backfill[group[0]].Key != ""
	}
	if needLoc {
		// JQL dates are read in the API user's zone; only incremental
		// queries need it.
		if loc, err = s.c.Location(ctx); err != nil {
			var ae *APIError
			if errors.As(err, &ae) {
				ae.Clients = s.clientsOf(s.projects)
			}
			return stats, err
		}
	}
	pages := newPageStore(&cur, &stats)
	if len(known) > 0 {
		stats.Queries++
		jql := changedJQL(cur.oldest(known), loc)
		if err := s.syncQuery(ctx, pages, known, jql, safe, nil); err != nil {
			errs = append(errs, err)
		}
	}
	var queries []backfillQuery
	for _, group := range behind {
		since := cur.oldest(group)
		var mark *issueMark
		if since.IsZero() {
			// A first pull, maybe cut short before: resume after the last
			// issue it stored (the minute of that issue is asked again and
			// what precedes the mark in it is skipped).
			m := cur.Backfill[group[0]]
			mark, since = &m, m.Updated
		}
		build := func(ps []string) string { return issuesJQL(ps, since, loc) }
		for _, stream := range splitStreams(group, s.streams) {
			for _, part := range splitByLength(stream, s.maxJQL, build) {
				queries = append(queries, backfillQuery{part: part, jql: build(part), mark: mark})
			}
		}
	}
	stats.Queries += len(queries)
	errs = append(errs, s.runQueries(ctx, pages, queries, safe)...)
	if ids := s.c.takeDeleted(); len(ids) > 0 {
		n, err := s.retireDeleted(ctx, ids)
		stats.Deleted = n
		if err != nil {
			errs = append(errs, err)
		}
	}
	if oldest := cur.oldest(s.projects); !oldest.IsZero() {
		s.c.m.cursorLag.WithLabelValues(SourceIssues).Set(s.c.clock.Now().Sub(oldest).Seconds())
	}
	return stats, errors.Join(errs...)
}

// catchUpWindow is how far behind the newest cursor a project's cursor may be
// and still share the query that names no project: any further, and that
// query would re-read every project's changes over the gap.
const catchUpWindow = time.Hour

// splitByCursor sorts the scoped projects into those that share the one
// query naming no project (their cursors are near the newest) and groups of
// the others, by cursor minute: never pulled (zero cursor, a new client's
// backfill) or left behind by a failed pass. Each group is pulled by queries
// that list its projects, oldest group first.
func (s *Syncer) splitByCursor(cur issuesCursor) (known []string, behind [][]string) {
	var newest time.Time
	for _, p := range s.projects {
		if t := cur.Projects[p]; t.After(newest) {
			newest = t
		}
	}
	type groupKey struct {
		minute time.Time
		mark   issueMark // where an unfinished first pull of the group stopped
	}
	groups := map[groupKey][]string{}
	var order []groupKey
	for _, p := range s.projects {
		t := cur.Projects[p]
		if !t.IsZero() && !t.Before(newest.Add(-catchUpWindow)) {
			known = append(known, p)
			continue
		}
		k := groupKey{minute: t.Truncate(time.Minute)}
		if t.IsZero() {
			k.mark = cur.Backfill[p]
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], p)
	}
	// Oldest cursor first; among first pulls, those already under way
	// first, furthest behind first, so they finish instead of restarting.
	slices.SortFunc(order, func(a, b groupKey) int {
		if c := a.minute.Compare(b.minute); c != 0 {
			return c
		}
		if (a.mark.Key == "") != (b.mark.Key == "") {
			if a.mark.Key == "" {
				return 1
			}
			return -1
		}
		if c := a.mark.Updated.Compare(b.mark.Updated); c != 0 {
			return c
		}
		return compareKeys(a.mark.Key, b.mark.Key)
	})
	for _, k := range order {
		behind = append(behind, groups[k])
	}
	return known, behind
}

// storedByID reads, in one query, the stored tasks (deleted ones too) that
// share an issue id with a page of search results.
func storedByID(ctx context.Context, tx store.Tx, fetched []connectors.Task) ([]connectors.Task, error) {
	ids := make([]string, 0, len(fetched))
	seen := make(map[string]bool, len(fetched))
	for _, t := range fetched {
		if t.ID != "" && !seen[t.ID] {
			seen[t.ID] = true
			ids = append(ids, t.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	stored, err := tx.ListTasks(ctx, store.TaskFilter{IDs: ids, IncludeDeleted: true})
	if err != nil {
		return nil, fmt.Errorf("looking up stored tasks by id: %w", err)
	}
	return stored, nil
}

// retireMoved marks deleted the stored tasks whose issue now has another
// key (it moved to another project, a client's or not): Jira keeps the id
// and gives the issue a new key, so the old key would otherwise go on being
// judged as a live task. A stored copy newer than the search result is left
// alone (search is eventually consistent). It returns the retired keys.
func retireMoved(ctx context.Context, tx store.Tx, fetched, stored []connectors.Task) ([]string, error) {
	byID := make(map[string]connectors.Task, len(fetched))
	for _, t := range fetched {
		byID[t.ID] = t
	}
	var moved []string
	for _, old := range stored {
		now, ok := byID[old.ID]
		if !ok || old.Deleted || old.Key == now.Key || old.Updated.After(now.Updated) {
			continue
		}
		moved = append(moved, old.Key)
	}
	if len(moved) == 0 {
		return nil, nil
	}
	if err := tx.MarkTasksDeleted(ctx, moved); err != nil {
		return nil, fmt.Errorf("retiring moved tasks: %w", err)
	}
	return moved, nil
}

// retireDeleted checks the issue ids webhooks reported deleted, one GET
// each, and marks deleted the stored tasks of those Jira answers 404 for.
// An issue that still exists is left to the searches (a signed but stale or
// replayed event deletes nothing). Ids not yet checked when a request fails
// are queued again for the next pass.
func (s *Syncer) retireDeleted(ctx context.Context, ids []string) (int, error) {
	var gone []string
	for i, id := range ids {
		_, err := s.c.do(ctx, call{op: "checking a deleted issue", method: http.MethodGet,
			path:  "rest/api/3/issue/" + url.PathEscape(id) + "?fields=key",
			route: "GET /rest/api/3/issue/{issueIdOrKey}"})
		switch {
		case errors.Is(err, ErrNotFound):
			gone = append(gone, id)
		case permanent(err):
			s.log.Warn("jira issue reported deleted could not be checked", "issue_id", id, "err", err)
		case err != nil:
			s.c.requeueDeleted(ids[i:])
			n, rerr := s.markGone(ctx, gone)
			return n, errors.Join(err, rerr)
		}
	}
	return s.markGone(ctx, gone)
}

// permanent reports a 4xx answer other than 429: asking again will not help.
func permanent(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusTooManyRequests
}

// markGone marks deleted the stored tasks with the given issue ids.
func (s *Syncer) markGone(ctx context.Context, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	stored, err := s.st.ListTasks(ctx, store.TaskFilter{IDs: ids})
	if err != nil {
		return 0, &opError{op: "retiring deleted issues", err: fmt.Errorf("looking up stored tasks by id: %w", err)}
	}
	keys := make([]string, 0, len(stored))
	for _, t := range stored {
		keys = append(keys, t.Key)
	}
	if len(keys) == 0 {
		return 0, nil
	}
	if err := s.st.MarkTasksDeleted(ctx, keys); err != nil {
		return 0, &opError{op: "retiring deleted issues", err: fmt.Errorf("marking tasks deleted: %w", err)}
	}
	s.c.m.tasksDeleted.Add(float64(len(keys)))
	s.log.Info("jira tasks deleted upstream retired", "count", len(keys), "keys", strings.Join(keys, ","))
	return len(keys), nil
}

// upsertChanged stores the tasks that are new or differ from their stored
// copies (stored, read by issue id for the whole page in one query instead
// of one lookup per task) and returns them; a task older than its stored
// copy is stale (search is eventually consistent) and skipped. A row stored
// under the same key but another id is simply overwritten, and the store
// itself never lets an older record replace a newer one.
func upsertChanged(ctx context.Context, tx store.Tx, tasks, stored []connectors.Task) ([]connectors.Task, error) {
	byKey := make(map[string]connectors.Task, len(stored))
	for _, t := range stored {
		byKey[t.Key] = t
	}
	var changed []connectors.Task
	seen := map[string]int{}
	for _, t := range tasks {
		if i, dup := seen[t.Key]; dup {
			if !t.Updated.Before(changed[i].Updated) {
				changed[i] = t
			}
			continue
		}
		if old, ok := byKey[t.Key]; ok && (old.Updated.After(t.Updated) || sameTask(old, t)) {
			continue
		}
		seen[t.Key] = len(changed)
		changed = append(changed, t)
	}
	if len(changed) == 0 {
		return nil, nil
	}
	if err := tx.UpsertTasks(ctx, changed); err != nil {
		return nil, err
	}
	return changed, nil
}

func sameTask(a, b connectors.Task) bool {
	return a.Key == b.Key && a.ID == b.ID && a.ProjectKey == b.ProjectKey && a.Summary == b.Summary &&
		a.Status == b.Status && a.StatusCategory == b.StatusCategory && a.AssigneeAccountID == b.AssigneeAccountID &&
		a.DueDate == b.DueDate && eqSecs(a.OriginalEstimate, b.OriginalEstimate) &&
		eqSecs(a.RemainingEstimate, b.RemainingEstimate) && eqSecs(a.TimeSpent, b.TimeSpent) &&
		slices.Equal(a.Labels, b.Labels) && a.IssueType == b.IssueType && a.ParentKey == b.ParentKey &&
		a.Created.Equal(b.Created) && a.Updated.Equal(b.Updated) && a.Resolved.Equal(b.Resolved) && a.Deleted == b.Deleted
}

func eqSecs(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// reportUnknownAssignees warns once per account id about assignees that map
// to no configured person: alerts for their tasks would reach nobody.
func (s *Syncer) reportUnknownAssignees(tasks []connectors.Task) {
	if s.people == nil {
		return
	}
	for _, t := range tasks {
		id := t.AssigneeAccountID
		if id == "" || s.reported[id] {
			continue
		}
		if _, ok := s.people[id]; ok {
			continue
		}
		s.reported[id] = true
		s.c.m.unknownAssignees.Inc()
		s.log.Warn("jira assignee is not a configured person; add jira_account_id to the person",
			"account_id", id, "issue", t.Key, "client", s.clientOf[t.ProjectKey])
	}
}

// ReconcileStats describe one reconciliation pass.
type ReconcileStats struct {
	Keys            int // issue keys Jira listed in the clients' projects
	MarkedDeleted   int // stored tasks no longer there (deleted or moved)
	WorklogsDeleted int // worklog ids from the deleted feed
}

// Reconcile is the slow pass (run every few hours): it lists every issue key
// of the clients' projects and marks stored tasks that are missing as
// deleted (deleted issues, and the old keys of moved ones), then applies the
// deleted-worklogs feed. A task changed within the consistency lag is left
// alone, since search may not show it yet.
func (s *Syncer) Reconcile(ctx context.Context) (ReconcileStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var stats ReconcileStats
	safe := s.c.clock.Now().Add(-s.lag)
	var errs []error
	for _, part := range splitByLength(s.projects, s.maxJQL, keysJQL) {
		n, marked, err := s.reconcileProjects(ctx, part, safe)
		stats.Keys += n
		stats.MarkedDeleted += marked
		if err != nil {
			errs = append(errs, err)
		}
	}
	n, err := s.syncDeletedWorklogs(ctx)
	stats.WorklogsDeleted = n
	if err != nil {
		errs = append(errs, err)
	}
	return stats, errors.Join(errs...)
}

func (s *Syncer) reconcileProjects(ctx context.Context, part []string, safe time.Time) (keys, marked int, err error) {
	rc := reqContext{clients: s.clientsOf(part)}
	jql := keysJQL(part)
	seen := map[string]bool{}
	err = s.c.searchPages(ctx, "listing issue keys", rc, searchQuery{jql: jql, fields: []string{"key"}, maxResults: pageSizeKeys, prefetch: true},
		func(p searchPage) error {
			for _, is := range p.Issues {
				seen[is.Key] = true
			}
			return nil
		})
	if err != nil {
		// An incomplete listing would mark live tasks deleted.
		return 0, 0, err
	}
	stored, err := s.st.ListTasks(ctx, store.TaskFilter{ProjectKeys: part})
	if err != nil {
		return len(seen), 0, &opError{op: "reconciling issues", clients: rc.clients, err: fmt.Errorf("listing stored tasks: %w", err)}
	}
	var missing []string
	for _, t := range stored {
		if !seen[t.Key] && t.Updated.Before(safe) {
			missing = append(missing, t.Key)
		}
	}
	if len(missing) == 0 {
		return len(seen), 0, nil
	}
	if err := s.st.MarkTasksDeleted(ctx, missing); err != nil {
		return len(seen), 0, &opError{op: "reconciling issues", clients: rc.clients, err: fmt.Errorf("marking tasks deleted: %w", err)}
	}
	s.c.m.tasksDeleted.Add(float64(len(missing)))
	s.log.Info("jira tasks gone upstream marked deleted", "count", len(missing), "clients", strings.Join(rc.clients, ","))
	return len(seen), len(missing), nil
}

// ScopesOf returns the scopes of the clients that have Jira projects, in
// the order given, from the clients' jira_projects.
func ScopesOf(clients []connectors.Client) []Scope {
	var out []Scope
	for _, c := range clients {
		if len(c.JiraProjects) > 0 {
			out = append(out, Scope{ClientID: c.ID, Projects: append([]string(nil), c.JiraProjects...)})
		}
	}
	return out
}

// PeopleOf maps the people's Jira account ids to their person ids, for
// SyncerOptions.People.
func PeopleOf(people []connectors.Person) map[string]string {
	out := map[string]string{}
	for _, p := range people {
		if p.JiraAccountID != "" {
			out[p.JiraAccountID] = p.ID
		}
	}
	return out
}
