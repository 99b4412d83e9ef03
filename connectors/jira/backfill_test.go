package jira_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
	"github.com/liaisonhq/liaison/sync/store"
)

// cancellingStore cancels a pull's context once after commits transactions
// have committed, as a job timeout or a shutdown cuts a pull short.
type cancellingStore struct {
	store.Store
	mu      sync.Mutex
	commits int
	after   int
	cancel  context.CancelFunc
}

func (c *cancellingStore) WithTx(ctx context.Context, fn func(tx store.Tx) error) error {
	if err := c.Store.WithTx(ctx, fn); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.commits++
	if c.commits == c.after && c.cancel != nil {
		c.cancel()
	}
	return nil
}

const searchRoute = "GET /rest/api/3/search/jql"

func TestBackfillCutShortResumesAfterLastStoredPage(t *testing.T) {
	e := newEnv(t, envOptions{})
	if _, err := e.fake.Generate(jirafake.GenerateOptions{Seed: 11, Projects: 20, Issues: 5000}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	// Two queries (two JQL groups of projects), both first pulls.
	opts := jira.SyncerOptions{Scopes: generatedScopes(), MaxJQLLength: 100}

	// The first pull is cancelled after 13 transactions (pages that wait
	// while one is stored go in together: at least 13 pages).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := &cancellingStore{Store: e.store, after: 13, cancel: cancel}
	s, err := jira.NewSyncer(e.client, cs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncIssues(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cut-short pull: err = %v, want context.Canceled", err)
	}
	stored := e.tasks(t, store.TaskFilter{})
	if len(stored) < 1300 || len(stored) >= 5000 {
		t.Fatalf("store holds %d tasks after 13 transactions, want at least 13 pages' and not all", len(stored))
	}
	storedKeys := map[string]bool{}
	for _, tk := range stored {
		storedKeys[tk.Key] = true
	}

	// During the pause one stored and one not yet stored issue change.
	e.clock.Advance(10 * time.Minute)
	var before, notYet string
	for _, is := range e.fake.Issues() {
		if storedKeys[is.Key] && before == "" {
			before = is.Key
		}
		if !storedKeys[is.Key] && notYet == "" {
			notYet = is.Key
		}
	}
	for _, k := range []string{before, notYet} {
		if _, err := e.fake.UpdateIssue(k, func(is *jirafake.Issue) { is.Summary = "changed during the pause " + k }); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(5 * time.Minute) // past the consistency lag

	// A new process resumes: it asks only for what was not stored (plus the
	// minute of the last stored issue), never for the stored pages again.
	reqs := e.fake.RequestCount(searchRoute)
	s = e.syncer(t, opts)
	st, err := s.SyncIssues(context.Background())
	if err != nil {
		t.Fatalf("resumed pull: %v", err)
	}
	pages := e.fake.RequestCount(searchRoute) - reqs
	remaining := 5000 - len(stored) + 1 // the stored issue changed during the pause comes again
	// Each query, run at once with the others, ends on a part page.
	if maxPages := remaining/100 + st.Queries + 1; pages > maxPages {
		t.Fatalf("resumed pull asked for %d pages, want at most %d (no stored page again)", pages, maxPages)
	}
	if st.Fetched > remaining+100 || st.Changed != remaining {
		t.Fatalf("resumed stats %+v, want %d changed out of at most %d fetched", st, remaining, remaining+100)
	}
	if n := len(e.tasks(t, store.TaskFilter{})); n != 5000 {
		t.Fatalf("store holds %d tasks, want all 5000", n)
	}
	for _, k := range []string{before, notYet} {
		if got := e.task(t, k).Summary; got != "changed during the pause "+k {
			t.Fatalf("task %s summary %q, want the change made during the pause", k, got)
		}
	}

	// The backfill is over: the next pass is one incremental query.
	e.clock.Advance(5 * time.Minute)
	st, err = s.SyncIssues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Queries != 1 || st.Changed != 0 {
		t.Fatalf("pass after the backfill %+v, want one query and nothing changed", st)
	}
}

func TestBackfillCancelledRepeatedlyStillFinishes(t *testing.T) {
	e := newEnv(t, envOptions{})
	if _, err := e.fake.Generate(jirafake.GenerateOptions{Seed: 5, Projects: 6, Issues: 2000}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	var scopes []jira.Scope
	for i := 1; i <= 6; i++ {
		scopes = append(scopes, jira.Scope{ClientID: fmt.Sprintf("client-%d", i), Projects: []string{fmt.Sprintf("C%02d", i)}})
	}
	// Each attempt gets three pages in before its "timeout": the pull must
	// still finish, in about as many pages as one uninterrupted pull. One
	// query at a time, so that no attempt drops pages other queries
	// downloaded while it was cut short (TestBackfillCutShortResumesAfterLastStoredPage
	// runs queries at once).
	opts := jira.SyncerOptions{Scopes: scopes, MaxJQLLength: 60, BackfillStreams: 1}
	reqs := e.fake.RequestCount(searchRoute)
	for attempt := 1; attempt <= 20; attempt++ {
		ctx, cancel := context.WithCancel(context.Background())
		s, err := jira.NewSyncer(e.client, &cancellingStore{Store: e.store, after: 3, cancel: cancel}, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.SyncIssues(ctx)
		cut := ctx.Err() != nil
		cancel()
		if err == nil {
			break
		}
		if !cut {
			t.Fatalf("attempt %d failed without being cut short: %v", attempt, err)
		}
		e.clock.Advance(2 * time.Minute)
	}
	if n := len(e.tasks(t, store.TaskFilter{})); n != 2000 {
		t.Fatalf("store holds %d tasks after the attempts, want 2000", n)
	}
	if pages := e.fake.RequestCount(searchRoute) - reqs; pages > 2000/100+3*10 {
		t.Fatalf("the interrupted pulls asked for %d pages, want close to the 20 of one pull", pages)
	}
}

// cursorRecorder counts the cursor rows each committed page transaction writes.
type cursorRecorder struct {
	store.Store
	mu     sync.Mutex
	writes map[string]int // source → transactions that wrote it
	txs    int
}

type recordingTx struct {
	store.Tx
	wrote map[string]bool
}

func (r recordingTx) PutCursor(ctx context.Context, c store.Cursor) error {
	r.wrote[c.Source] = true
	return r.Tx.PutCursor(ctx, c)
}

func (c *cursorRecorder) WithTx(ctx context.Context, fn func(tx store.Tx) error) error {
	wrote := map[string]bool{}
	if err := c.Store.WithTx(ctx, func(tx store.Tx) error { return fn(recordingTx{tx, wrote}) }); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.txs++
	for s := range wrote {
		c.writes[s]++
	}
	return nil
}

func TestBackfillPageWritesOnlyTheResumePoints(t *testing.T) {
	e := newEnv(t, envOptions{})
	if _, err := e.fake.Generate(jirafake.GenerateOptions{Seed: 11, Projects: 20, Issues: 5000}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	rec := &cursorRecorder{Store: e.store, writes: map[string]int{}}
	s, err := jira.NewSyncer(e.client, rec, jira.SyncerOptions{Scopes: generatedScopes()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.SyncIssues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Every transaction (one page, or pages that waited together) records
	// the resume points; the projects' cursors are written only with a
	// query's last page.
	if rec.txs > st.Requests || rec.writes[jira.SourceIssuesBackfill] != rec.txs ||
		rec.writes[jira.SourceIssues] < 1 || rec.writes[jira.SourceIssues] > st.Queries {
		t.Fatalf("%d pages of %d queries in %d transactions wrote the resume points %d times and the projects' cursors %d times, want %d and 1 to %d",
			st.Requests, st.Queries, rec.txs, rec.writes[jira.SourceIssuesBackfill], rec.writes[jira.SourceIssues], rec.txs, st.Queries)
	}
	c, err := e.store.GetCursor(context.Background(), jira.SourceIssuesBackfill)
	if err != nil || string(c.Data) != `{"marks":[]}` {
		t.Fatalf("resume points after the backfill: %s %v, want none left", c.Data, err)
	}
	if n := len(e.tasks(t, store.TaskFilter{})); n != 5000 {
		t.Fatalf("store holds %d tasks, want 5000", n)
	}
}

func TestBackfillResumesFromMarksInTheProjectsCursor(t *testing.T) {
	e := newEnv(t, envOptions{})
	if _, err := e.fake.Generate(jirafake.GenerateOptions{Seed: 11, Projects: 20, Issues: 5000}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	opts := jira.SyncerOptions{Scopes: generatedScopes()}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := jira.NewSyncer(e.client, &cancellingStore{Store: e.store, after: 13, cancel: cancel}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncIssues(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cut-short pull: err = %v, want context.Canceled", err)
	}
	stored := len(e.tasks(t, store.TaskFilter{}))
	// Rewrite the resume points as a projects row holding them, the form
	// cursors had before they got a row of their own.
	bg := context.Background()
	c, err := e.store.GetCursor(bg, jira.SourceIssuesBackfill)
	if err != nil {
		t.Fatal(err)
	}
	var marks struct {
		Marks []struct {
			Updated  time.Time `json:"updated"`
			Key      string    `json:"key"`
			Projects []string  `json:"projects"`
		} `json:"marks"`
	}
	if err := json.Unmarshal(c.Data, &marks); err != nil || len(marks.Marks) == 0 {
		t.Fatalf("resume points %s: %v", c.Data, err)
	}
	legacy := map[string]any{}
	for _, m := range marks.Marks {
		for _, p := range m.Projects {
			legacy[p] = map[string]any{"updated": m.Updated, "key": m.Key}
		}
	}
	data, _ := json.Marshal(map[string]any{"projects": map[string]any{}, "backfill": legacy})
	if err := e.store.PutCursor(bg, store.Cursor{Source: jira.SourceIssues, Version: 1, Data: data}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutCursor(bg, store.Cursor{Source: jira.SourceIssuesBackfill, Version: 0, Data: []byte("{}")}); err != nil {
		t.Fatal(err)
	}

	reqs := e.fake.RequestCount(searchRoute)
	st, err := e.syncer(t, opts).SyncIssues(bg)
	if err != nil {
		t.Fatalf("resumed pull: %v", err)
	}
	if pages, most := e.fake.RequestCount(searchRoute)-reqs, (5000-stored)/100+st.Queries+1; pages > most {
		t.Fatalf("resumed pull asked for %d pages, want at most %d (no stored page again)", pages, most)
	}
	if n := len(e.tasks(t, store.TaskFilter{})); n != 5000 {
		t.Fatalf("store holds %d tasks, want 5000", n)
	}
	c, err = e.store.GetCursor(bg, jira.SourceIssues)
	if err != nil || strings.Contains(string(c.Data), "backfill") {
		t.Fatalf("projects cursor after the resumed pull: %s %v, want no resume points in it", c.Data, err)
	}
}

func TestBackfillQueriesOverlapRoundTrips(t *testing.T) {
	e := newEnv(t, envOptions{})
	if _, err := e.fake.Generate(jirafake.GenerateOptions{Seed: 3, Projects: 32, Issues: 4000}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	// Every search takes a round trip of rtt, as over a network: one query
	// pages through its 40 pages one after another, so only queries run at
	// once bring the pull below 40 round trips.
	const rtt = 100 * time.Millisecond
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/search/jql") {
			time.Sleep(rtt)
		}
		e.fake.Handler().ServeHTTP(w, r)
	}))
	defer slow.Close()
	e.srv = slow
	var scopes []jira.Scope
	for i := range 16 {
		scopes = append(scopes, jira.Scope{ClientID: fmt.Sprintf("client-%02d", i+1),
			Projects: []string{fmt.Sprintf("C%02d", 2*i+1), fmt.Sprintf("C%02d", 2*i+2)}})
	}
	s, err := jira.NewSyncer(e.newClient(t, envOptions{}), e.store, jira.SyncerOptions{Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	st, err := s.SyncIssues(context.Background())
	wall := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	serial := time.Duration(st.Requests) * rtt
	t.Logf("%d pages of %d queries in %v; one after another they take at least %v", st.Requests, st.Queries, wall, serial)
	if st.Changed != 4000 {
		t.Fatalf("stats %+v, want 4000 changed", st)
	}
	// Four queries take about a quarter of serial; one at a time, all of it.
	if wall > serial*6/10 && !raceEnabled {
		t.Errorf("the pull took %v, want at most 0.6 × %v: the queries did not overlap their round trips", wall, serial)
	}
}
