package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/searchconsole"
	"github.com/liaisonhq/liaison/sync/engine"
	"github.com/liaisonhq/liaison/sync/reports"
)

// googleClient is the HTTP client and credentials the Google pulls share,
// built once so that tokens are cached across runs.
type googleClient struct {
	hc  *http.Client
	cfg google.Config
}

func (a *App) newGoogle(c *configs.Config, hc *http.Client, dryRun bool) error {
	if !c.Connections.Google.Configured() || unconfigured(c, "google") {
		return nil
	}
	if hc == nil {
		hc = httpx.NewClient(httpx.Options{Name: "google", Logger: a.log})
	}
	a.google = &googleClient{hc: hc, cfg: c.Connections.Google}
	// Reports, invoice data and the ops sheet go to Sheets through one
	// client, whose write limiter then covers every spreadsheet.
	sc, err := reports.NewSheetsClient(context.Background(), c.Connections.Google, hc, nil, a.log, a.clock)
	if err != nil {
		return fmt.Errorf("sheets connector: %w", err)
	}
	pub, err := reports.New(reports.Options{Sheets: sc, Store: a.st, Logger: a.log.With("component", "reports"),
		Clock: a.clock, DryRun: dryRun})
	if err != nil {
		return fmt.Errorf("report publisher: %w", err)
	}
	a.publisher = reports.ForEngine(pub)
	return nil
}

// Publisher writes workbooks to Google Sheets; nil without Google
// credentials.
func (a *App) Publisher() engine.Publisher { return a.publisher }

// RunReports refreshes the clients' reports, the invoice data and the ops
// sheet; the engine decides what is due (once a day per client, final runs).
// A run with nothing new sends nothing to Google.
func (a *App) RunReports(ctx context.Context) error {
	if a.publisher == nil {
		return nil
	}
	return errors.Join(a.engine.RunReports(ctx, a.publisher), a.engine.RunInvoices(ctx, a.publisher),
		a.engine.RunOps(ctx, a.publisher))
}

// PullGoogle pulls Google Ads (when a developer token is configured) and
// Search Console metrics for every client that lists accounts or
// properties, then runs the anomaly rule over what is stored. One client's
// failure never stops the others; errors are joined and each names its
// client and account.
func (a *App) PullGoogle(ctx context.Context) error {
	if a.google == nil {
		return nil
	}
	c := a.cfg()
	_, loc := c.AgencyLocale()
	var accounts []googleads.Account
	var sites []searchconsole.Site
	for _, cl := range c.Clients {
		for _, id := range cl.GoogleAds.CustomerIDs {
			accounts = append(accounts, googleads.Account{ClientID: cl.ID, CustomerID: id, LoginCustomerID: cl.GoogleAds.LoginCustomerID})
		}
		for _, p := range cl.SearchConsole.Properties {
			sites = append(sites, searchconsole.Site{ClientID: cl.ID, Property: p})
		}
	}
	var errs []error
	if len(accounts) > 0 && a.google.cfg.AdsConfigured() {
		ts, err := google.TokenSource(ctx, a.google.cfg, a.google.hc, a.clock, google.ScopeAds)
		if err != nil {
			return fmt.Errorf("google credentials: %w", err)
		}
		s, err := googleads.New(a.google.cfg, googleads.Options{HTTPClient: a.google.hc, TokenSource: ts, Store: a.st,
			Logger: a.log.With("connector", "googleads"), Clock: a.clock, Location: loc})
		if err != nil {
			return err
		}
		res, err := s.Sync(ctx, accounts)
		if err != nil {
			errs = append(errs, fmt.Errorf("google ads: %w", err))
		}
		a.tally.add(func(s *Summary) {
			for _, r := range res {
				s.MetricRows += r.Rows
			}
		})
	}
	if len(sites) > 0 {
		ts, err := google.TokenSource(ctx, a.google.cfg, a.google.hc, a.clock, google.ScopeSearchConsoleReadOnly)
		if err != nil {
			return fmt.Errorf("google credentials: %w", err)
		}
		s, err := searchconsole.New(a.google.cfg, searchconsole.Options{HTTPClient: a.google.hc, TokenSource: ts, Store: a.st,
			Logger: a.log.With("connector", "searchconsole"), Clock: a.clock})
		if err != nil {
			return err
		}
		res, err := s.Sync(ctx, sites)
		if err != nil {
			errs = append(errs, fmt.Errorf("search console: %w", err))
		}
		a.tally.add(func(s *Summary) {
			for _, r := range res {
				s.MetricRows += r.Rows
			}
		})
	}
	// Whatever was pulled is judged, even when some accounts failed: their
	// stored days are still there and the rule reads final days only.
	if err := a.engine.RunAnomaly(ctx); err != nil {
		errs = append(errs, fmt.Errorf("rule anomaly: %w", err))
	}
	return errors.Join(errs...)
}
