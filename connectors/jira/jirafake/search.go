package jirafake

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Page size limits of the enhanced search (see the package comment).
const (
	defaultMaxResults  = 50
	maxResultsFields   = 100
	maxResultsIDsOnly  = 5000
	maxReconcileIssues = 50
	tokenLifetime      = 7 * 24 * time.Hour
)

// searchRequest is the enhanced search input, from the query string or the
// POST body (SearchAndReconcileRequestBean).
type searchRequest struct {
	JQL             string   `json:"jql"`
	NextPageToken   string   `json:"nextPageToken"`
	MaxResults      *int     `json:"maxResults"`
	Fields          []string `json:"fields"`
	Expand          string   `json:"expand"`
	Properties      []string `json:"properties"`
	FieldsByKeys    bool     `json:"fieldsByKeys"`
	FailFast        bool     `json:"failFast"`
	ReconcileIssues []int64  `json:"reconcileIssues"`
}

// searchResult is a cached, sorted result of one query at one data version.
type searchResult struct {
	version uint64
	order   []sortField
	issues  []*issue
	rows    []sortRow
}

type searchCache struct {
	mu      sync.Mutex
	entries map[string]*searchResult
}

// pageToken is the decoded nextPageToken.
type pageToken struct {
	Hash    string   `json:"h"`
	After   []string `json:"a"`
	AfterID int64    `json:"i"`
	Issued  int64    `json:"t"`
}

func (f *Fake) handleSearchGet(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "jql", "nextPageToken", "maxResults", "fields", "expand", "properties", "fieldsByKeys", "failFast", "reconcileIssues") {
		return
	}
	q := r.URL.Query()
	req := searchRequest{JQL: q.Get("jql"), NextPageToken: q.Get("nextPageToken"), Expand: q.Get("expand"),
		Fields: splitList(q["fields"]), Properties: splitList(q["properties"])}
	if s := q.Get("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			badRequest(w, "The value '"+s+"' is invalid for the 'maxResults' parameter.")
			return
		}
		req.MaxResults = &n
	}
	for _, name := range []string{"fieldsByKeys", "failFast"} {
		if _, ok := parseBoolParam(q.Get(name)); !ok {
			badRequest(w, "The value '"+q.Get(name)+"' is invalid for the '"+name+"' parameter.")
			return
		}
	}
	for _, s := range splitList(q["reconcileIssues"]) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			badRequest(w, "The value '"+s+"' is invalid for the 'reconcileIssues' parameter.")
			return
		}
		req.ReconcileIssues = append(req.ReconcileIssues, n)
	}
	f.search(w, r, req)
}

func (f *Fake) handleSearchPost(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r) {
		return
	}
	var req searchRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		msg := "Invalid request payload. Refer to the REST API documentation and try again."
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			msg = "Unrecognized field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + " in the request body."
		}
		badRequest(w, msg)
		return
	}
	req.Fields = splitList(req.Fields)
	f.search(w, r, req)
}

// handleRemovedSearch answers the search endpoints Atlassian shut off in 2025.
func (f *Fake) handleRemovedSearch(w http.ResponseWriter, r *http.Request) {
	writeErrors(w, http.StatusGone, []string{"The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"}, nil)
}

