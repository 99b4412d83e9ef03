// Package sheetsfake is a fake of the two Google APIs reports are written
// through: Sheets v4 (spreadsheets.create/get/batchUpdate,
// spreadsheets.values.batchUpdate/get/batchGet) and Drive v3
// (files.create/list/get/update/delete, permissions.create/list/delete),
// following the discovery documents in specs/google/sheets/v4 and
// specs/google/drive/v3.
//
// It behaves as the real services do where Liaison depends on it: request
// bodies are decoded strictly (an unknown field is a 400, as Google's
// "Unknown name" error), unknown query parameters are refused, Drive's q
// is parsed (the subset Liaison sends; anything else is a 400 like
// Drive's), shared-drive items are invisible without supportsAllDrives, a
// service account creating a file outside a shared drive gets 403
// storageQuotaExceeded (domain usageLimits), sharing with an address that
// has no Google account without the notification email gets 400
// invalidSharingRequest, and Sheets' per-user write quota answers 429 with
// Retry-After and Google's error body.
//
// It keeps each spreadsheet's values, formats, frozen rows, column widths,
// conditional formats and charts, so tests (and the sandbox, at
// GET /_sandbox/sheets/{id}) can compare them with what was meant. It
// counts requests per API method, split into reads and writes, and records
// every permission of type anyone or domain as a violation: Liaison must
// never create one, and tests assert Violations is empty.
package sheetsfake

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// DefaultWritesPerMinute is Sheets' write quota per user per minute.
const DefaultWritesPerMinute = 60

// Authorizer maps a bearer token to the principal (an email address) it
// acts for; the OAuth fake's Server implements it.
type Authorizer interface {
	Principal(accessToken string) (string, bool)
}

// Options configure a Fake.
type Options struct {
	// Auth checks bearer tokens; required.
	Auth Authorizer
	// Clock stamps files and times the write quota; clock.Real when nil.
	Clock clock.Clock
	// Logger receives one line per refused request; discarded when nil.
	Logger *slog.Logger
	// WritesPerMinute is the Sheets write quota per user per minute;
	// default 60. Negative disables the quota.
	WritesPerMinute int
	// BaseURL prefixes the spreadsheetUrl and webViewLink the fake hands
	// out; default "https://docs.google.com".
	BaseURL string
}

// Fake is the Sheets and Drive fake. It is safe for concurrent use.
type Fake struct {
	auth    Authorizer
	clk     clock.Clock
	log     *slog.Logger
	quota   int
	baseURL string

	mu          sync.Mutex
	files       map[string]*file
	order       []string // file ids in creation order
	drives      map[string]*sharedDrive
	books       map[string]*spreadsheet
	noAccount   map[string]bool // addresses without a Google account
	nextID      int
	counts      map[string]int
	writeWindow map[string]*window // per principal
	violations  []string
	emails      []Email
	createHook  func(id string)
}

type window struct {
	start time.Time
	n     int
}

// Email is a sharing notification Drive would have sent.
type Email struct {
	To, FileID, Role, Message string
}

// New returns an empty Fake.
func New(opts Options) *Fake {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.WritesPerMinute == 0 {
		opts.WritesPerMinute = DefaultWritesPerMinute
	}
	if opts.BaseURL == "" {
		opts.BaseURL = "https://docs.google.com"
	}
	return &Fake{auth: opts.Auth, clk: opts.Clock, log: opts.Logger, quota: opts.WritesPerMinute,
		baseURL: strings.TrimRight(opts.BaseURL, "/"), files: map[string]*file{}, drives: map[string]*sharedDrive{},
		books: map[string]*spreadsheet{}, noAccount: map[string]bool{}, counts: map[string]int{},
		writeWindow: map[string]*window{}}
}

// Handler serves both APIs at their discovery paths (v4/spreadsheets...
// and drive/v3/files...) and answers anything else with a loud 404.
func (f *Fake) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range Routes {
		mux.Handle(r.HTTPMethod+" "+r.Pattern, f.wrap(r))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "sheetsfake: no route for "+r.Method+" "+r.URL.EscapedPath(), "global", "notFound")
	})
	return mux
}

// Route is one API method the fake serves.
type Route struct {
	ID         string // discovery method id, e.g. "drive.files.list"
	HTTPMethod string
	Pattern    string // net/http pattern on the wire path
	Params     []string
	Write      bool
	serve      func(f *Fake, c *call)
}

