// Package searchconsolefake is a fake of the Search Console API's
// searchanalytics.query (POST webmasters/v3/sites/{siteUrl}/searchAnalytics/query),
// following the discovery document in specs/google/searchconsole: the
// request's fields and enums, dimensions date/query/page/country/device
// aggregated as asked, rowLimit at most 25,000 with startRow paging,
// dataState final or all (fresh days are partial, final data lags Lag
// days, dates are Pacific time), 429 with Retry-After (injected, or the
// documented per-minute quotas when Options.Quota asks), and 403 for a
// property the caller is not verified for. Data are deterministic per
// property; Totals gives tests the sums to compare with.
package searchconsolefake

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// MaxRowLimit is the largest rowLimit the API accepts.
const MaxRowLimit = 25000

// Authorizer maps a bearer token to the principal it acts for; the OAuth
// fake's Server implements it.
type Authorizer interface {
	Principal(accessToken string) (string, bool)
}

// Options configure a Fake.
type Options struct {
	// Clock decides "today" (in America/Los_Angeles); clock.Real when nil.
	Clock clock.Clock
	// Logger receives one debug line per refused request; discarded when nil.
	Logger *slog.Logger
	// Auth checks bearer tokens; required.
	Auth Authorizer
	// Lag is how many days final data trails today; default 3. Days after
	// today-Lag exist only with dataState "all", and are partial.
	Lag int
	// Quota enforces per-minute usage limits (see DocumentedQuota) with
	// 429 RESOURCE_EXHAUSTED and Retry-After; the zero value enforces none.
	Quota Quota
}

// Request is one query as the fake saw it.
type Request struct {
	Site       string
	Principal  string
	Dimensions []string
	DataState  string
	StartRow   int
	RowLimit   int
	Status     int
	Rows       int
}

type rateLimit struct {
	times      int
	retryAfter time.Duration
}

// Fake is the Search Console fake. It is safe for concurrent use.
type Fake struct {
	clk   clock.Clock
	log   *slog.Logger
	auth  Authorizer
	lag   int
	pt    *time.Location
	quota Quota

	mu       sync.Mutex
	sites    map[string]*Site
	limits   map[string]*rateLimit
	used     minuteLog // recent queries per quota key
	seconds  map[string]*secondBucket
	requests []Request
}

// New returns a Fake with no sites.
func New(opts Options) *Fake {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Lag <= 0 {
		opts.Lag = 3
	}
	pt, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		pt = time.FixedZone("PST", -8*3600)
	}
	return &Fake{clk: opts.Clock, log: opts.Logger, auth: opts.Auth, lag: opts.Lag, pt: pt, quota: opts.Quota,
		sites: map[string]*Site{}, limits: map[string]*rateLimit{}, used: minuteLog{},
		seconds: map[string]*secondBucket{}}
}

// AddSite adds (or replaces) a property.
func (f *Fake) AddSite(s Site) error {
	switch {
	case strings.HasPrefix(s.URL, "sc-domain:") && len(s.URL) > len("sc-domain:") && !strings.Contains(s.URL, "/"):
	case (strings.HasPrefix(s.URL, "https://") || strings.HasPrefix(s.URL, "http://")) && strings.HasSuffix(s.URL, "/"):
	default:
		return fmt.Errorf("searchconsolefake: %q is neither a URL-prefix property (ending in /) nor sc-domain:", s.URL)
	}
	s.withDefaults()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sites[s.URL] = &s
	return nil
}

// InjectRateLimit answers the next times queries for site (times ≤ 0:
// until ClearFailures) with 429 and Retry-After.
func (f *Fake) InjectRateLimit(site string, times int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limits[site] = &rateLimit{times: times, retryAfter: retryAfter}
}

// ClearFailures removes injected failures.
func (f *Fake) ClearFailures() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limits = map[string]*rateLimit{}
}

// Requests returns every query so far, in arrival order.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// ResetRequests forgets the queries recorded so far.
func (f *Fake) ResetRequests() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = nil
}

// Today is the fake's current date in Pacific time, the zone Search
// Console dates are in.
func (f *Fake) Today() string { return f.clk.Now().In(f.pt).Format(time.DateOnly) }

// LastFinalDay is the newest date with final data.
func (f *Fake) LastFinalDay() string {
	return f.clk.Now().In(f.pt).AddDate(0, 0, -f.lag).Format(time.DateOnly)
}

// freshness is how many days date is from final: 0 when final, -1 when
// there is no data at all (today or later).
func (f *Fake) freshness(date string) int {
	now := f.clk.Now().In(f.pt)
	d, err := time.ParseInLocation(time.DateOnly, date, f.pt)
	if err != nil {
		return -1
	}
	y, m, dd := now.Date()
	age := int(time.Date(y, m, dd, 0, 0, 0, 0, f.pt).Sub(d).Hours()+12) / 24
	switch {
	case age < 1:
		return -1
	case age >= f.lag:
		return 0
	}
	return f.lag - age
}