func (f *Fake) search(w http.ResponseWriter, r *http.Request, req searchRequest) {
	sel := parseFieldSel(req.Fields, false)
	limit := defaultMaxResults
	if req.MaxResults != nil {
		limit = *req.MaxResults
	}
	if limit < 1 {
		badRequest(w, "The 'maxResults' parameter must be greater than 0.")
		return
	}
	ceiling := maxResultsFields
	if sel.onlyKeys() {
		ceiling = maxResultsIDsOnly
	}
	limit = min(limit, ceiling)
	if len(req.ReconcileIssues) > maxReconcileIssues {
		badRequest(w, "The 'reconcileIssues' parameter accepts at most 50 issue ids.")
		return
	}
	if len(req.Properties) > 5 {
		badRequest(w, "The 'properties' parameter accepts at most 5 properties.")
		return
	}
	q, err := f.parsed.parse(req.JQL)
	if err == nil && q.where == nil {
		err = &jqlError{msg: "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."}
	}
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	now := f.clock.Now()
	hash := queryHash(req.JQL)
	var after *sortRow
	if req.NextPageToken != "" {
		tok, err := decodeToken(req.NextPageToken)
		if err != nil || tok.Hash != hash || now.Sub(time.Unix(tok.Issued, 0)) > tokenLifetime {
			badRequest(w, "The provided next page token is invalid or expired.")
			return
		}
		after = &sortRow{keys: tok.After, id: tok.AfterID}
	}

	f.sortUpdatedIndex()
	f.mu.RLock()
	defer f.mu.RUnlock()
	env := &jqlEnv{f: f, now: now, tz: f.tz, me: f.currentUserLocked(r)}
	cq, err := f.compiledLocked(env, q, req.JQL)
	if err == nil && f.streamableLocked(cq) {
		lagged := func(is *issue) bool {
			return f.opts.SearchLag > 0 && now.Sub(is.updated) < f.opts.SearchLag && !slices.Contains(req.ReconcileIssues, is.id)
		}
		if after != nil && len(after.keys) != len(cq.order) {
			badRequest(w, "The provided next page token is invalid or expired.")
			return
		}
		page, last, more := f.streamPageLocked(cq, after, limit, lagged)
		base, ver := f.baseURL(r), apiVersion(r)
		issues := make([]any, 0, len(page))
		for _, is := range page {
			issues = append(issues, f.renderIssueLocked(is, sel, base, ver, req.Properties))
		}
		out := map[string]any{"issues": issues, "isLast": !more}
		if more {
			out["nextPageToken"] = encodeToken(pageToken{Hash: hash, After: last.keys, AfterID: last.id, Issued: now.Unix()})
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	var res *searchResult
	if err == nil {
		res, err = f.resultLocked(env, cq, req.JQL)
	}
	if err != nil {
		var je *jqlError
		if errors.As(err, &je) {
			badRequest(w, je.msg)
			return
		}
		writeErrors(w, http.StatusInternalServerError, []string{"Internal server error."}, nil)
		return
	}
	if after != nil && len(after.keys) != len(res.order) {
		badRequest(w, "The provided next page token is invalid or expired.")
		return
	}
	start := 0
	if after != nil {
		start = sort.Search(len(res.issues), func(i int) bool { return compareRows(res.order, res.rows[i], *after) > 0 })
	}
	reconcile := map[int64]bool{}
	for _, id := range req.ReconcileIssues {
		reconcile[id] = true
	}
	base, ver := f.baseURL(r), apiVersion(r)
	issues := make([]any, 0, min(limit, len(res.issues)-start))
	i := start
	for ; i < len(res.issues) && len(issues) < limit; i++ {
		is := res.issues[i]
		if f.opts.SearchLag > 0 && now.Sub(is.updated) < f.opts.SearchLag && !reconcile[is.id] {
			continue
		}
		issues = append(issues, f.renderIssueLocked(is, sel, base, ver, req.Properties))
	}
	out := map[string]any{"issues": issues, "isLast": i >= len(res.issues)}
	if i < len(res.issues) {
		last := res.rows[i-1]
		out["nextPageToken"] = encodeToken(pageToken{Hash: hash, After: last.keys, AfterID: last.id, Issued: now.Unix()})
	}
	writeJSON(w, http.StatusOK, out)
}

// compiledLocked compiles q, reusing the compilation of the same text for
// the same user at the same data version unless it reads the clock: a pull
// paging through a query that lists thousands of projects resolves them
// once, not on every page. Callers hold f.mu.
func (f *Fake) compiledLocked(env *jqlEnv, q *jqlQuery, jql string) (*compiledQuery, error) {
	key := compiledKey{jql: jql, user: env.me.AccountID, version: f.version}
	c := &f.parsed
	c.mu.Lock()
	cq, ok := c.compiled[key]
	c.mu.Unlock()
	if ok {
		return cq, nil
	}
	cq, err := env.compile(q)
	if err != nil || cq.timeBound {
		return cq, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.compiled {
		if k.version != key.version || len(c.compiled) >= maxParsedJQL {
			delete(c.compiled, k) // never hit again once the data moved on
		}
	}
	c.compiled[key] = cq
	return cq, nil
}

// resultLocked returns the sorted matches of q, from cache when the data and,
// for time-relative queries, the clock have not moved. Callers hold f.mu.
func (f *Fake) resultLocked(env *jqlEnv, cq *compiledQuery, jql string) (*searchResult, error) {
	key := jql + "\x00" + env.me.AccountID + "\x00" + strconv.FormatUint(f.version, 10)
	if cq.timeBound {
		key += "\x00" + strconv.FormatInt(env.now.UnixNano(), 10)
	}
	f.cache.mu.Lock()
	res, ok := f.cache.entries[key]
	f.cache.mu.Unlock()
	if ok {
		return res, nil
	}
	res = &searchResult{version: f.version, order: cq.order}
	candidates := f.candidatesLocked(cq)
	f.scanned.Add(int64(len(candidates)))
	for _, is := range candidates {
		if cq.match(is) {
			res.rows = append(res.rows, sortRowOf(cq.order, is))
		}
	}
	slices.SortFunc(res.rows, func(a, b sortRow) int { return compareRows(cq.order, a, b) })
	res.issues = make([]*issue, len(res.rows))
	for n, row := range res.rows {
		res.issues[n] = f.issues[row.id]
	}
	f.cache.mu.Lock()
	// Results of older versions are never hit again; at 200,000 issues each
	// holds megabytes, so drop them rather than let them age out.
	for k, e := range f.cache.entries {
		if e.version != res.version {
			delete(f.cache.entries, k)
		}
	}
	if len(f.cache.entries) >= 16 {
		clear(f.cache.entries)
	}
	f.cache.entries[key] = res
	f.cache.mu.Unlock()
	return res, nil
}

// candidatesLocked narrows the scan using the query's top-level restrictions:
// the updated index from a lower bound, or the named projects' issues.
func (f *Fake) candidatesLocked(cq *compiledQuery) []*issue {
	if !cq.updatedFrom.IsZero() {
		from := sort.Search(len(f.byUpdated), func(i int) bool { return !f.byUpdated[i].updated.Before(cq.updatedFrom) })
		tail := f.byUpdated[from:]
		if cq.projects == nil || len(tail) <= f.projectIssueCount(cq.projects) {
			return tail
		}
	}
	if cq.projects != nil {
		out := make([]*issue, 0, f.projectIssueCount(cq.projects))
		for p := range cq.projects {
			for _, is := range p.issues {
				out = append(out, is)
			}
		}
		return out
	}
	return f.byUpdated
}

func (f *Fake) projectIssueCount(ps map[*project]bool) int {
	n := 0
	for p := range ps {
		n += len(p.issues)
	}
	return n
}

// sortUpdatedIndex restores the (updated, id) order after writes. Writers only
// mark it dirty, so bulk seeding costs one sort.
func (f *Fake) sortUpdatedIndex() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.updatedDirty {
		return
	}
	slices.SortFunc(f.byUpdated, func(a, b *issue) int {
		if c := a.updated.Compare(b.updated); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	f.updatedDirty = false
}

func queryHash(jql string) string {
	h := sha256.Sum256([]byte(jql))
	return hex.EncodeToString(h[:8])
}

func encodeToken(t pageToken) string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string) (pageToken, error) {
	var t pageToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return t, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, err
	}
	if t.Hash == "" || len(t.After) == 0 || t.AfterID <= 0 {
		return t, errors.New("incomplete token")
	}
	return t, nil
}
