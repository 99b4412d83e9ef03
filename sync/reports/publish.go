// Package reports publishes workbooks (client reports, the finance
// spreadsheet, the ops spreadsheet) to Google Sheets and shares them:
// the engine-side glue between the pure builders, the store and the
// Sheets connector.
//
// For one target it loads what was written before from the store, finds
// or creates the spreadsheet and stores its id before anything else (so a
// crash after Drive created the file never makes a second one; the
// connector's appProperties lookup covers a crash before the id is
// stored), writes only what changed, brings the sharing to the wanted
// grants, and writes every grant and revoke to the audit log. A dry run
// sends nothing and says what would be written.
package reports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/sync/crashpoint"
	"github.com/liaisonhq/liaison/sync/store"
)

// Audit actions written for sharing changes.
const (
	ActionGrant  = "report.share.grant"
	ActionRevoke = "report.share.revoke"
)

// Store is what the publisher keeps: the spreadsheet state per target
// and the audit log.
type Store interface {
	store.Reports
	store.Audit
}

// Options configure a Publisher.
type Options struct {
	// Sheets writes and shares; required unless DryRun.
	Sheets *sheets.Client
	// Store keeps state and audit; required.
	Store Store
	// Logger; discarded when nil.
	Logger *slog.Logger
	// Clock stamps audit entries; clock.Real when nil.
	Clock clock.Clock
	// DryRun sends nothing to Google and writes nothing to the store.
	DryRun bool
}

// Publisher publishes targets one at a time; it is safe for concurrent
// use, and publishes of one target wait for each other.
type Publisher struct {
	sh  *sheets.Client
	st  Store
	log *slog.Logger
	clk clock.Clock
	dry bool

	// noStorage keeps Drive's storageQuotaExceeded once seen: every
	// other create would get the same answer until the config changes
	// (a reload builds a new Publisher), so they are not attempted.
	mu        sync.Mutex
	noStorage error
	// targets holds one lock per target key: two runs of the reports job
	// at once (the run at start next to one rescued from a killed
	// process) would otherwise both find a grant missing, and Drive
	// would send its sharing email twice.
	targets map[string]*sync.Mutex
}

