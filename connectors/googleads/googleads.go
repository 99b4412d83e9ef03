// Package googleads pulls daily campaign metrics from the Google Ads REST
// API (googleAds:searchStream with GAQL) into the store.
//
// Each run re-pulls a trailing window (30 days by default: conversions
// arrive late) plus any days missed since the last run, and replaces that
// window per account with store.ReplaceMetrics, so a re-pull never double
// counts. The API version comes from config because Google sunsets
// versions yearly. One account's failure never stops the others: Sync
// joins per-account errors that name the client and the account.
package googleads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/sync/store"
)

// Defaults for Options.
const (
	DefaultTrailingDays = 30
	DefaultInitialDays  = 90
	DefaultConcurrency  = 4
)

// Options are what New needs besides the config.
type Options struct {
	// HTTPClient makes the API calls; use httpx.NewClient. Required.
	HTTPClient *http.Client
	// TokenSource authorises calls (google.TokenSource); required unless
	// every Account brings its own.
	TokenSource oauth2.TokenSource
	// Store receives metrics and cursors; required.
	Store store.Store
	// Logger; discarded when nil.
	Logger *slog.Logger
	// Clock reads "today"; clock.Real when nil.
	Clock clock.Clock
	// Location is the zone "today" is read in (the agency's); UTC when nil.
	// Ads dates are in each account's zone, so the newest day pulled is
	// yesterday here, which is complete in every zone west of it too.
	Location *time.Location
	// TrailingDays is how many recent days every run re-pulls; default 30.
	TrailingDays int
	// InitialDays is how far back the first run of an account reaches; default 90.
	InitialDays int
	// Concurrency bounds accounts pulled at once; default 4.
	Concurrency int
	// RequestsPerSecond overrides the config's ads.requests_per_second,
	// the pace of searchStream calls; negative disables pacing.
	RequestsPerSecond float64
}

// Account is one Ads account to pull.
type Account struct {
	ClientID   string // the agency client it belongs to
	CustomerID string // ten digits
	// LoginCustomerID is the manager account the call goes through, or "".
	LoginCustomerID string
	// TokenSource overrides Options.TokenSource for this account, when the
	// client granted access with its own Google account.
	TokenSource oauth2.TokenSource
}

// AccountResult is what one account's pull stored.
type AccountResult struct {
	ClientID, CustomerID string
	From, To             string            // the window replaced
	Currency             string            // customer.currency_code, "" when no row said
	TimeZone             string            // customer.time_zone, "" when no row said
	Campaigns            map[string]string // campaign id → name, the cursor's merged with this pull's
	Rows                 int               // campaign × day rows received
}

// Syncer pulls Ads metrics. It is safe for concurrent use, though runs
// are meant to be serialised by the scheduler.
type Syncer struct {
	hc       *http.Client
	ts       oauth2.TokenSource
	st       store.Store
	log      *slog.Logger
	clk      clock.Clock
	loc      *time.Location
	baseURL  string
	version  string
	devToken string
	trailing int
	initial  int
	conc     int
	writeMu  sync.Mutex
	pace     *httpx.Pacer // nil: not paced
}