// Routes lists what the fake serves, for the test that checks it against
// the discovery documents.
var Routes = []Route{
	{ID: "sheets.spreadsheets.create", HTTPMethod: "POST", Pattern: "/v4/spreadsheets", Write: true, serve: (*Fake).sheetsCreate},
	{ID: "sheets.spreadsheets.get", HTTPMethod: "GET", Pattern: "/v4/spreadsheets/{id}", Params: []string{"ranges", "includeGridData"}, serve: (*Fake).sheetsGet},
	{ID: "sheets.spreadsheets.batchUpdate", HTTPMethod: "POST", Pattern: "/v4/spreadsheets/{idop}", Write: true, serve: (*Fake).sheetsBatchUpdate},
	{ID: "sheets.spreadsheets.values.batchUpdate", HTTPMethod: "POST", Pattern: "/v4/spreadsheets/{id}/{valuesop}", Write: true, serve: (*Fake).valuesBatchUpdate},
	{ID: "sheets.spreadsheets.values.get", HTTPMethod: "GET", Pattern: "/v4/spreadsheets/{id}/values/{range}", Params: []string{"valueRenderOption", "majorDimension", "dateTimeRenderOption"}, serve: (*Fake).valuesGet},
	{ID: "sheets.spreadsheets.values.batchGet", HTTPMethod: "GET", Pattern: "/v4/spreadsheets/{id}/{valuesop}", Params: []string{"ranges", "valueRenderOption", "majorDimension", "dateTimeRenderOption"}, serve: (*Fake).valuesBatchGet},
	{ID: "drive.files.create", HTTPMethod: "POST", Pattern: "/drive/v3/files", Params: []string{"supportsAllDrives"}, Write: true, serve: (*Fake).filesCreate},
	{ID: "drive.files.list", HTTPMethod: "GET", Pattern: "/drive/v3/files", Params: []string{"q", "corpora", "driveId", "includeItemsFromAllDrives", "supportsAllDrives", "pageSize", "pageToken", "spaces", "orderBy"}, serve: (*Fake).filesList},
	{ID: "drive.files.get", HTTPMethod: "GET", Pattern: "/drive/v3/files/{fileId}", Params: []string{"supportsAllDrives"}, serve: (*Fake).filesGet},
	{ID: "drive.files.update", HTTPMethod: "PATCH", Pattern: "/drive/v3/files/{fileId}", Params: []string{"supportsAllDrives"}, Write: true, serve: (*Fake).filesUpdate},
	{ID: "drive.files.delete", HTTPMethod: "DELETE", Pattern: "/drive/v3/files/{fileId}", Params: []string{"supportsAllDrives"}, Write: true, serve: (*Fake).filesDelete},
	{ID: "drive.permissions.create", HTTPMethod: "POST", Pattern: "/drive/v3/files/{fileId}/permissions", Params: []string{"sendNotificationEmail", "emailMessage", "supportsAllDrives", "transferOwnership"}, Write: true, serve: (*Fake).permissionsCreate},
	{ID: "drive.permissions.list", HTTPMethod: "GET", Pattern: "/drive/v3/files/{fileId}/permissions", Params: []string{"supportsAllDrives", "pageSize", "pageToken"}, serve: (*Fake).permissionsList},
	{ID: "drive.permissions.delete", HTTPMethod: "DELETE", Pattern: "/drive/v3/files/{fileId}/permissions/{permissionId}", Params: []string{"supportsAllDrives"}, Write: true, serve: (*Fake).permissionsDelete},
}

// standardParams are the query parameters every Google API accepts.
var standardParams = []string{"$.xgafv", "access_token", "alt", "callback", "fields", "key", "oauth_token", "prettyPrint", "quotaUser", "uploadType", "upload_protocol"}

// call is one request being served.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	route     Route
	principal string
	q         map[string]string
}

func (c *call) fail(status int, grpc, msg, domain, reason string) {
	writeError(c.w, status, grpc, msg, domain, reason)
}

func (c *call) boolParam(name string) bool { return c.q[name] == "true" }

func (f *Fake) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Sheets' colon verbs (":batchUpdate") are one path segment with the id.
		switch {
		case rt.ID == "sheets.spreadsheets.batchUpdate":
			id, ok := strings.CutSuffix(r.PathValue("idop"), ":batchUpdate")
			if !ok {
				writeError(w, http.StatusNotFound, "NOT_FOUND", "sheetsfake: no route for POST "+r.URL.EscapedPath(), "global", "notFound")
				return
			}
			r.SetPathValue("id", id)
		case rt.ID == "sheets.spreadsheets.values.batchUpdate" && r.PathValue("valuesop") != "values:batchUpdate",
			rt.ID == "sheets.spreadsheets.values.batchGet" && r.PathValue("valuesop") != "values:batchGet":
			writeError(w, http.StatusNotFound, "NOT_FOUND", "sheetsfake: no route for "+r.Method+" "+r.URL.EscapedPath(), "global", "notFound")
			return
		}
		c := &call{w: w, r: r, route: rt, q: map[string]string{}}
		for k, vs := range r.URL.Query() {
			if !slices.Contains(standardParams, k) && !slices.Contains(rt.Params, k) {
				c.fail(http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("Invalid JSON payload received. Unknown name %q: Cannot bind query parameter. Field %q could not be found in request message.", k, k), "global", "badRequest")
				return
			}
			if k == "ranges" {
				c.q[k] = strings.Join(vs, "\x00")
				continue
			}
			c.q[k] = vs[0]
		}
		if alt := c.q["alt"]; alt != "" && alt != "json" {
			c.fail(http.StatusBadRequest, "INVALID_ARGUMENT", "the fake answers alt=json only", "global", "badRequest")
			return
		}
		bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		principal, valid := "", false
		if ok && f.auth != nil {
			principal, valid = f.auth.Principal(bearer)
		}
		if !valid {
			c.fail(http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "global", "authError")
			return
		}
		c.principal = principal
		f.mu.Lock()
		f.counts[rt.ID]++
		if rt.Write && strings.HasPrefix(rt.ID, "sheets.") && f.quota > 0 {
			if wait, over := f.overQuotaLocked(principal); over {
				f.mu.Unlock()
				f.log.Debug("sheets write quota exceeded", "principal", principal)
				w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
				c.fail(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.", "global", "rateLimitExceeded")
				return
			}
		}
		f.mu.Unlock()
		rt.serve(f, c)
	})
}

