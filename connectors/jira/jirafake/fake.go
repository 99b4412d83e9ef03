// Package jirafake is an in-process Jira Cloud that speaks the real wire
// protocol, for tests, `liaison demo`, `liaison sandbox` and benchmarks.
//
// It serves the endpoints Liaison's Jira connector calls, under both
// /rest/api/3 (rich text as ADF) and /rest/api/2 (rich text as strings):
// enhanced search (/search/jql, GET and POST, nextPageToken paging, fields
// honoured, ids only by default, reconcileIssues), issue get/create/edit,
// comments, issue properties, transitions, worklogs (per issue, and the
// updated/deleted/list feeds), myself, user search and serverInfo. The
// removed /search answers 410 Gone as Jira Cloud does.
//
// It rejects what Jira rejects: missing or wrong basic auth (401), JQL it
// cannot parse or that names unknown projects (400 with errorMessages),
// unknown query parameters on search, nextPageTokens from another query,
// plain strings where v3 wants ADF, fields that are not on the screen. A
// per-credential token bucket and, when Options.Limits asks, Jira Cloud's
// documented burst limits per endpoint and per-issue write limits answer
// 429 with Retry-After, and a failure plan injects 429/5xx answers for
// retry tests.
//
// Choices where Jira leaves room, documented so tests can rely on them:
//   - maxResults on search defaults to 50 and is capped at 5000 when only
//     id/key are requested, else at 100.
//   - A query without ORDER BY is ordered by key descending (newest first,
//     as Jira's issue navigator shows); ties always break on issue id.
//   - nextPageToken is base64url JSON holding a hash of the JQL, the sort
//     values and id of the last issue examined (keyset paging: an issue
//     updated between pages moves behind the cursor and is returned again,
//     none is skipped) and when it was issued; tokens expire after 7 days.
//   - /worklog/updated and /worklog/deleted omit changes from the last
//     minute (as documented by Atlassian; see Options.WorklogChangeDelay) and
//     never split a page inside one millisecond, so following nextPage
//     (since = until+1) sees every change exactly once.
//   - The 401 body is Jira Cloud's plain-text "Client must be authenticated
//     to access this resource.".
//
// Seed and inspect it through Go methods (AddProject, AddUser, PutIssue,
// UpdateIssue, MoveIssue, DeleteIssue, AddWorklog, DeleteWorklog, Issues,
// RequestCount) or through JSON under /_fake/jira/ (see admin.go).
package jirafake