// lockTarget serialises publishing of one target; it returns the unlock.
func (p *Publisher) lockTarget(key string) func() {
	p.mu.Lock()
	if p.targets == nil {
		p.targets = map[string]*sync.Mutex{}
	}
	l := p.targets[key]
	if l == nil {
		l = &sync.Mutex{}
		p.targets[key] = l
	}
	p.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// New returns a Publisher.
func New(opts Options) (*Publisher, error) {
	if opts.Store == nil || opts.Sheets == nil && !opts.DryRun {
		return nil, errors.New("reports: Store and Sheets are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	return &Publisher{sh: opts.Sheets, st: opts.Store, log: opts.Logger, clk: opts.Clock, dry: opts.DryRun}, nil
}

// Target is one spreadsheet to publish.
type Target struct {
	// Key names the spreadsheet across runs: "client/acme", "finance", "ops".
	Key string
	// ClientID is the client the spreadsheet is for, "" for agency ones;
	// audit entries name it.
	ClientID string
	// AppProperties mark the file so it can be found again, e.g.
	// liaison_client=acme or liaison_kind=finance.
	AppProperties map[string]string
	// Workbook is what the spreadsheet must show.
	Workbook *table.Workbook
	// Grants are who may open it (see ClientGrants).
	Grants []sheets.Grant
	// Message is the sharing notification's text, in the readers' language.
	Message string
}

// Result is what publishing one target did (or, in a dry run, would do).
type Result struct {
	Key           string
	SpreadsheetID string
	URL           string
	// Created is true for a new spreadsheet; Recreated when it replaces
	// one a person trashed or deleted (Previous).
	Created, Recreated bool
	Previous           string
	Plan               sheets.Plan
	// Reads and Writes count requests to Google, sharing included.
	Reads, Writes int
	Granted       []sheets.GrantState
	Revoked       []sheets.GrantState
	// WouldGrant and WouldRevoke are a dry run's sharing changes.
	WouldGrant  []sheets.Grant
	WouldRevoke []sheets.GrantState
	HandAdded   []sheets.Permission
	// NotifiedAnyway were shared with the notification email because they
	// have no Google account.
	NotifiedAnyway []string
	SharingFailed  []*sheets.SharingError
	// Kept names the cells a person rewrote that were left as they are
	// (the report's commentary).
	Kept   []string
	DryRun bool
}

// StateKey is the store key of a target's state.
func StateKey(key string) string { return "sheets:" + key }

func (p *Publisher) load(ctx context.Context, key string) (sheets.State, error) {
	var st sheets.State
	rs, err := p.st.GetReportState(ctx, StateKey(key))
	if errors.Is(err, store.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("loading the state of %s: %w", key, err)
	}
	if len(rs.Data) > 0 {
		if err := json.Unmarshal(rs.Data, &st); err != nil {
			// A state we cannot read is a state we do not have: the
			// spreadsheet is found again by its properties.
			p.log.Warn("report state unreadable; looking the spreadsheet up again", "target", key, "err", err)
			return sheets.State{}, nil
		}
	}
	return st, nil
}

func (p *Publisher) save(ctx context.Context, key string, st sheets.State) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encoding the state of %s: %w", key, err)
	}
	sum := sha256.Sum256(data)
	if _, err := p.st.PutReportState(ctx, store.ReportState{Key: StateKey(key), Hash: hex.EncodeToString(sum[:]), Data: data}); err != nil {
		return fmt.Errorf("storing the state of %s: %w", key, err)
	}
	return nil
}

// Publish brings the target's spreadsheet to its workbook and grants.
// With nothing changed and the spreadsheet verified within the
// connector's VerifyEvery, it sends no request at all.
func (p *Publisher) Publish(ctx context.Context, t Target) (Result, error) {
	res := Result{Key: t.Key, DryRun: p.dry}
	if t.Workbook == nil || t.Key == "" {
		return res, errors.New("publishing: target needs a key and a workbook")
	}
	for _, g := range t.Grants {
		if g.Role != sheets.RoleReader && g.Role != sheets.RoleWriter {
			return res, fmt.Errorf("publishing %s: grant for %s has role %q; only reader and writer are given", t.Key, g.Email, g.Role)
		}
	}
	defer p.lockTarget(t.Key)()
	st, err := p.load(ctx, t.Key)
	if err != nil {
		return res, err
	}
	if p.dry {
		return p.dryRun(st, t, res), nil
	}
	if st.SpreadsheetID == "" {
		p.mu.Lock()
		ns := p.noStorage
		p.mu.Unlock()
		if ns != nil {
			return res, fmt.Errorf("publishing %s: %w", t.Key, ns)
		}
	}
	plan := sheets.PlanWrite(st, t.Workbook)
	inSync := sheets.InSync(st, t.Grants)
	if st.SpreadsheetID == "" {
		crashpoint.At(crashpoint.SheetsCreate, crashpoint.BeforeCreate, t.Key)
	}
	loc, err := p.sh.Locate(ctx, &st, sheets.Target{Title: t.Workbook.Title, AppProperties: t.AppProperties}, plan.Writes() > 0 || !inSync)
	res.Reads, res.Writes = loc.Reads, loc.Writes
	if err != nil {
		var sq *sheets.StorageQuotaError
		if errors.As(err, &sq) {
			p.mu.Lock()
			p.noStorage = sq
			p.mu.Unlock()
			p.log.Error("report spreadsheets cannot be created", "target", t.Key, "fix", sq.Error())
		}
		return res, fmt.Errorf("publishing %s: %w", t.Key, err)
	}
	res.SpreadsheetID, res.URL = loc.SpreadsheetID, loc.URL
	res.Created, res.Recreated, res.Previous = loc.Created, loc.Recreated, loc.Previous
	if loc.Recreated {
		p.log.Warn("report spreadsheet was trashed or deleted by someone; made a new one", "target", t.Key,
			"previous", loc.Previous, "spreadsheet", loc.SpreadsheetID)
	}
	// The id goes to the store before anything is written to the file.
	if loc.Created {
		crashpoint.At(crashpoint.SheetsCreate, crashpoint.AfterCreate, t.Key)
	}
	if loc.Reads+loc.Writes > 0 {
		if err := p.save(ctx, t.Key, st); err != nil {
			return res, err
		}
	}
	if loc.Created {
		crashpoint.At(crashpoint.SheetsCreate, crashpoint.AfterStore, t.Key)
	}
	if plan.Writes() > 0 {
		crashpoint.At(crashpoint.SheetsWrite, crashpoint.BeforeWrite, t.Key)
	}
	wr, werr := p.sh.Write(ctx, &st, t.Workbook)
	res.Plan = wr.Plan
	res.Reads += wr.Reads
	res.Writes += wr.Writes
	res.Kept = wr.Kept
	for _, cell := range wr.Kept {
		p.log.Info("report commentary kept: the cell was edited by hand", "target", t.Key, "client", t.ClientID,
			"spreadsheet", st.SpreadsheetID, "cell", cell)
	}
	if werr == nil && wr.Writes > 0 {
		crashpoint.At(crashpoint.SheetsWrite, crashpoint.AfterWrite, t.Key)
	}
	if wr.Reads+wr.Writes > 0 {
		if err := p.save(ctx, t.Key, st); err != nil {
			return res, errors.Join(werr, err)
		}
	}
	if werr == nil && wr.Writes > 0 {
		crashpoint.At(crashpoint.SheetsWrite, crashpoint.AfterRecord, t.Key)
	}
	if werr != nil {
		return res, fmt.Errorf("publishing %s: %w", t.Key, werr)
	}
	if inSync && !loc.Created && !loc.Found && !loc.Recreated && !p.sh.SharingDue(st) {
		return res, nil
	}
	if !inSync {
		crashpoint.At(crashpoint.SheetsShare, crashpoint.BeforeGrant, t.Key)
	}
	sr, serr := p.sh.Share(ctx, &st, t.Grants, t.Message)
	if len(sr.Granted) > 0 {
		crashpoint.At(crashpoint.SheetsShare, crashpoint.AfterGrant, t.Key)
	}
	res.Reads += sr.Reads
	res.Writes += sr.Writes
	res.Granted, res.Revoked, res.HandAdded = sr.Granted, sr.Revoked, sr.HandAdded
	res.NotifiedAnyway, res.SharingFailed = sr.NotifiedAnyway, sr.Failed
	aerr := p.audit(ctx, t, sr)
	if err := p.save(ctx, t.Key, st); err != nil {
		return res, errors.Join(serr, aerr, err)
	}
	if len(sr.Granted) > 0 {
		crashpoint.At(crashpoint.SheetsShare, crashpoint.AfterRecord, t.Key)
	}
	for _, h := range sr.HandAdded {
		p.log.Info("permission added by hand in Drive left in place", "target", t.Key, "spreadsheet", st.SpreadsheetID,
			"email", h.Email, "type", h.Type, "role", h.Role)
	}
	for _, e := range sr.NotifiedAnyway {
		p.log.Info("shared with the notification email: the address has no Google account", "target", t.Key, "email", e)
	}
	for _, f := range sr.Failed {
		p.log.Warn("sharing refused by Drive", "target", t.Key, "email", f.Email, "role", f.Role, "reason", f.Reason, "err", f.Err)
	}
	if serr != nil || aerr != nil {
		return res, fmt.Errorf("publishing %s: %w", t.Key, errors.Join(serr, aerr))
	}
	return res, nil
}

// audit writes one entry per grant and revoke.
func (p *Publisher) audit(ctx context.Context, t Target, sr sheets.ShareResult) error {
	var errs []error
	add := func(action string, g sheets.GrantState, extra string) {
		detail := fmt.Sprintf("client=%s target=%s email=%s role=%s", t.ClientID, t.Key, g.Email, g.Role)
		if extra != "" {
			detail += " " + extra
		}
		if _, err := p.st.AppendAudit(ctx, store.AuditEntry{Time: p.clk.Now(), Actor: "engine", Action: action, Detail: detail}); err != nil {
			errs = append(errs, fmt.Errorf("auditing %s for %s: %w", action, g.Email, err))
		}
	}
	for _, g := range sr.Revoked {
		add(ActionRevoke, g, "")
	}
	for _, g := range sr.Granted {
		extra := ""
		for _, e := range sr.NotifiedAnyway {
			if e == g.Email {
				extra = "notified=no-google-account"
			}
		}
		add(ActionGrant, g, extra)
	}
	return errors.Join(errs...)
}

// dryRun says what Publish would do from the stored state alone.
func (p *Publisher) dryRun(st sheets.State, t Target, res Result) Result {
	res.SpreadsheetID, res.URL = st.SpreadsheetID, st.URL
	res.Created = st.SpreadsheetID == ""
	res.Plan = sheets.PlanWrite(st, t.Workbook)
	for _, g := range t.Grants {
		email := strings.ToLower(strings.TrimSpace(g.Email))
		found := false
		for _, s := range st.Grants {
			found = found || s.Email == email && s.Role == g.Role
		}
		for _, c := range st.Covered {
			found = found || c == email+":"+g.Role
		}
		if !found {
			res.WouldGrant = append(res.WouldGrant, g)
		}
	}
	for _, s := range st.Grants {
		wanted := false
		for _, g := range t.Grants {
			wanted = wanted || strings.EqualFold(g.Email, s.Email) && g.Role == s.Role
		}
		if !wanted {
			res.WouldRevoke = append(res.WouldRevoke, s)
		}
	}
	p.log.Info("dry run: report not written", "target", t.Key, "spreadsheet", st.SpreadsheetID, "new", res.Created,
		"new_tabs", res.Plan.NewTabs, "layout_tabs", res.Plan.LayoutTabs, "value_tabs", res.Plan.ValueTabs,
		"would_grant", len(res.WouldGrant), "would_revoke", len(res.WouldRevoke))
	return res
}
