// Package searchconsole pulls Search Console search analytics (by day, and
// by day × query and day × page) into the store, through the official
// client google.golang.org/api/searchconsole/v1.
//
// Only final data is stored: Search Console's numbers land 2–3 days late
// and partial days ("all" data) keep changing, so the newest day pulled is
// today − Lag in Pacific time (the zone Search Console dates are in), and
// the fresher days wait for a later run. Each run re-pulls a short
// trailing window plus any days missed, replacing the window per property
// with store.ReplaceMetrics, so a re-pull never double counts. Position is
// stored as position × impressions (MetricPositionSum) so that it adds up.
package searchconsole

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	gsc "google.golang.org/api/searchconsole/v1"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/sync/store"
)

// Defaults for Options.
const (
	DefaultLagDays      = 3
	DefaultTrailingDays = 7
	DefaultInitialDays  = 90
	DefaultConcurrency  = 4
	// MaxRowLimit is the API's largest page.
	MaxRowLimit = 25000
)

// Options are what New needs besides the config.
type Options struct {
	// HTTPClient makes the API calls; use httpx.NewClient. Required.
	HTTPClient *http.Client
	// TokenSource authorises calls (google.TokenSource); required unless
	// every Site brings its own.
	TokenSource oauth2.TokenSource
	// Store receives metrics and cursors; required.
	Store store.Store
	// Logger; discarded when nil.
	Logger *slog.Logger
	// Clock reads "today"; clock.Real when nil.
	Clock clock.Clock
	// LagDays is how many days final data trails today; default 3. The
	// newest day stored is today − LagDays (Pacific time).
	LagDays int
	// TrailingDays is how many of the newest final days every run
	// re-pulls, in case a day was not final yet; default 7.
	TrailingDays int
	// InitialDays is how far back the first run reaches; default 90.
	InitialDays int
	// Concurrency bounds properties pulled at once; default 4.
	Concurrency int
	// RowLimit is the page size; default and maximum 25,000.
	RowLimit int
	// QueriesPerMinute overrides the config's
	// search_console_queries_per_minute, the pace of queries; negative
	// disables pacing.
	QueriesPerMinute int
}

// Site is one Search Console property to pull.
type Site struct {
	ClientID string
	// Property is "https://example.com/" or "sc-domain:example.com".
	Property string
	// TokenSource overrides Options.TokenSource for this property.
	TokenSource oauth2.TokenSource
}

// SiteResult is what one property's pull stored.
type SiteResult struct {
	ClientID, Property string
	From, To           string
	Rows               int // rows stored, all three groupings
	Requests           int
}

// SiteError is one property's failed pull.
type SiteError struct {
	ClientID string
	Property string
	Err      error
}

func (e *SiteError) Error() string {
	return fmt.Sprintf("search console: client %s, property %s: %v", e.ClientID, e.Property, e.Err)
}

func (e *SiteError) Unwrap() error { return e.Err }

// ErrNoAccess matches a 403: the credentials are not verified for the property.
var ErrNoAccess = errors.New("credentials have no access to the property")

// ErrRateLimited matches a 429 that outlasted the retries.
var ErrRateLimited = errors.New("search console rate limit")

// Syncer pulls Search Console metrics.
type Syncer struct {
	hc       *http.Client
	ts       oauth2.TokenSource
	st       store.Store
	log      *slog.Logger
	clk      clock.Clock
	pt       *time.Location
	endpoint string
	lag      int
	trailing int
	initial  int
	conc     int
	writeMu  sync.Mutex
	limit    int
	pace     *httpx.Pacer // nil: not paced
}