// Totals sums site's final data over [from, to], as a query grouped by
// date with dataState final returns it.
func (f *Fake) Totals(site, from, to string) Totals {
	f.mu.Lock()
	s := f.sites[site]
	f.mu.Unlock()
	var t Totals
	if s == nil {
		return t
	}
	for _, r := range f.aggregate(s, []string{"date"}, from, to, "final") {
		t.Days++
		t.Impressions += int64(r.Impressions)
		t.Clicks += int64(r.Clicks)
		t.PositionSum += r.Position * r.Impressions
	}
	return t
}

// apiRow is an ApiDataRow.
type apiRow struct {
	Keys        []string `json:"keys"`
	Clicks      float64  `json:"clicks"`
	Impressions float64  `json:"impressions"`
	Ctr         float64  `json:"ctr"`
	Position    float64  `json:"position"`
}

// aggregate groups the facts of [from, to] by dims (lowercase), with
// position as the impression-weighted mean, sorted by clicks descending
// then keys, as the API orders rows.
func (f *Fake) aggregate(s *Site, dims []string, from, to, state string) []apiRow {
	type acc struct {
		keys                []string
		impressions, clicks int64
		posImpr             float64
	}
	groups := map[string]*acc{}
	eachDay(from, to, func(date string) {
		fr := f.freshness(date)
		if fr < 0 || (fr > 0 && state == "final") {
			return
		}
		for _, c := range s.facts(date, fr) {
			keys := make([]string, len(dims))
			for i, d := range dims {
				switch d {
				case "date":
					keys[i] = c.date
				case "query":
					keys[i] = c.query
				case "page":
					keys[i] = c.page
				case "country":
					keys[i] = c.country
				case "device":
					keys[i] = c.device
				}
			}
			k := strings.Join(keys, "\x00")
			a := groups[k]
			if a == nil {
				a = &acc{keys: keys}
				groups[k] = a
			}
			a.impressions += c.impressions
			a.clicks += c.clicks
			a.posImpr += c.position * float64(c.impressions)
		}
	})
	out := make([]apiRow, 0, len(groups))
	for _, a := range groups {
		r := apiRow{Keys: a.keys, Clicks: float64(a.clicks), Impressions: float64(a.impressions),
			Position: a.posImpr / float64(a.impressions)}
		r.Ctr = r.Clicks / r.Impressions
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Clicks != out[j].Clicks {
			return out[i].Clicks > out[j].Clicks
		}
		return strings.Join(out[i].Keys, "\x00") < strings.Join(out[j].Keys, "\x00")
	})
	return out
}

// queryRequest is SearchAnalyticsQueryRequest.
type queryRequest struct {
	StartDate             string            `json:"startDate"`
	EndDate               string            `json:"endDate"`
	Dimensions            []string          `json:"dimensions"`
	Type                  string            `json:"type"`
	SearchType            string            `json:"searchType"`
	DimensionFilterGroups []json.RawMessage `json:"dimensionFilterGroups"`
	AggregationType       string            `json:"aggregationType"`
	RowLimit              *int              `json:"rowLimit"`
	StartRow              int               `json:"startRow"`
	DataState             string            `json:"dataState"`
}

// Handler serves the query method and answers anything else with 404.
func (f *Fake) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webmasters/v3/sites/{siteUrl}/searchAnalytics/query", f.serveQuery)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "searchconsolefake: no route for "+r.Method+" "+r.URL.Path, "notFound")
	})
	return mux
}

