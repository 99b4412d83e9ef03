package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/connectors/searchconsole"
	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/rules/anomaly"
	"github.com/liaisonhq/liaison/sync/store"
)

// Wordings are the rules that bring their own wording for delivery to
// register (deliver.Options.Wordings).
func Wordings() map[string]rules.Wording {
	return map[string]rules.Wording{anomaly.RuleName: anomaly.Wording{}}
}

// RunAnomaly evaluates the anomaly rule over the stored Google Ads and
// Search Console metrics of every client that lists accounts or
// properties. It runs after each metrics pull. Clients are read and
// judged one at a time — the rule judges each client's accounts on their
// own — so a run holds one client's 90-odd days of rows, not the
// agency's: at 2,000 clients all of them at once took 190 MB.
func (e *Engine) RunAnomaly(ctx context.Context) error {
	cfg := e.cfg()
	now := e.clock.Now()
	var (
		findings []rules.Finding
		accounts int
		errs     []error
	)
	for i := range cfg.Clients {
		in, err := anomalyClientInput(ctx, cfg, e.st, &cfg.Clients[i], now)
		if err != nil {
			errs = append(errs, err)
		}
		if len(in.Accounts) == 0 {
			continue
		}
		accounts += len(in.Accounts)
		findings = append(findings, anomaly.Evaluate(in, now)...)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if accounts == 0 {
		return nil
	}
	slices.SortFunc(findings, func(a, b rules.Finding) int {
		return cmp.Or(strings.Compare(a.ClientID, b.ClientID), strings.Compare(a.Key, b.Key))
	})
	res, err := e.rec.Reconcile(ctx, anomaly.RuleName, clientIDs(cfg), findings, now)
	if err != nil {
		return fmt.Errorf("recording %d findings: %w", len(findings), err)
	}
	e.log.Debug("rule evaluated", "rule", anomaly.RuleName, "accounts", accounts, "findings", len(findings),
		"new", res.New, "resolved", res.Resolved, "planned", res.Planned, "unrouted", res.Unrouted)
	return nil
}

// AnomalyInput builds the anomaly rule's input from the config in force
// and the stored metrics: for each account or property, its daily totals
// and its campaigns' (Ads) or queries' and pages' (Search Console) rows
// over the days the rule reads, and the newest day its connector pulled.
// One account's failure to load is reported without hiding the others.
func AnomalyInput(ctx context.Context, cfg *configs.Config, st store.Store, now time.Time) (anomaly.Input, error) {
	var in anomaly.Input
	var errs []error
	for i := range cfg.Clients {
		ci, err := anomalyClientInput(ctx, cfg, st, &cfg.Clients[i], now)
		if err != nil {
			errs = append(errs, err)
		}
		in.Clients = append(in.Clients, ci.Clients...)
		in.Accounts = append(in.Accounts, ci.Accounts...)
	}
	return in, errors.Join(errs...)
}

// anomalyClientInput is AnomalyInput for one client.
func anomalyClientInput(ctx context.Context, cfg *configs.Config, st store.Store, c *configs.Client, now time.Time) (anomaly.Input, error) {
	var in anomaly.Input
	var errs []error
	rc := cfg.ClientRules(c.ID).Anomaly
	in.Clients = append(in.Clients, anomaly.Client{
		ID: c.ID, Name: c.Name, Location: cfg.ClientLocation(c.ID), AM: c.AccountManager,
		Currency: c.Billing.Currency, MonthlyBudget: c.GoogleAds.MonthlyBudget, Config: rc,
	})
	if !rc.Enabled {
		return in, nil
	}
	// Read a little more than the rule needs: "today" differs by zone.
	days := 7*rc.BaselineWeeks + 35 + rc.ConversionsDelayDays + rc.SearchConsoleLagDays + 2
	from, to := now.AddDate(0, 0, -days).Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly)
	for _, id := range c.GoogleAds.CustomerIDs {
		a, err := loadAccount(ctx, st, c.ID, connectors.SourceAds, id, from, to, "campaign")
		if err == nil {
			var cur googleads.Cursor
			cur, _, err = googleads.LoadCursor(ctx, st, id)
			a.LastDay, a.Name, a.CampaignNames = cur.LastDay, cur.Name, cur.Campaigns
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("client %s ads account %s: %w", c.ID, id, err))
			continue
		}
		in.Accounts = append(in.Accounts, a)
	}
	for _, p := range c.SearchConsole.Properties {
		a, err := loadAccount(ctx, st, c.ID, connectors.SourceGSC, p, from, to, "query", "page")
		if err == nil {
			var cur searchconsole.Cursor
			cur, _, err = searchconsole.LoadCursor(ctx, st, p)
			a.LastDay = cur.LastDay
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("client %s search console property %s: %w", c.ID, p, err))
			continue
		}
		in.Accounts = append(in.Accounts, a)
	}
	return in, errors.Join(errs...)
}

// loadAccount reads one account's daily totals and the daily rows of
// each dimension kind.
func loadAccount(ctx context.Context, st store.Store, clientID, source, id, from, to string, kinds ...string) (anomaly.Account, error) {
	a := anomaly.Account{ClientID: clientID, Source: source, ID: id}
	for _, kind := range append([]string{""}, kinds...) {
		totals, err := st.QueryMetrics(ctx, store.MetricQuery{Source: source, Accounts: []string{id}, DateFrom: from, DateTo: to,
			DimensionKind: kind, ByDate: true, ByDimension: kind != ""})
		if err != nil {
			return a, fmt.Errorf("loading %s metrics: %w", cmp.Or(kind, "daily"), err)
		}
		keep := topDimensions(totals, maxParts)
		for _, t := range totals {
			if keep != nil && !keep[t.Dimension] {
				continue
			}
			a.Days = append(a.Days, anomaly.DayOf(connectors.MetricRow{Date: t.Date, Dimension: t.Dimension, Metrics: t.Metrics}))
		}
	}
	return a, nil
}

// maxParts bounds the campaigns, queries or pages of one kind an account
// hands the rule: the biggest contributor to a change is among the ones
// with the most clicks, and a property can have tens of thousands of
// long-tail queries.
const maxParts = 200

// topDimensions returns the maxParts dimensions with the most clicks over
// totals, or nil when there are no more than that (keep all).
func topDimensions(totals []store.MetricTotal, n int) map[string]bool {
	clicks := map[string]float64{}
	for _, t := range totals {
		if t.Dimension != "" {
			clicks[t.Dimension] += t.Metrics[connectors.MetricClicks]
		}
	}
	if len(clicks) <= n {
		return nil
	}
	dims := make([]string, 0, len(clicks))
	for d := range clicks {
		dims = append(dims, d)
	}
	slices.SortFunc(dims, func(a, b string) int { return cmp.Or(cmp.Compare(clicks[b], clicks[a]), strings.Compare(a, b)) })
	keep := make(map[string]bool, n)
	for _, d := range dims[:n] {
		keep[d] = true
	}
	return keep
}
