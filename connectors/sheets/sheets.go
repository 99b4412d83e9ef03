// Package sheets writes workbooks (connectors/table) to Google Sheets and
// shares them through Drive, with the official clients
// google.golang.org/api/sheets/v4 and drive/v3.
//
// It is built for Sheets' quota (60 write requests a minute per user, 300
// per project): a workbook costs at most one spreadsheets.batchUpdate for
// its layout (tabs, formats, widths, conditional colours, charts), sent
// only when the layout changed, and one spreadsheets.values.batchUpdate
// for the tabs whose values changed. What was written is kept as a
// JSON-serialisable State that the caller stores and hands back, so an
// unchanged refresh sends nothing at all. A Limiter shared by every
// spreadsheet waits before a write instead of provoking 429s.
//
// Spreadsheets are found again by Drive appProperties, so a crash between
// creating a file and storing its id never makes a second one. They are
// created in the configured shared drive (a service account has no Drive
// storage) or in the OAuth user's Drive. Sharing creates user permissions
// only, never anyone or domain ones.
//
// The package takes and returns plain records: it does not know the store.
package sheets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"
	gsheets "google.golang.org/api/sheets/v4"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/google"
)

// Defaults for Options.
const (
	DefaultVerifyEvery     = 24 * time.Hour
	DefaultMaxQuotaRetries = 3
	// quotaBackoff is the pause after a 429 without Retry-After.
	quotaBackoff = 30 * time.Second
)

// Options are what New needs besides the config.
type Options struct {
	// HTTPClient makes the API calls; use httpx.NewClient. Required.
	HTTPClient *http.Client
	// TokenSource authorises calls (google.TokenSource with ScopeSpreadsheets
	// and ScopeDrive). Required.
	TokenSource oauth2.TokenSource
	// Limiter is shared by every Client of the process; nil makes one
	// from the config's quota.
	Limiter *Limiter
	// User names whose quota the writes count against in the Limiter;
	// default "default" (one set of credentials).
	User string
	// Logger; discarded when nil.
	Logger *slog.Logger
	// Clock times verifications and quota waits; clock.Real when nil.
	Clock clock.Clock
	// VerifyEvery is how often a stored spreadsheet is checked (still
	// there, not trashed) and its permissions listed when nothing is to
	// be written; default 24 h. A write always checks first.
	VerifyEvery time.Duration
	// MaxQuotaRetries bounds the retries of one write answered 429;
	// default 3.
	MaxQuotaRetries int
}

// Client writes workbooks to Sheets and shares them through Drive.
type Client struct {
	sheets         *gsheets.Service
	drive          *drive.Service
	lim            *Limiter
	user           string
	log            *slog.Logger
	clk            clock.Clock
	verifyEvery    time.Duration
	retries        int
	sharedDrive    string
	folder         string
	serviceAccount bool
}