// New checks cfg and opts and returns a Syncer. It makes no request.
func New(cfg google.Config, opts Options) (*Syncer, error) {
	if opts.HTTPClient == nil || opts.Store == nil {
		return nil, errors.New("searchconsole: HTTPClient and Store are required")
	}
	if cfg.SearchConsoleBaseURL == "" {
		cfg.SearchConsoleBaseURL = google.DefaultSearchConsoleBaseURL
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.LagDays <= 0 {
		opts.LagDays = DefaultLagDays
	}
	if opts.TrailingDays <= 0 {
		opts.TrailingDays = DefaultTrailingDays
	}
	if opts.InitialDays <= 0 {
		opts.InitialDays = DefaultInitialDays
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.RowLimit <= 0 || opts.RowLimit > MaxRowLimit {
		opts.RowLimit = MaxRowLimit
	}
	pt, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		return nil, fmt.Errorf("searchconsole: loading Pacific time: %w", err)
	}
	qpm := cfg.SearchConsoleQueriesPerMinute
	if opts.QueriesPerMinute != 0 {
		qpm = opts.QueriesPerMinute
	}
	if qpm == 0 {
		qpm = google.DefaultSearchConsoleQueriesPerMinute
	}
	// The quota counts queries within any minute: one query every 60/qpm
	// seconds, never a burst, is never more than qpm in a minute.
	pace := httpx.NewPacer(float64(qpm)/60, 1)
	return &Syncer{hc: opts.HTTPClient, ts: opts.TokenSource, st: opts.Store, log: opts.Logger, clk: opts.Clock, pt: pt,
		endpoint: strings.TrimRight(cfg.SearchConsoleBaseURL, "/") + "/", lag: opts.LagDays, trailing: opts.TrailingDays,
		initial: opts.InitialDays, conc: opts.Concurrency, limit: opts.RowLimit, pace: pace}, nil
}

// CursorVersion is the format version of the cursors this package writes.
const CursorVersion = 1

// Cursor is a property's last complete (final) day pulled.
type Cursor struct {
	LastDay string `json:"last_day"`
}

// CursorSource is the store.Cursor source of a property.
func CursorSource(property string) string { return "gsc:" + property }

// LoadCursor returns a property's cursor, ok false before its first pull.
func LoadCursor(ctx context.Context, st store.Cursors, property string) (Cursor, bool, error) {
	var cur Cursor
	ok, err := google.LoadCursor(ctx, st, CursorSource(property), CursorVersion, &cur)
	return cur, ok, err
}

func (s *Syncer) window(cur Cursor, ok bool) (from, to string) {
	return google.PullWindow(s.clk.Now().In(s.pt).AddDate(0, 0, -s.lag), s.trailing, s.initial, cur.LastDay, !ok)
}

// Sync pulls every property, Concurrency at a time, and returns the
// results of those that succeeded with the failures joined (each a
// *SiteError naming client and property). When shared credentials are
// rejected, the properties after the first are not tried.
func (s *Syncer) Sync(ctx context.Context, sites []Site) ([]SiteResult, error) {
	tokenOf := func(site Site) oauth2.TokenSource {
		if site.TokenSource != nil {
			return site.TokenSource
		}
		return s.ts
	}
	out := google.Fanout(ctx, sites, s.conc,
		func(site Site) []any { return []any{tokenOf(site)} },
		func(ctx context.Context, site Site) (SiteResult, error) {
			res, err := s.syncSite(ctx, tokenOf(site), site)
			if err != nil {
				s.log.Warn("search console pull failed", "client", site.ClientID, "property", site.Property, "err", err)
			}
			return res, err
		},
		func(site Site, err error) []any {
			var te *google.TokenError
			if errors.As(err, &te) && te.Permanent() && tokenOf(site) != nil {
				return []any{tokenOf(site)}
			}
			return nil
		})
	results := out.Results
	sort.Slice(results, func(i, j int) bool { return results[i].Property < results[j].Property })
	err := out.Err(func(f google.Failure[Site]) error {
		return &SiteError{ClientID: f.Item.ClientID, Property: f.Item.Property, Err: f.Err}
	}, func(site Site) string { return site.ClientID + "/" + site.Property },
		func(n int, names string) error {
			return fmt.Errorf("search console: %d more properties not tried after the credentials were rejected: %s", n, names)
		})
	s.log.Info("search console pulled", "properties", len(results), "failed", len(sites)-len(results))
	return results, err
}

// groupings are the queries made per property: the daily total, then
// day × query and day × page for reports' top lists.
var groupings = []struct {
	kind string // MetricRow dimension kind; "" for the daily total
	dims []string
}{
	{"", []string{"DATE"}},
	{"query", []string{"DATE", "QUERY"}},
	{"page", []string{"DATE", "PAGE"}},
}

func (s *Syncer) service(ctx context.Context, ts oauth2.TokenSource) (*gsc.Service, error) {
	hc := &http.Client{Transport: &oauth2.Transport{Source: ts, Base: s.hc.Transport}, Timeout: s.hc.Timeout}
	svc, err := gsc.NewService(ctx, option.WithEndpoint(s.endpoint), option.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("building search console client: %w", err)
	}
	return svc, nil
}

func (s *Syncer) syncSite(ctx context.Context, ts oauth2.TokenSource, site Site) (SiteResult, error) {
	res := SiteResult{ClientID: site.ClientID, Property: site.Property}
	if ts == nil {
		return res, errors.New("no token source for this property")
	}
	cur, ok, err := LoadCursor(ctx, s.st, site.Property)
	if err != nil {
		return res, err
	}
	res.From, res.To = s.window(cur, ok)
	svc, err := s.service(ctx, ts)
	if err != nil {
		return res, err
	}
	var rows []connectors.MetricRow
	for _, g := range groupings {
		for start := 0; ; start += s.limit {
			paced, err := s.pace.Wait(ctx)
			if err != nil {
				return res, fmt.Errorf("search console: %w", err)
			}
			resp, err := svc.Searchanalytics.Query(site.Property, &gsc.SearchAnalyticsQueryRequest{
				StartDate: res.From, EndDate: res.To, Dimensions: g.dims, Type: "WEB", DataState: "FINAL",
				RowLimit: int64(s.limit), StartRow: int64(start),
			}).Context(httpx.PaceRetries(ctx, s.pace, paced)).Do()
			paced()
			res.Requests++
			if err != nil {
				return res, fmt.Errorf("querying %s..%s by %s from row %d: %w", res.From, res.To,
					strings.ToLower(strings.Join(g.dims, ",")), start, classify(err))
			}
			for _, r := range resp.Rows {
				mr, err := toRow(site, g.kind, r)
				if err != nil {
					return res, err
				}
				if mr.Date < res.From || mr.Date > res.To {
					return res, fmt.Errorf("row dated %q outside the requested %s..%s", mr.Date, res.From, res.To)
				}
				rows = append(rows, mr)
			}
			if len(resp.Rows) < s.limit {
				break
			}
		}
	}
	res.Rows = len(rows)
	// In the order of the metrics' primary key (date, then dimension): the
	// store then appends to its b-tree instead of inserting all over it,
	// a fifth less CPU than the three groupings one after another.
	slices.SortFunc(rows, func(a, b connectors.MetricRow) int {
		if c := strings.Compare(a.Date, b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.Dimension, b.Dimension)
	})
	// One writer at a time: pulls overlap, but SQLite takes one write
	// transaction at a time and concurrent ones would only wait on its lock.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	data, _ := json.Marshal(Cursor{LastDay: res.To})
	err = s.st.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.ReplaceMetrics(ctx, connectors.SourceGSC, site.Property, res.From, res.To, rows); err != nil {
			return err
		}
		return tx.PutCursor(ctx, store.Cursor{Source: CursorSource(site.Property), Version: CursorVersion, Data: data})
	})
	if err != nil {
		return res, fmt.Errorf("storing %s..%s: %w", res.From, res.To, err)
	}
	s.log.Debug("search console property pulled", "client", site.ClientID, "property", site.Property,
		"from", res.From, "to", res.To, "rows", res.Rows, "requests", res.Requests)
	return res, nil
}