import (
	"crypto/subtle"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// Credentials of the user every Fake starts with; NewServer's clients use them.
const (
	DefaultAccountID = "5b10ac8d82e05b22cc7d4ef5"
	DefaultEmail     = "liaison-bot@agency.example"
	DefaultToken     = "fake-api-token"
)

// Options configure a Fake. The zero value is usable.
type Options struct {
	// Clock stamps created/updated times and drives rate limits, lag and
	// token expiry. Defaults to clock.Real.
	Clock clock.Clock
	// Logger receives one debug line per request. Defaults to discarding.
	Logger *slog.Logger
	// TimeZone is the authenticated user's zone: JQL dates are read in it
	// and timestamps rendered in it, as Jira does. Defaults to UTC.
	TimeZone *time.Location
	// BaseURL is used in self links; defaults to the request's scheme and host.
	BaseURL string
	// SearchLag makes search eventually consistent: an issue changed less
	// than SearchLag ago is missing from results unless reconcileIssues
	// names it. Zero (the default) means search sees every write at once.
	SearchLag time.Duration
	// RateLimit enables a token bucket per credential; zero disables it.
	RateLimit RateLimit
	// Limits enforces Jira Cloud's documented burst and per-issue write
	// limits for the whole site (see CloudLimits); zero disables them.
	Limits Limits
	// WorklogChangeDelay hides worklog changes younger than this from the
	// updated/deleted feeds. Zero means Jira's one minute; negative disables.
	WorklogChangeDelay time.Duration
}

// Fake is an in-memory Jira Cloud site. It is safe for concurrent use.
type Fake struct {
	clock clock.Clock
	log   *slog.Logger
	tz    *time.Location
	opts  Options
	mux   *http.ServeMux

	mu           sync.RWMutex
	projects     map[string]*project // by upper-case key
	projectsByID map[string]*project
	users        []*User
	issues       map[int64]*issue
	byKey        map[string]*issue // current and former keys
	byUpdated    []*issue          // sorted by (updated, id) unless updatedDirty
	updatedDirty bool
	worklogs     map[int64]*worklog
	deletedWL    []deletedWorklog
	nextIssueID  int64
	nextWorklog  int64
	nextComment  int64
	nextProject  int64
	version      uint64 // bumped on every write; keys the search cache

	cache   searchCache
	parsed  parseCache
	scanned atomic.Int64 // issues examined by searches, for tests that check the work a page costs
	traffic traffic
	limiter limiter
	site    siteLimiter
}

// New returns an empty Fake holding only the default user.
func New(opts Options) *Fake {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.TimeZone == nil {
		opts.TimeZone = time.UTC
	}
	if opts.WorklogChangeDelay == 0 {
		opts.WorklogChangeDelay = time.Minute
	}
	f := &Fake{
		clock:        opts.Clock,
		log:          opts.Logger,
		tz:           opts.TimeZone,
		opts:         opts,
		projects:     map[string]*project{},
		projectsByID: map[string]*project{},
		issues:       map[int64]*issue{},
		byKey:        map[string]*issue{},
		worklogs:     map[int64]*worklog{},
		nextIssueID:  10000,
		nextWorklog:  100000,
		nextComment:  10000,
		nextProject:  10000,
	}
	f.cache.entries = map[string]*searchResult{}
	f.parsed.entries = map[string]parsedJQL{}
	f.parsed.compiled = map[compiledKey]*compiledQuery{}
	f.traffic.counts = map[string]int{}
	f.limiter.buckets = map[string]*bucket{}
	f.users = []*User{{AccountID: DefaultAccountID, DisplayName: "Liaison Bot", Email: DefaultEmail, APIToken: DefaultToken}}
	f.mux = f.routes()
	return f
}

// NewServer starts a Fake on a loopback httptest server that closes with
// the test. The returned client authenticates as the default user.
func NewServer(t testing.TB, opts Options) (*Fake, *httptest.Server) {
	t.Helper()
	f := New(opts)
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(srv.Close)
	return f, srv
}

// Handler serves the Jira REST API and the /_fake/jira/ admin API from the root.
func (f *Fake) Handler() http.Handler { return http.HandlerFunc(f.serve) }

func (f *Fake) routes() *http.ServeMux {
	m := http.NewServeMux()
	for _, v := range []string{"2", "3"} {
		p := "/rest/api/" + v
		m.HandleFunc("GET "+p+"/search/jql", f.handleSearchGet)
		m.HandleFunc("POST "+p+"/search/jql", f.handleSearchPost)
		m.HandleFunc("GET "+p+"/search", f.handleRemovedSearch)
		m.HandleFunc("POST "+p+"/search", f.handleRemovedSearch)
		m.HandleFunc("GET "+p+"/issue/{issueIdOrKey}", f.handleGetIssue)
		m.HandleFunc("POST "+p+"/issue", f.handleCreateIssue)
		m.HandleFunc("PUT "+p+"/issue/{issueIdOrKey}", f.handleEditIssue)
		m.HandleFunc("GET "+p+"/issue/{issueIdOrKey}/comment", f.handleGetComments)
		m.HandleFunc("POST "+p+"/issue/{issueIdOrKey}/comment", f.handleAddComment)
		m.HandleFunc("GET "+p+"/issue/{issueIdOrKey}/properties/{propertyKey}", f.handleGetProperty)
		m.HandleFunc("PUT "+p+"/issue/{issueIdOrKey}/properties/{propertyKey}", f.handleSetProperty)
		m.HandleFunc("GET "+p+"/issue/{issueIdOrKey}/transitions", f.handleGetTransitions)
		m.HandleFunc("POST "+p+"/issue/{issueIdOrKey}/transitions", f.handleDoTransition)
		m.HandleFunc("GET "+p+"/issue/{issueIdOrKey}/worklog", f.handleGetIssueWorklogs)
		m.HandleFunc("POST "+p+"/issue/{issueIdOrKey}/worklog", f.handleAddWorklog)
		m.HandleFunc("GET "+p+"/worklog/updated", f.handleWorklogsUpdated)
		m.HandleFunc("GET "+p+"/worklog/deleted", f.handleWorklogsDeleted)
		m.HandleFunc("POST "+p+"/worklog/list", f.handleWorklogList)
		m.HandleFunc("GET "+p+"/myself", f.handleMyself)
		m.HandleFunc("GET "+p+"/user/search", f.handleUserSearch)
		m.HandleFunc("GET "+p+"/serverInfo", f.handleServerInfo)
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErrors(w, http.StatusNotFound, []string{"No API endpoint matches " + r.Method + " " + r.URL.Path + " in the Jira fake."}, nil)
	})
	return m
}

// serve runs every API request through the pipeline Jira applies:
// counting, injected failures, authentication, rate limiting, then routing.
func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.Path) >= len(adminPrefix) && r.URL.Path[:len(adminPrefix)] == adminPrefix {
		f.serveAdmin(w, r)
		return
	}
	// Handler only names the route; ServeHTTP below routes again so that
	// path values are set on the request.
	_, pattern := f.mux.Handler(r)
	if pattern == "" {
		pattern = r.Method + " (unmatched)"
	}
	f.traffic.count(pattern)
	f.log.Debug("jira fake request", "method", r.Method, "path", r.URL.Path, "route", pattern)
	if f.traffic.injectFailure(w, r, f.clock.Now()) {
		return
	}
	email, ok := f.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="protected-by-api-token"`)
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, "Client must be authenticated to access this resource.")
		return
	}
	if !f.limiter.allow(w, f.opts.RateLimit, email, f.clock.Now()) {
		return
	}
	var target int64
	if len(f.opts.Limits.PerIssueWrites) > 0 && r.Method != http.MethodGet {
		target = f.writeTarget(r.URL.Path)
	}
	if !f.site.allow(w, f.opts.Limits, pattern, r.Method, target, f.clock.Now()) {
		return
	}
	f.mux.ServeHTTP(w, r)
}

// authenticate checks basic auth against users' API tokens and returns the email.
func (f *Fake) authenticate(r *http.Request) (string, bool) {
	email, token, ok := r.BasicAuth()
	if !ok || token == "" {
		return "", false
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, u := range f.users {
		if u.APIToken != "" && u.Email == email && subtle.ConstantTimeCompare([]byte(u.APIToken), []byte(token)) == 1 && !u.Inactive {
			return email, true
		}
	}
	return "", false
}

// currentUserLocked returns the authenticated user; callers hold f.mu.
func (f *Fake) currentUserLocked(r *http.Request) *User {
	email, _, _ := r.BasicAuth()
	for _, u := range f.users {
		if u.Email == email {
			return u
		}
	}
	return f.users[0]
}