// New checks cfg and opts and returns a Client. It makes no request.
func New(ctx context.Context, cfg google.Config, opts Options) (*Client, error) {
	if opts.HTTPClient == nil || opts.TokenSource == nil {
		return nil, errors.New("sheets: HTTPClient and TokenSource are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.VerifyEvery <= 0 {
		opts.VerifyEvery = DefaultVerifyEvery
	}
	if opts.MaxQuotaRetries <= 0 {
		opts.MaxQuotaRetries = DefaultMaxQuotaRetries
	}
	if opts.User == "" {
		opts.User = "default"
	}
	if opts.Limiter == nil {
		q := cfg.Sheets
		if q.WritesPerMinutePerUser <= 0 {
			q.WritesPerMinutePerUser = google.DefaultSheetsWritesPerMinutePerUser
		}
		if q.WritesPerMinute <= 0 {
			q.WritesPerMinute = google.DefaultSheetsWritesPerMinute
		}
		opts.Limiter = NewLimiter(q.WritesPerMinutePerUser, q.WritesPerMinute, opts.Clock)
	}
	sheetsURL, driveURL := cfg.SheetsBaseURL, cfg.DriveBaseURL
	if sheetsURL == "" {
		sheetsURL = google.DefaultSheetsBaseURL
	}
	if driveURL == "" {
		driveURL = google.DefaultDriveBaseURL
	}
	hc := &http.Client{Transport: &oauth2.Transport{Source: opts.TokenSource, Base: opts.HTTPClient.Transport}, Timeout: opts.HTTPClient.Timeout}
	ss, err := gsheets.NewService(ctx, option.WithEndpoint(strings.TrimRight(sheetsURL, "/")+"/"), option.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("building sheets client: %w", err)
	}
	ds, err := drive.NewService(ctx, option.WithEndpoint(strings.TrimRight(driveURL, "/")+"/"), option.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("building drive client: %w", err)
	}
	return &Client{sheets: ss, drive: ds, lim: opts.Limiter, user: opts.User, log: opts.Logger, clk: opts.Clock,
		verifyEvery: opts.VerifyEvery, retries: opts.MaxQuotaRetries, sharedDrive: cfg.Drive.SharedDriveID,
		folder: cfg.Drive.FolderID, serviceAccount: cfg.ServiceAccount.IsSet()}, nil
}

// State is what Liaison knows about one spreadsheet it writes: its id,
// what each tab holds (hashes), and the permissions it made. Callers store
// it (JSON) and pass it back on the next run; a zero State means "none
// yet".
type State struct {
	SpreadsheetID string    `json:"spreadsheet_id,omitempty"`
	URL           string    `json:"url,omitempty"`
	CheckedAt     time.Time `json:"checked_at,omitzero"`
	// Known is false when the spreadsheet's tabs are unknown (found by
	// its properties after a crash, or state lost): the next write reads
	// them first.
	Known bool `json:"known,omitempty"`
	// DefaultSheet is true while the blank sheet Google adds to a new
	// spreadsheet (sheetId 0) is still there, to be removed.
	DefaultSheet bool         `json:"default_sheet,omitempty"`
	Props        string       `json:"props,omitempty"` // hash of title, locale, time zone
	Tabs         []TabState   `json:"tabs,omitempty"`
	Grants       []GrantState `json:"grants,omitempty"`
	// Covered are wanted grants someone else's permission already gives
	// (a shared drive's member, a hand-made share), as "email:role".
	Covered []string `json:"covered,omitempty"`
	// SharedAt is when the permissions were last listed and synced.
	SharedAt time.Time `json:"shared_at,omitzero"`
}

// TabState is one tab as last written.
type TabState struct {
	Key      string  `json:"key"`
	SheetID  int64   `json:"sheet_id"`
	Title    string  `json:"title"`
	Layout   string  `json:"layout,omitempty"` // hash; "" forces a rewrite
	Values   string  `json:"values,omitempty"` // hash
	Rows     int     `json:"rows,omitempty"`
	Cols     int     `json:"cols,omitempty"`
	Rules    int     `json:"rules,omitempty"`
	Charts   []int64 `json:"charts,omitempty"`
	GridRows int64   `json:"grid_rows,omitempty"`
	GridCols int64   `json:"grid_cols,omitempty"`
	// Dirty marks a tab adopted from a spreadsheet whose content is
	// unknown: its next layout write clears its values too.
	Dirty bool `json:"dirty,omitempty"`
}

// GrantState is a permission Liaison created.
type GrantState struct {
	Email        string `json:"email"`
	Role         string `json:"role"`
	PermissionID string `json:"permission_id"`
}

// tab returns the state of the tab with key, or nil.
func (s *State) tab(key string) *TabState {
	for i := range s.Tabs {
		if s.Tabs[i].Key == key {
			return &s.Tabs[i]
		}
	}
	return nil
}

// Target says which spreadsheet to find or create.
type Target struct {
	// Title names a new file.
	Title string
	// AppProperties mark the file as Liaison's (e.g. liaison_client=acme)
	// and find it again; at least one is required.
	AppProperties map[string]string
}

// Located is what Locate did.
type Located struct {
	SpreadsheetID string
	URL           string
	// Created is true when a new file was made; Recreated when it
	// replaced one a person trashed or deleted (Previous).
	Created, Recreated bool
	Previous           string
	// Found is true when the file was found by its app properties rather
	// than by the stored id.
	Found bool
	// Requests counts what Locate sent.
	Reads, Writes int
}

// Verified reports whether the stored spreadsheet was checked recently
// enough that a run with nothing to write may skip Drive.
func (c *Client) Verified(st State) bool {
	return st.SpreadsheetID != "" && c.clk.Now().Sub(st.CheckedAt) < c.verifyEvery
}

// SharingDue reports whether the file's permissions were last synced
// longer than VerifyEvery ago, so that hand-added ones get reported and
// removed ones restored about once a day.
func (c *Client) SharingDue(st State) bool {
	return c.clk.Now().Sub(st.SharedAt) >= c.verifyEvery
}

// Locate makes sure st names a live spreadsheet for t: it checks a stored
// id (unless checked within VerifyEvery and check is false), looks the
// file up by its app properties when there is no id, and creates it when
// there is none. A stored file that was trashed or deleted is replaced,
// and the state of its tabs and grants forgotten. The caller must store
// st as soon as Locate returns: the id of a created file is only there.
func (c *Client) Locate(ctx context.Context, st *State, t Target, check bool) (Located, error) {
	var loc Located
	if len(t.AppProperties) == 0 {
		return loc, errors.New("locating spreadsheet: no app properties to find it by")
	}
	if st.SpreadsheetID != "" {
		if !check && c.Verified(*st) {
			loc.SpreadsheetID, loc.URL = st.SpreadsheetID, st.URL
			return loc, nil
		}
		f, err := c.drive.Files.Get(st.SpreadsheetID).SupportsAllDrives(true).Fields("id,trashed,webViewLink").Context(ctx).Do()
		loc.Reads++
		switch {
		case err == nil && !f.Trashed:
			st.CheckedAt, st.URL = c.clk.Now(), f.WebViewLink
			loc.SpreadsheetID, loc.URL = f.Id, f.WebViewLink
			return loc, nil
		case err == nil || errors.Is(c.classify(err), ErrNotFound):
			c.log.Warn("report spreadsheet was trashed or deleted; making a new one", "spreadsheet", st.SpreadsheetID)
			loc.Recreated, loc.Previous = true, st.SpreadsheetID
			*st = State{}
		default:
			return loc, fmt.Errorf("checking spreadsheet %s: %w", st.SpreadsheetID, c.classify(err))
		}
	}
	// Even when replacing a trashed file, look first: a run that crashed
	// after creating the replacement left it findable, not stored.
	f, err := c.find(ctx, t)
	loc.Reads++
	if err != nil {
		return loc, err
	}
	if f != nil {
		*st = State{SpreadsheetID: f.Id, URL: f.WebViewLink, CheckedAt: c.clk.Now()}
		loc.SpreadsheetID, loc.URL, loc.Found = f.Id, f.WebViewLink, true
		return loc, nil
	}
	f = &drive.File{Name: t.Title, MimeType: "application/vnd.google-apps.spreadsheet", AppProperties: t.AppProperties}
	switch {
	case c.folder != "":
		f.Parents = []string{c.folder}
	case c.sharedDrive != "":
		f.Parents = []string{c.sharedDrive}
	}
	var created *drive.File
	err = c.writeDrive(ctx, func() error {
		var err error
		created, err = c.drive.Files.Create(f).SupportsAllDrives(true).Fields("id,webViewLink").Context(ctx).Do()
		loc.Writes++
		return err
	})
	if err != nil {
		return loc, fmt.Errorf("creating spreadsheet %q: %w", t.Title, c.classify(err))
	}
	*st = State{SpreadsheetID: created.Id, URL: created.WebViewLink, CheckedAt: c.clk.Now(), Known: true, DefaultSheet: true}
	loc.SpreadsheetID, loc.URL, loc.Created = created.Id, created.WebViewLink, true
	c.log.Info("report spreadsheet created", "spreadsheet", created.Id, "title", t.Title)
	return loc, nil
}

// find looks a live file up by its app properties, in the shared drive
// when one is configured.
func (c *Client) find(ctx context.Context, t Target) (*drive.File, error) {
	keys := make([]string, 0, len(t.AppProperties))
	for k := range t.AppProperties {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var q []string
	for _, k := range keys {
		q = append(q, fmt.Sprintf("appProperties has { key=%s and value=%s }", quoteQ(k), quoteQ(t.AppProperties[k])))
	}
	q = append(q, "trashed = false")
	call := c.drive.Files.List().Q(strings.Join(q, " and ")).Fields("files(id,webViewLink),nextPageToken").PageSize(10).
		OrderBy("createdTime").SupportsAllDrives(true)
	if c.sharedDrive != "" {
		call = call.Corpora("drive").DriveId(c.sharedDrive).IncludeItemsFromAllDrives(true)
	}
	res, err := call.Context(ctx).Do()
	if err != nil {
		return nil, fmt.Errorf("looking the spreadsheet up by its properties: %w", c.classify(err))
	}
	if len(res.Files) == 0 {
		return nil, nil
	}
	if len(res.Files) > 1 {
		ids := make([]string, len(res.Files))
		for i, f := range res.Files {
			ids[i] = f.Id
		}
		c.log.Warn("several spreadsheets carry the same properties; using the oldest", "ids", ids, "properties", t.AppProperties)
	}
	return res.Files[0], nil
}

// quoteQ quotes a string for Drive's query language.
func quoteQ(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// write runs one Sheets write request under the quota: it waits for the
// Limiter, and on 429 pauses every write of this user for Retry-After
// (or a backoff) and tries again, at most MaxQuotaRetries times.
func (c *Client) write(ctx context.Context, do func() error) error {
	return c.retry429(ctx, true, do)
}

// writeDrive runs one Drive write: Drive's quota is not Sheets', so it
// does not wait for the Limiter, but a 429 is waited out the same way.
func (c *Client) writeDrive(ctx context.Context, do func() error) error {
	return c.retry429(ctx, false, do)
}

func (c *Client) retry429(ctx context.Context, limited bool, do func() error) error {
	var pause time.Duration
	for attempt := 0; ; attempt++ {
		if !limited && attempt > 0 {
			select {
			case <-c.clk.After(pause):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if limited {
			if err := c.lim.Wait(ctx, c.user); err != nil {
				return err
			}
		}
		err := do()
		a, ok := asAPIError(err)
		if err == nil || !ok || a.code != http.StatusTooManyRequests || attempt >= c.retries {
			return err
		}
		wait := a.retryAfter
		if wait <= 0 {
			wait = quotaBackoff << attempt
		}
		c.log.Info("google write quota reached; waiting", "wait", wait, "attempt", attempt+1)
		if limited {
			c.lim.Pause(c.user, wait)
		}
		pause = wait
	}
}
