// Package googleadsfake is a fake of the Google Ads REST API's
// googleAds:searchStream, faithful to the v22 protos in
// specs/googleads: lowerCamelCase fields, int64 as JSON strings, zero
// values omitted, the stream as a JSON array of batches with results,
// fieldMask and requestId, and errors as google.rpc.Status carrying a
// GoogleAdsFailure.
//
// It refuses what Google refuses: an unknown API version (404, as a sunset
// version answers), a missing or wrong bearer token or developer-token, a
// customer the caller cannot reach (login-customer-id rules), and any GAQL
// outside the subset Liaison sends. Data are synthetic and deterministic
// per customer id; Totals gives tests the sums to compare with. Failures
// (quota, internal errors) are injected per customer.
package googleadsfake

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// DefaultDeveloperToken is the developer-token the fake accepts by default.
const DefaultDeveloperToken = "fake-developer-token"

// DefaultBatchSize is how many rows Google puts in one stream batch.
const DefaultBatchSize = 10000

// Authorizer maps a bearer token to the principal it acts for; the OAuth
// fake's Server implements it.
type Authorizer interface {
	Principal(accessToken string) (string, bool)
}

// Options configure a Fake.
type Options struct {
	// Clock decides "today" for the data and late conversions; clock.Real when nil.
	Clock clock.Clock
	// Logger receives one debug line per refused request; discarded when nil.
	Logger *slog.Logger
	// Auth checks bearer tokens; required.
	Auth Authorizer
	// DeveloperToken is the accepted developer-token; default DefaultDeveloperToken.
	DeveloperToken string
	// Versions are the API versions served; default v20, v21, v22.
	Versions []string
	// BatchSize bounds rows per stream batch; default DefaultBatchSize.
	BatchSize int
	// DailyOperations is the developer token's daily operation limit
	// (BasicAccessOperations, ExplorerAccessOperations); past it every call
	// answers 429 RESOURCE_EXHAUSTED until midnight Pacific time. Zero is
	// unlimited, as with Standard access.
	DailyOperations int
	// Rate limits requests per second under the developer token, a token
	// bucket of Rate.Burst refilled at Rate.PerSecond; past it a call
	// answers 429 RESOURCE_EXHAUSTED (quotaError
	// RESOURCE_TEMPORARILY_EXHAUSTED) with a retry delay. Google meters
	// such rates but publishes no figure; the zero value enforces none.
	Rate RateLimit
}

// Request is one searchStream call as the fake saw it.
type Request struct {
	Version         string
	CustomerID      string
	LoginCustomerID string
	Principal       string
	Query           string
	Status          int
	Rows            int
}

type injected struct {
	times      int // remaining; ≤ 0 means until cleared
	status     int
	grpcStatus string
	code       string // errorCode key: value, e.g. quotaError: RESOURCE_EXHAUSTED
	value      string
	retryDelay time.Duration
}

// Fake is the Google Ads API fake. It is safe for concurrent use.
type Fake struct {
	clk      clock.Clock
	log      *slog.Logger
	auth     Authorizer
	devTK    string
	batch    int
	opsLimit int
	pt       *time.Location

	mu       sync.Mutex
	versions []string
	accounts map[string]*Account
	managers map[string][]string // manager id → users
	failures map[string]*injected
	requests []Request
	seq      int
	ops      dailyOps
	rate     RateLimit
	bucket   tokenBucket
}

// New returns a Fake with no accounts.
func New(opts Options) *Fake {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.DeveloperToken == "" {
		opts.DeveloperToken = DefaultDeveloperToken
	}
	if len(opts.Versions) == 0 {
		opts.Versions = []string{"v20", "v21", "v22"}
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	pt, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		pt = time.FixedZone("PST", -8*3600)
	}
	return &Fake{clk: opts.Clock, log: opts.Logger, auth: opts.Auth, devTK: opts.DeveloperToken, batch: opts.BatchSize,
		opsLimit: opts.DailyOperations, pt: pt, rate: opts.Rate,
		versions: slices.Clone(opts.Versions), accounts: map[string]*Account{}, managers: map[string][]string{},
		failures: map[string]*injected{}}
}

var customerIDRE = regexp.MustCompile(`^[0-9]{10}$`)

// AddAccount adds (or replaces) a customer account. The id must be ten digits.
func (f *Fake) AddAccount(a Account) error {
	if !customerIDRE.MatchString(a.CustomerID) {
		return fmt.Errorf("googleadsfake: customer id %q is not ten digits", a.CustomerID)
	}
	a.withDefaults()
	a.DayFactors = maps.Clone(a.DayFactors)
	a.Stops = maps.Clone(a.Stops)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accounts[a.CustomerID] = &a
	return nil
}