// overQuotaLocked counts a write against principal's current minute and
// reports how long until the next minute when the quota is spent. Google
// counts whole minutes, so the wait is until the window turns.
func (f *Fake) overQuotaLocked(principal string) (time.Duration, bool) {
	now := f.clk.Now()
	wn := f.writeWindow[principal]
	if wn == nil || now.Sub(wn.start) >= time.Minute {
		wn = &window{start: now.Truncate(time.Minute)}
		f.writeWindow[principal] = wn
	}
	if wn.n >= f.quota {
		return wn.start.Add(time.Minute).Sub(now), true
	}
	wn.n++
	return 0, false
}

// Counts returns how many requests each API method received, by discovery
// method id (refused ones included).
func (f *Fake) Counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.counts)
}

// Traffic sums Counts into reads and writes. Sharing writes
// (permissions.create/delete) count on their own, so a test can say
// "≤ 4 writes besides sharing"; listing permissions is a read.
type Traffic struct {
	Reads, Writes, Sharing int
}

// Traffic returns the requests so far, summed.
func (f *Fake) Traffic() Traffic {
	f.mu.Lock()
	defer f.mu.Unlock()
	var t Traffic
	for _, r := range Routes {
		n := f.counts[r.ID]
		switch {
		case !r.Write:
			t.Reads += n
		case strings.HasPrefix(r.ID, "drive.permissions."):
			t.Sharing += n
		default:
			t.Writes += n
		}
	}
	return t
}

// ResetCounts forgets the requests counted so far.
func (f *Fake) ResetCounts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts = map[string]int{}
}

// Violations lists what Liaison must never do and did: a permission of
// type anyone or domain. Tests assert it stays empty.
func (f *Fake) Violations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.violations)
}

// Emails returns the sharing notifications sent, in order.
func (f *Fake) Emails() []Email {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.emails)
}

// WithoutGoogleAccount marks addresses as having no Google account: Drive
// shares with them only when it sends the notification email.
func (f *Fake) WithoutGoogleAccount(emails ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range emails {
		f.noAccount[strings.ToLower(e)] = true
	}
}

// AfterCreate sets a hook run (without the fake's lock) after each file
// is created, with the new id; tests use it to watch creates.
func (f *Fake) AfterCreate(hook func(id string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.createHook = hook
}

func (f *Fake) newIDLocked(prefix string) string {
	f.nextID++
	h := fnv.New64a()
	fmt.Fprintf(h, "%s-%d", prefix, f.nextID)
	return fmt.Sprintf("%s%d%012x", prefix, f.nextID, h.Sum64()&0xffffffffffff)
}

// permissionID is the stable id Drive gives an account's permissions.
func permissionID(email string) string {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(email)))
	return strconv.FormatUint(h.Sum64()%1e19, 10)
}

// isServiceAccount reports whether principal is a service account, which
// owns no Drive storage.
func isServiceAccount(principal string) bool {
	return strings.HasSuffix(principal, ".iam.gserviceaccount.com")
}

// writeError answers with Google's JSON error envelope.
func writeError(w http.ResponseWriter, status int, grpc, msg, domain, reason string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": status, "message": msg, "status": grpc,
		"errors": []map[string]string{{"message": msg, "domain": domain, "reason": reason}},
	}})
}

// writeJSON answers 200 with v, keeping only the fields the request's
// fields mask names, as Google does.
func (c *call) writeJSON(v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		c.fail(http.StatusInternalServerError, "INTERNAL", err.Error(), "global", "internalError")
		return
	}
	if mask := c.q["fields"]; mask != "" {
		tree, err := parseMask(mask)
		if err != nil {
			c.fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid field selection "+mask, "global", "invalidParameter")
			return
		}
		var m any
		_ = json.Unmarshal(raw, &m)
		raw, _ = json.Marshal(tree.apply(m))
	}
	c.w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_, _ = c.w.Write(raw)
}

// decode reads a JSON body strictly: Google refuses unknown names.
func (c *call) decode(v any) bool {
	dec := json.NewDecoder(c.r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		c.fail(http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), "global", "badRequest")
		return false
	}
	return true
}