// New checks cfg and opts and returns a Syncer. It makes no request.
func New(cfg google.Config, opts Options) (*Syncer, error) {
	if opts.HTTPClient == nil || opts.Store == nil {
		return nil, errors.New("googleads: HTTPClient and Store are required")
	}
	if !cfg.Ads.DeveloperToken.IsSet() {
		return nil, errors.New("googleads: connections.google.ads.developer_token is required")
	}
	d := google.DefaultConfig()
	if cfg.Ads.BaseURL == "" {
		cfg.Ads.BaseURL = d.Ads.BaseURL
	}
	if cfg.Ads.APIVersion == "" {
		cfg.Ads.APIVersion = d.Ads.APIVersion
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.TrailingDays <= 0 {
		opts.TrailingDays = DefaultTrailingDays
	}
	if opts.InitialDays <= 0 {
		opts.InitialDays = DefaultInitialDays
	}
	if opts.InitialDays < opts.TrailingDays {
		opts.InitialDays = opts.TrailingDays
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	perSecond := cfg.Ads.RequestsPerSecond
	if opts.RequestsPerSecond != 0 {
		perSecond = opts.RequestsPerSecond
	}
	if perSecond == 0 {
		perSecond = google.DefaultAdsRequestsPerSecond
	}
	// A bucket of one second's worth, as the default assumes.
	pace := httpx.NewPacer(perSecond, max(1, int(perSecond)))
	return &Syncer{hc: opts.HTTPClient, ts: opts.TokenSource, st: opts.Store, log: opts.Logger, clk: opts.Clock,
		loc: opts.Location, baseURL: strings.TrimRight(cfg.Ads.BaseURL, "/") + "/", version: cfg.Ads.APIVersion,
		devToken: cfg.Ads.DeveloperToken.Reveal(), trailing: opts.TrailingDays, initial: opts.InitialDays,
		conc: opts.Concurrency, pace: pace}, nil
}

// CursorVersion is the format version of the cursors this package writes.
const CursorVersion = 1

// Cursor is an account's "last complete day pulled", stored under
// CursorSource(customerID).
type Cursor struct {
	LastDay  string `json:"last_day"`
	Currency string `json:"currency,omitempty"`
	// TimeZone is customer.time_zone, the zone the account's days are in;
	// reports say it next to the Ads figures.
	TimeZone string `json:"time_zone,omitempty"`
	// Name is customer.descriptive_name, the account's name in Google
	// Ads; alerts name the account by it.
	Name string `json:"name,omitempty"`
	// Campaigns maps campaign id to its latest name, for reports: metric
	// rows carry only the id, which stays when a campaign is renamed.
	Campaigns map[string]string `json:"campaigns,omitempty"`
}

// CursorSource is the store.Cursor source of an account.
func CursorSource(customerID string) string { return "ads:" + customerID }

// LoadCursor returns an account's cursor, with ok false before its first
// successful pull or when the stored cursor has another version.
func LoadCursor(ctx context.Context, st store.Cursors, customerID string) (Cursor, bool, error) {
	var cur Cursor
	ok, err := google.LoadCursor(ctx, st, CursorSource(customerID), CursorVersion, &cur)
	return cur, ok, err
}

// window is the dates one run replaces: the trailing window ending
// yesterday, reaching back to the day after the cursor when runs were
// missed, and InitialDays on the first run.
func (s *Syncer) window(cur Cursor, ok bool) (from, to string) {
	return google.PullWindow(s.clk.Now().In(s.loc).AddDate(0, 0, -1), s.trailing, s.initial, cur.LastDay, !ok)
}

// Sync pulls every account, Concurrency at a time, and returns the results
// of those that succeeded with the failures joined (each an *AccountError).
// When a failure would repeat for every account sharing its cause (shared
// credentials rejected, the API version sunset), the accounts after the
// first are not tried and one error lists them instead of one per account.
func (s *Syncer) Sync(ctx context.Context, accounts []Account) ([]AccountResult, error) {
	tokenOf := func(a Account) oauth2.TokenSource {
		if a.TokenSource != nil {
			return a.TokenSource
		}
		return s.ts
	}
	out := google.Fanout(ctx, accounts, s.conc,
		func(a Account) []any { return []any{tokenOf(a), versionKey{}} },
		func(ctx context.Context, a Account) (AccountResult, error) {
			res, err := s.syncAccount(ctx, tokenOf(a), a)
			if err != nil {
				s.log.Warn("google ads pull failed", "client", a.ClientID, "account", a.CustomerID, "err", err)
			}
			return res, err
		},
		func(a Account, err error) []any {
			var te *google.TokenError
			switch {
			case errors.As(err, &te) && te.Permanent() && tokenOf(a) != nil:
				return []any{tokenOf(a)}
			case errors.Is(err, ErrVersion):
				return []any{versionKey{}}
			}
			return nil
		})
	results := out.Results
	sort.Slice(results, func(i, j int) bool { return results[i].CustomerID < results[j].CustomerID })
	err := out.Err(func(f google.Failure[Account]) error {
		return &AccountError{ClientID: f.Item.ClientID, CustomerID: f.Item.CustomerID, Err: f.Err}
	}, func(a Account) string { return a.ClientID + "/" + a.CustomerID },
		func(n int, names string) error {
			return fmt.Errorf("google ads: %d more accounts not tried after the error above (same credentials or API version): %s", n, names)
		})
	s.log.Info("google ads pulled", "accounts", len(results), "failed", len(accounts)-len(results))
	return results, err
}

// versionKey marks the API version as failing in Sync's memo.
type versionKey struct{}

// metricsQuery is the GAQL Liaison sends. ctr and average_cpc are read
// only to check the row: both derive from the stored additive metrics.
func metricsQuery(from, to string) string {
	return "SELECT customer.currency_code, customer.time_zone, customer.descriptive_name, campaign.id, campaign.name, segments.date, metrics.impressions, metrics.clicks, " +
		"metrics.cost_micros, metrics.conversions, metrics.conversions_value, metrics.ctr, metrics.average_cpc " +
		"FROM campaign WHERE segments.date BETWEEN '" + from + "' AND '" + to + "' ORDER BY segments.date"
}

type total struct {
	impressions, clicks, costMicros int64
	conversions, conversionsValue   float64
}

func (t total) metrics() map[string]float64 {
	return map[string]float64{
		connectors.MetricImpressions: float64(t.impressions), connectors.MetricClicks: float64(t.clicks),
		connectors.MetricCost: float64(t.costMicros) / 1e6, connectors.MetricConversions: t.conversions,
		connectors.MetricConversionsValue: t.conversionsValue,
	}
}

// syncAccount pulls one account's window and stores it with its cursor in
// one transaction, so a failure leaves the previous window and cursor.
func (s *Syncer) syncAccount(ctx context.Context, ts oauth2.TokenSource, a Account) (AccountResult, error) {
	res := AccountResult{ClientID: a.ClientID, CustomerID: a.CustomerID}
	if ts == nil {
		return res, errors.New("no token source for this account")
	}
	cur, ok, err := LoadCursor(ctx, s.st, a.CustomerID)
	if err != nil {
		return res, err
	}
	res.From, res.To = s.window(cur, ok)
	res.Currency, res.TimeZone = cur.Currency, cur.TimeZone
	name := cur.Name
	res.Campaigns = map[string]string{}
	for id, name := range cur.Campaigns {
		res.Campaigns[id] = name
	}
	var rows []connectors.MetricRow
	daily := map[string]*total{}
	seen := map[string]bool{}
	err = s.searchStream(ctx, ts, a, metricsQuery(res.From, res.To), func(r adsRow) error {
		date, camp := r.Segments.Date, fmt.Sprint(int64(r.Campaign.ID))
		if date < res.From || date > res.To {
			return fmt.Errorf("row dated %q outside the requested %s..%s", date, res.From, res.To)
		}
		if seen[date+"/"+camp] {
			return fmt.Errorf("campaign %s appears twice on %s", camp, date)
		}
		seen[date+"/"+camp] = true
		if r.Customer.CurrencyCode != "" {
			res.Currency = r.Customer.CurrencyCode
		}
		if r.Customer.TimeZone != "" {
			res.TimeZone = r.Customer.TimeZone
		}
		if r.Customer.DescriptiveName != "" {
			name = r.Customer.DescriptiveName
		}
		if r.Campaign.Name != "" {
			res.Campaigns[camp] = r.Campaign.Name
		}
		t := total{impressions: int64(r.Metrics.Impressions), clicks: int64(r.Metrics.Clicks),
			costMicros: int64(r.Metrics.CostMicros), conversions: r.Metrics.Conversions, conversionsValue: r.Metrics.ConversionsValue}
		rows = append(rows, connectors.MetricRow{Source: connectors.SourceAds, ClientID: a.ClientID, Account: a.CustomerID,
			Date: date, Dimension: "campaign:" + camp, Metrics: t.metrics()})
		d := daily[date]
		if d == nil {
			d = &total{}
			daily[date] = d
		}
		d.impressions += t.impressions
		d.clicks += t.clicks
		d.costMicros += t.costMicros
		d.conversions += t.conversions
		d.conversionsValue += t.conversionsValue
		res.Rows++
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("pulling %s..%s: %w", res.From, res.To, err)
	}
	for date, t := range daily {
		rows = append(rows, connectors.MetricRow{Source: connectors.SourceAds, ClientID: a.ClientID, Account: a.CustomerID,
			Date: date, Metrics: t.metrics()})
	}
	// One writer at a time: pulls overlap, but SQLite takes one write
	// transaction at a time and concurrent ones would only wait on its lock.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	data, _ := json.Marshal(Cursor{LastDay: res.To, Currency: res.Currency, TimeZone: res.TimeZone, Name: name, Campaigns: res.Campaigns})
	err = s.st.WithTx(ctx, func(tx store.Tx) error {
		if err := tx.ReplaceMetrics(ctx, connectors.SourceAds, a.CustomerID, res.From, res.To, rows); err != nil {
			return err
		}
		return tx.PutCursor(ctx, store.Cursor{Source: CursorSource(a.CustomerID), Version: CursorVersion, Data: data})
	})
	if err != nil {
		return res, fmt.Errorf("storing %s..%s: %w", res.From, res.To, err)
	}
	s.log.Debug("google ads account pulled", "client", a.ClientID, "account", a.CustomerID,
		"from", res.From, "to", res.To, "rows", res.Rows)
	return res, nil
}
