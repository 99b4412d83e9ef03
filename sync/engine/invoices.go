package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/invoice"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/store"
)

// invoiceStateKey keeps what was invoiced for a month, all clients in one
// value, so that building the finance workbook reads one state per month.
func invoiceStateKey(month string) string { return "invoices/" + month }

// invoicedMonth is the stored form of a month handed to finance.
type invoicedMonth struct {
	At         time.Time           `json:"at"`
	Statements []invoice.Statement `json:"statements"`
}

// Invoices builds the finance workbook for month ("2026-11") at now: the
// month computed from the store, and the earlier months of its year as
// they were invoiced. Months are read in the agency's time zone. The
// month's own figures cost one worklog query for every client together
// and one Ads query per client with Ads accounts.
func (e *Engine) Invoices(ctx context.Context, month string, now time.Time) (table.Workbook, error) {
	cfg := e.cfg()
	m, err := e.invoiceMonth(ctx, cfg, month, now)
	if err != nil {
		return table.Workbook{}, err
	}
	months := []invoice.Month{m}
	p, _ := report.ParsePeriod(month)
	for q := p.Previous(); q.From.Start(time.UTC).Year() == p.From.Start(time.UTC).Year(); q = q.Previous() {
		inv, ok, err := e.invoiced(ctx, q.String())
		if err != nil {
			return table.Workbook{}, err
		}
		if ok {
			months = append(months, invoice.Month{Name: q.String(), Statements: inv.Statements})
		}
	}
	return invoice.Build(cfg.Agency.Name, financeLanguage(cfg), months), nil
}

// RecordInvoiced stores month's statements as invoiced, once the month
// has closed in the agency's zone and unless it was recorded before:
// later runs then list worklog changes as adjustments instead of changing
// the figures. It reports whether it stored anything.
func (e *Engine) RecordInvoiced(ctx context.Context, month string, now time.Time) (bool, error) {
	cfg := e.cfg()
	p, err := monthPeriod(month)
	if err != nil {
		return false, err
	}
	_, loc := cfg.AgencyLocale()
	if now.Before(p.To.AddDays(1).Start(loc)) {
		return false, nil
	}
	if _, ok, err := e.invoiced(ctx, month); err != nil || ok {
		return false, err
	}
	m, err := e.invoiceMonth(ctx, cfg, month, now)
	if err != nil {
		return false, err
	}
	data, err := json.Marshal(invoicedMonth{At: now.UTC(), Statements: m.Statements})
	if err != nil {
		return false, fmt.Errorf("encoding invoiced %s: %w", month, err)
	}
	return e.st.PutReportState(ctx, store.ReportState{Key: invoiceStateKey(month), Hash: "invoiced", Data: data})
}

func monthPeriod(month string) (report.Period, error) {
	p, err := report.ParsePeriod(month)
	if err != nil || p.Kind != connectors.PeriodMonthly {
		return report.Period{}, fmt.Errorf("month %q: want YYYY-MM", month)
	}
	return p, nil
}

func (e *Engine) invoiced(ctx context.Context, month string) (invoicedMonth, bool, error) {
	var inv invoicedMonth
	s, err := e.st.GetReportState(ctx, invoiceStateKey(month))
	if errors.Is(err, store.ErrNotFound) {
		return inv, false, nil
	}
	if err != nil {
		return inv, false, fmt.Errorf("loading invoiced %s: %w", month, err)
	}
	if err := json.Unmarshal(s.Data, &inv); err != nil {
		return inv, false, fmt.Errorf("reading invoiced %s: %w", month, err)
	}
	return inv, true, nil
}

// invoiceMonth computes every billed client's month from the store,
// against what was invoiced for it before.
func (e *Engine) invoiceMonth(ctx context.Context, cfg *configs.Config, month string, now time.Time) (invoice.Month, error) {
	p, err := monthPeriod(month)
	if err != nil {
		return invoice.Month{}, err
	}
	_, loc := cfg.AgencyLocale()
	prior, _, err := e.invoiced(ctx, month)
	if err != nil {
		return invoice.Month{}, err
	}
	before := map[string]*invoice.Statement{}
	for i := range prior.Statements {
		before[prior.Statements[i].ClientID] = &prior.Statements[i]
	}
	owner := map[string]string{} // Jira project → client id
	var projects []string
	for _, c := range cfg.Clients {
		for _, pk := range c.JiraProjects {
			owner[pk] = c.ID
			projects = append(projects, pk)
		}
	}
	seconds := map[string]map[string]int64{}
	if len(projects) > 0 {
		sums, err := e.st.SumWorklogs(ctx, store.WorklogQuery{From: p.From.Start(loc), To: p.To.AddDays(1).Start(loc),
			Location: loc, ProjectKeys: projects, ByIssue: true, ByAuthor: true})
		if err != nil {
			return invoice.Month{}, fmt.Errorf("loading worklogs of %s: %w", month, err)
		}
		for _, s := range sums {
			pk, _, _ := strings.Cut(s.IssueKey, "-")
			id := owner[pk]
			if seconds[id] == nil {
				seconds[id] = map[string]int64{}
			}
			seconds[id][s.AuthorAccountID] += s.Seconds
		}
	}
	var people []invoice.Person
	for _, pp := range cfg.People {
		people = append(people, invoice.Person{ID: pp.ID, Name: pp.Name, Role: pp.Role, JiraAccountID: pp.JiraAccountID})
	}
	var clients []invoice.Client
	for i := range cfg.Clients {
		c := &cfg.Clients[i]
		if !billed(c) {
			continue
		}
		ic := invoice.Client{ID: c.ID, Name: c.Name, Billing: c.Billing, Seconds: seconds[c.ID], Invoiced: before[c.ID]}
		if len(c.GoogleAds.CustomerIDs) > 0 {
			rows, err := e.st.QueryMetrics(ctx, store.MetricQuery{Source: connectors.SourceAds, ClientID: c.ID,
				Accounts: c.GoogleAds.CustomerIDs, DateFrom: p.From.String(), DateTo: p.To.String()})
			if err != nil {
				return invoice.Month{}, fmt.Errorf("loading Ads spend of %s: %w", c.ID, err)
			}
			for _, r := range rows {
				ic.AdsSpend += r.Metrics[connectors.MetricCost]
			}
		}
		clients = append(clients, ic)
	}
	return invoice.BuildMonth(month, clients, people, now), nil
}

// billed reports whether a client has billing configured.
func billed(c *configs.Client) bool {
	b := c.Billing
	return b.Currency != "" || b.Retainer != 0 || b.AdsManagementFeePct != 0 || len(b.Rates.Roles) > 0 || len(b.Rates.People) > 0
}

// financeLanguage is the language of the first person with role finance,
// else the agency's.
func financeLanguage(cfg *configs.Config) connectors.Language {
	for _, p := range cfg.People {
		if p.Role == connectors.RoleFinance {
			return p.Language
		}
	}
	lang, _ := cfg.AgencyLocale()
	return lang
}