func toRow(site Site, kind string, r *gsc.ApiDataRow) (connectors.MetricRow, error) {
	if len(r.Keys) != 1 && kind == "" || len(r.Keys) != 2 && kind != "" {
		return connectors.MetricRow{}, fmt.Errorf("row with keys %q for grouping %q", r.Keys, kind)
	}
	mr := connectors.MetricRow{Source: connectors.SourceGSC, ClientID: site.ClientID, Account: site.Property, Date: r.Keys[0],
		Metrics: map[string]float64{
			connectors.MetricImpressions: r.Impressions, connectors.MetricClicks: r.Clicks,
			connectors.MetricPositionSum: r.Position * r.Impressions,
		}}
	if kind != "" {
		mr.Dimension = kind + ":" + r.Keys[1]
	}
	return mr, nil
}

// classify turns the client's errors into ones callers can branch on,
// keeping Google's message (which never carries our credentials).
func classify(err error) error {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		switch ge.Code {
		case http.StatusForbidden:
			return fmt.Errorf("%w (403: %s)", ErrNoAccess, ge.Message)
		case http.StatusTooManyRequests:
			return fmt.Errorf("%w (429: %s)", ErrRateLimited, ge.Message)
		}
		return fmt.Errorf("search console %d: %s", ge.Code, ge.Message)
	}
	return google.AsTokenError(err)
}