func (f *Fake) serveQuery(w http.ResponseWriter, r *http.Request) {
	site := r.PathValue("siteUrl")
	rec := Request{Site: site}
	fail := func(status int, grpc, msg, reason string) {
		rec.Status = status
		f.record(rec)
		f.log.Debug("query refused", "site", site, "status", status, "msg", msg)
		writeError(w, status, grpc, msg, reason)
	}
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	principal, valid := f.auth.Principal(bearer)
	if !ok || !valid {
		fail(http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "authError")
		return
	}
	rec.Principal = principal
	f.mu.Lock()
	s := f.sites[site]
	owned := s != nil && slices.Contains(s.Owners, principal)
	lim := f.limits[site]
	if lim != nil && owned {
		if lim.times > 0 {
			lim.times--
			if lim.times == 0 {
				delete(f.limits, site)
			}
		}
	}
	var exhausted string
	var wait time.Duration
	if owned && lim == nil {
		if w, ok := f.quota.takeSecond(f.seconds, principal, f.clk.Now()); !ok {
			exhausted, wait = "Queries per second per user", w
		} else {
			exhausted, wait = f.used.admit(f.clk.Now(), f.quota.checks(site, principal))
		}
	}
	f.mu.Unlock()
	if exhausted != "" {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		fail(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", quotaMessage(exhausted), "rateLimitExceeded")
		return
	}
	if !owned {
		fail(http.StatusForbidden, "PERMISSION_DENIED", fmt.Sprintf("User does not have sufficient permission for site '%s'. See also: https://support.google.com/webmasters/answer/2451999.", site), "forbidden")
		return
	}
	if lim != nil {
		w.Header().Set("Retry-After", strconv.Itoa(int(lim.retryAfter.Seconds())))
		fail(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Search Analytics load quota exceeded. Please retry later.", "rateLimitExceeded")
		return
	}
	var q queryRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), "badRequest")
		return
	}
	dims, state, limit, msg := check(q)
	rec.Dimensions, rec.DataState, rec.StartRow, rec.RowLimit = dims, state, q.StartRow, limit
	if msg != "" {
		fail(http.StatusBadRequest, "INVALID_ARGUMENT", msg, "badRequest")
		return
	}
	rows := f.aggregate(s, dims, q.StartDate, q.EndDate, state)
	if q.StartRow >= len(rows) {
		rows = nil
	} else {
		rows = rows[q.StartRow:min(len(rows), q.StartRow+limit)]
	}
	rec.Status, rec.Rows = http.StatusOK, len(rows)
	f.record(rec)
	agg := "BY_PROPERTY"
	if slices.Contains(dims, "page") {
		agg = "BY_PAGE"
	}
	resp := map[string]any{"responseAggregationType": agg}
	if len(rows) > 0 {
		resp["rows"] = rows
	}
	if state == "all" && slices.Contains(dims, "date") {
		if first := f.firstIncomplete(q.StartDate, q.EndDate); first != "" {
			resp["metadata"] = map[string]string{"firstIncompleteDate": first}
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *Fake) firstIncomplete(from, to string) string {
	first := ""
	eachDay(from, to, func(date string) {
		if first == "" && f.freshness(date) > 0 {
			first = date
		}
	})
	return first
}

var (
	knownDims   = []string{"date", "query", "page", "country", "device"}
	knownTypes  = []string{"", "web", "image", "video", "news", "discover", "googlenews"}
	knownStates = []string{"", "final", "all"}
	knownAggs   = []string{"", "auto", "byproperty", "bypage"}
)

func norm(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// check validates a request the way the API does: enum values are case-
// insensitive, dates are required and ordered, rowLimit is 1–25,000.
func check(q queryRequest) (dims []string, state string, limit int, msg string) {
	if _, err := time.Parse(time.DateOnly, q.StartDate); err != nil {
		return nil, "", 0, "startDate is required in YYYY-MM-DD format"
	}
	if _, err := time.Parse(time.DateOnly, q.EndDate); err != nil {
		return nil, "", 0, "endDate is required in YYYY-MM-DD format"
	}
	if q.EndDate < q.StartDate {
		return nil, "", 0, "startDate must be before or equal to endDate"
	}
	for _, d := range q.Dimensions {
		n := norm(d)
		if n == "searchappearance" || n == "hour" {
			return nil, "", 0, "the fake does not serve dimension " + d
		}
		if !slices.Contains(knownDims, n) {
			return nil, "", 0, fmt.Sprintf("Invalid value at 'dimensions' (%s)", d)
		}
		if slices.Contains(dims, n) {
			return nil, "", 0, "dimension " + d + " given twice"
		}
		dims = append(dims, n)
	}
	if t := norm(q.Type); !slices.Contains(knownTypes, t) {
		return nil, "", 0, fmt.Sprintf("Invalid value at 'type' (%s)", q.Type)
	}
	if t := norm(q.SearchType); !slices.Contains(knownTypes, t) {
		return nil, "", 0, fmt.Sprintf("Invalid value at 'search_type' (%s)", q.SearchType)
	}
	if q.Type != "" && q.SearchType != "" {
		return nil, "", 0, "give type or searchType, not both"
	}
	if len(q.DimensionFilterGroups) > 0 {
		return nil, "", 0, "the fake does not serve dimensionFilterGroups"
	}
	a := norm(q.AggregationType)
	if !slices.Contains(knownAggs, a) {
		return nil, "", 0, fmt.Sprintf("Invalid value at 'aggregation_type' (%s)", q.AggregationType)
	}
	if a == "byproperty" && slices.Contains(dims, "page") {
		return nil, "", 0, "Cannot aggregate by property when grouping or filtering by page."
	}
	state = norm(q.DataState)
	if state == "hourlyall" {
		return nil, "", 0, "the fake does not serve hourly data"
	}
	if !slices.Contains(knownStates, state) {
		return nil, "", 0, fmt.Sprintf("Invalid value at 'data_state' (%s)", q.DataState)
	}
	if state == "" {
		state = "final"
	}
	limit = 1000
	if q.RowLimit != nil {
		limit = *q.RowLimit
	}
	if limit < 1 || limit > MaxRowLimit {
		return nil, "", 0, fmt.Sprintf("rowLimit must be between 1 and %d", MaxRowLimit)
	}
	if q.StartRow < 0 {
		return nil, "", 0, "startRow must be non-negative"
	}
	return dims, state, limit, ""
}

func (f *Fake) record(r Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r)
}

// writeError answers with Google's JSON error envelope.
func writeError(w http.ResponseWriter, status int, grpc, msg, reason string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": status, "message": msg, "status": grpc,
		"errors": []map[string]string{{"message": msg, "domain": "global", "reason": reason}},
	}})
}