// AddManager adds a manager account whose users reach every account that
// lists it in Managers, by sending its id as login-customer-id.
func (f *Fake) AddManager(id string, users ...string) error {
	if !customerIDRE.MatchString(id) {
		return fmt.Errorf("googleadsfake: manager id %q is not ten digits", id)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.managers[id] = append(f.managers[id], users...)
	return nil
}

// SunsetVersion stops serving version: its paths answer 404 from now on.
func (f *Fake) SunsetVersion(version string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.versions = slices.DeleteFunc(f.versions, func(v string) bool { return v == version })
}

// InjectQuotaError makes the next times requests for customerID (times ≤ 0:
// every request until ClearFailures) fail with 429 RESOURCE_EXHAUSTED and a
// QuotaErrorDetails retryDelay.
func (f *Fake) InjectQuotaError(customerID string, times int, retryDelay time.Duration) {
	f.inject(customerID, &injected{times: times, status: http.StatusTooManyRequests, grpcStatus: "RESOURCE_EXHAUSTED",
		code: "quotaError", value: "RESOURCE_EXHAUSTED", retryDelay: retryDelay})
}

// InjectInternalError makes the next times requests for customerID fail
// with 500 INTERNAL (times ≤ 0: until ClearFailures).
func (f *Fake) InjectInternalError(customerID string, times int) {
	f.inject(customerID, &injected{times: times, status: http.StatusInternalServerError, grpcStatus: "INTERNAL",
		code: "internalError", value: "INTERNAL_ERROR"})
}

func (f *Fake) inject(customerID string, in *injected) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[customerID] = in
}

// ClearFailures removes every injected failure.
func (f *Fake) ClearFailures() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = map[string]*injected{}
}

// Requests returns every searchStream call so far, in arrival order.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// ResetRequests forgets the calls recorded so far.
func (f *Fake) ResetRequests() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = nil
}

// Totals sums customerID's campaign rows dated within [from, to] as a
// query would return them now.
func (f *Fake) Totals(customerID, from, to string) Totals {
	f.mu.Lock()
	a := f.accounts[customerID]
	f.mu.Unlock()
	var t Totals
	if a == nil {
		return t
	}
	today := a.today(f.clk.Now())
	for _, c := range a.campaigns() {
		eachDay(from, to, func(date string) {
			if m, ok := a.metrics(c, date, today); ok {
				t.Rows++
				t.Impressions += m.impressions
				t.Clicks += m.clicks
				t.CostMicros += m.costMicros
				t.Conversions += m.conversions
				t.ConversionsValue += m.conversionsValue
			}
		})
	}
	return t
}

// Handler serves POST /{version}/customers/{customerId}/googleAds:searchStream
// and answers anything else with Google's 404 page.
func (f *Fake) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{version}/customers/{customer}/{method}", f.serveSearchStream)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound(w, r) })
	return mux
}

func notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=en>\n<title>Error 404 (Not Found)!!1</title>\n"+
		"<p><b>404.</b> <ins>That’s an error.</ins>\n<p>The requested URL <code>%s</code> was not found on this server.  <ins>That’s all we know.</ins>\n",
		htmlEscape(r.URL.Path))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;", `"`, "&quot;").Replace(s)
}

// adsError is one GoogleAdsError in a failure.
type adsError struct {
	ErrorCode map[string]string `json:"errorCode"`
	Message   string            `json:"message"`
	Details   map[string]any    `json:"details,omitempty"`
}

// writeFailure answers with google.rpc.Status carrying a GoogleAdsFailure,
// wrapped in the array a stream's error arrives in.
func (f *Fake) writeFailure(w http.ResponseWriter, version string, status int, grpcStatus, msg, requestID string, errs ...adsError) {
	st := map[string]any{"code": status, "message": msg, "status": grpcStatus}
	if len(errs) > 0 {
		st["details"] = []any{map[string]any{
			"@type":     "type.googleapis.com/google.ads.googleads." + version + ".errors.GoogleAdsFailure",
			"errors":    errs,
			"requestId": requestID,
		}}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode([]any{map[string]any{"error": st}})
}

func (f *Fake) record(r Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r)
}

func (f *Fake) requestID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return fmt.Sprintf("fake-req-%08d", f.seq)
}
