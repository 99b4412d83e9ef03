package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/googleads"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/hours"
	"github.com/liaisonhq/liaison/rules/report"
	"github.com/liaisonhq/liaison/sync/store"
)

// Publisher writes a workbook to its spreadsheet and shares it. The Google
// Sheets publisher implements it; the engine only builds workbooks.
type Publisher interface {
	// Publish writes wb to the spreadsheet identified by key ("report/acme",
	// "invoices", "ops"), creating it on first use, and returns its URL.
	// Writing an unchanged workbook again sends nothing. share lists who
	// gets access. An error means nothing is known to be written; one
	// matching ErrNoStorage means files cannot be created at all until
	// the config changes.
	Publish(ctx context.Context, key string, wb table.Workbook, share Share) (Published, error)
}

// Published is what a Publish call did.
type Published struct {
	URL string
	// Recreated is set when a person had deleted or trashed the
	// spreadsheet and a new one was made: its link changed.
	Recreated bool
	// DryRun is set when nothing was written: the run must not act as
	// if it had been (no final run recorded, no "report ready" message).
	DryRun bool
}

// ErrNoStorage matches a Publish error saying Google Drive refuses to
// store new files for the configured credentials (a service account
// without a shared drive); the error's text names what to configure.
var ErrNoStorage = errors.New("google drive cannot store the spreadsheets")

// Share is who gets access to a published spreadsheet.
type Share struct {
	Readers, Writers []string // bare email addresses
	// Language is the language of the notification email.
	Language connectors.Language
}

// ErrNoPublisher is returned when a workbook should be written but no
// publisher is configured (no Google credentials); `-dry-run` shows the
// workbook instead.
var ErrNoPublisher = errors.New("no spreadsheet publisher: connections.google has no credentials; use -dry-run to print the tables")

// ErrUnknownClient is returned (wrapped) for a client id not in the config.
var ErrUnknownClient = errors.New("unknown client")

// ReportSchedule returns a client's report schedule from its config: the
// period kind, final run day or weekday, and the client's time zone.
func ReportSchedule(cfg *configs.Config, c *configs.Client) report.Schedule {
	wd, err := hours.ParseDay(c.Report.Weekday)
	if err != nil {
		wd = time.Wednesday
	}
	return report.Schedule{Kind: c.Report.Period, FinalRunDay: c.Report.FinalRunDay, Weekday: wd,
		Location: cfg.ClientLocation(c.ID)}
}

// reportStateKey is where a client's period report state is kept.
func reportStateKey(clientID string, p report.Period) string {
	return "report/" + clientID + "/" + p.String()
}

// reportState is what the engine remembers about a period's report.
type reportState struct {
	FinalAt time.Time `json:"final_at,omitzero"`
}

// ReportPlan says what a run at now does with the client's report for p:
// a refresh, or the final run, or an error for a period already final
// (errors.Is report.ErrFinalised) unless force is set.
func (e *Engine) ReportPlan(ctx context.Context, clientID string, p report.Period, now time.Time, force bool) (report.Action, error) {
	cfg := e.cfg()
	c := cfg.Client(clientID)
	if c == nil {
		return report.Refresh, fmt.Errorf("%w %q", ErrUnknownClient, clientID)
	}
	var rs reportState
	s, err := e.st.GetReportState(ctx, reportStateKey(clientID, p))
	switch {
	case err == nil:
		if err := json.Unmarshal(s.Data, &rs); err != nil {
			return report.Refresh, fmt.Errorf("reading report state of %s %s: %w", clientID, p, err)
		}
	case !errors.Is(err, store.ErrNotFound):
		return report.Refresh, fmt.Errorf("loading report state of %s %s: %w", clientID, p, err)
	}
	return ReportSchedule(cfg, c).Plan(p, now, rs.FinalAt, force)
}

// MarkReportFinal records that the client's report for p was written by
// its final run at now, so later runs leave it alone.
func (e *Engine) MarkReportFinal(ctx context.Context, clientID string, p report.Period, now time.Time) error {
	data, _ := json.Marshal(reportState{FinalAt: now.UTC()})
	if _, err := e.st.PutReportState(ctx, store.ReportState{Key: reportStateKey(clientID, p), Hash: "final", Data: data}); err != nil {
		return fmt.Errorf("recording the final run of %s %s: %w", clientID, p, err)
	}
	return nil
}

// ClientReport builds a client's report workbook for period p at now from
// the store: Ads and Search Console metrics (QueryMetrics), the client's
// Jira tasks (ListTasks) and their worklog hours in the period
// (SumWorklogs), and each Ads account's time zone from its pull cursor.
// It takes 1 + accounts Ads queries, 5 Search Console
// queries, 1 task query and 1 worklog query, whatever the data's size.
// The workbook is marked final when p's final run is due at now.
func (e *Engine) ClientReport(ctx context.Context, clientID string, p report.Period, now time.Time) (table.Workbook, error) {
	cfg := e.cfg()
	c := cfg.Client(clientID)
	if c == nil {
		return table.Workbook{}, fmt.Errorf("%w %q", ErrUnknownClient, clientID)
	}
	sched := ReportSchedule(cfg, c)
	in := report.Input{
		ClientName: c.Name, Language: c.Language, Currency: c.Billing.Currency, Schedule: sched, Period: p,
		Now: now, Final: !now.Before(sched.FinalRunAt(p)), JiraBaseURL: cfg.Connections.Jira.BaseURL,
	}
	var err error
	loc := sched.Location
	if loc == nil {
		loc = time.UTC
	}
	today := hours.DateOf(now.In(loc))
	if len(c.GoogleAds.CustomerIDs) > 0 {
		if in.Ads, err = e.adsData(ctx, c, p, today); err != nil {
			return table.Workbook{}, err
		}
		currency := e.adsAccounts(ctx, in.Ads)
		if in.Currency == "" {
			in.Currency = currency
		}
	}
	if len(c.SearchConsole.Properties) > 0 {
		if in.GSC, err = e.gscData(ctx, c, p, today); err != nil {
			return table.Workbook{}, err
		}
	}
	if in.Resolved, in.InProgress, err = e.workDone(ctx, cfg, c, p, sched.Location); err != nil {
		return table.Workbook{}, err
	}
	return report.Build(in), nil
}

// adsAccounts fills each Ads account's name, time zone and its campaigns'
// names from its pull cursor (as the last pull saw them) and returns the first
// account currency found, for a client whose billing names none. An
// account not pulled yet keeps an empty zone.
func (e *Engine) adsAccounts(ctx context.Context, ads *report.Ads) (currency string) {
	names := map[string]map[string]string{}
	for i := range ads.Accounts {
		cur, ok, err := googleads.LoadCursor(ctx, e.st, ads.Accounts[i].ID)
		if err != nil || !ok {
			continue
		}
		ads.Accounts[i].TimeZone, ads.Accounts[i].Currency, ads.Accounts[i].Name = cur.TimeZone, cur.Currency, cur.Name
		names[ads.Accounts[i].ID] = cur.Campaigns
		if currency == "" {
			currency = cur.Currency
		}
	}
	// Campaigns show by name where the pull saw one, by id otherwise.
	for _, rows := range [][]report.Row{ads.Campaigns, ads.CampaignsBefore} {
		for i := range rows {
			if n := names[rows[i].Account][rows[i].Name]; n != "" {
				rows[i].Name = n
			}
		}
	}
	return currency
}

// totalsOf reads the additive metrics of a query group.
func totalsOf(m map[string]float64) report.Totals {
	return report.Totals{Impressions: m[connectors.MetricImpressions], Clicks: m[connectors.MetricClicks],
		Cost: m[connectors.MetricCost], Conversions: m[connectors.MetricConversions], PositionSum: m[connectors.MetricPositionSum]}
}

// splitDays sums daily groups into the period's totals and the previous
// period's through prevTo (see comparedThrough), and returns the period's
// days.
func splitDays(rows []store.MetricTotal, p report.Period, prevTo hours.Date) (cur, prev report.Totals, days []report.Row) {
	from, to := p.From.String(), prevTo.String()
	for _, r := range rows {
		t := totalsOf(r.Metrics)
		switch {
		case r.Date >= from:
			cur = cur.Add(t)
			days = append(days, report.Row{Date: r.Date, Totals: t})
		case r.Date <= to:
			prev = prev.Add(t)
		}
	}
	return cur, prev, days
}

// comparedThrough is the last day of the previous period that a source's
// figures for p are set against: the whole previous period once p is over,
// and while p runs, as many of its days as p has data for (Ads through
// yesterday, Search Console through its last final day), so that a month
// in progress is not set against the whole of the last one. rows are the
// source's daily totals over both periods.
func comparedThrough(p report.Period, rows []store.MetricTotal, today hours.Date) hours.Date {
	prev := p.Previous()
	if p.To.Before(today) {
		return prev.To
	}
	last := ""
	for _, r := range rows {
		last = max(last, r.Date)
	}
	lastDay, err := hours.ParseDate(last)
	if last < p.From.String() || err != nil {
		return prev.From.AddDays(-1) // no data yet: nothing to compare
	}
	cut := prev.From
	for d := p.From; d.Before(lastDay); d = d.AddDays(1) {
		cut = cut.AddDays(1)
	}
	if prev.To.Before(cut) {
		return prev.To
	}
	return cut
}

func (e *Engine) adsData(ctx context.Context, c *configs.Client, p report.Period, today hours.Date) (*report.Ads, error) {
	ads := &report.Ads{}
	for _, id := range c.GoogleAds.CustomerIDs {
		ads.Accounts = append(ads.Accounts, report.AdsAccount{ID: id})
	}
	prev := p.Previous()
	daily, err := e.st.QueryMetrics(ctx, store.MetricQuery{Source: connectors.SourceAds, ClientID: c.ID,
		Accounts: c.GoogleAds.CustomerIDs, DateFrom: prev.From.String(), DateTo: p.To.String(), ByDate: true})
	if err != nil {
		return nil, fmt.Errorf("loading Ads totals of %s: %w", c.ID, err)
	}
	ads.BeforeThrough = comparedThrough(p, daily, today)
	ads.Current, ads.Before, ads.Days = splitDays(daily, p, ads.BeforeThrough)
	// One query per account keeps each campaign row's account; it reaches
	// back to the previous period, whose per-campaign totals the
	// commentary compares with.
	for _, id := range c.GoogleAds.CustomerIDs {
		rows, err := e.st.QueryMetrics(ctx, store.MetricQuery{Source: connectors.SourceAds, ClientID: c.ID,
			Accounts: []string{id}, DateFrom: prev.From.String(), DateTo: p.To.String(), DimensionKind: "campaign",
			ByDate: true, ByDimension: true})
		if err != nil {
			return nil, fmt.Errorf("loading Ads campaigns of %s account %s: %w", c.ID, id, err)
		}
		before := map[string]report.Totals{}
		for _, r := range rows {
			name := strings.TrimPrefix(r.Dimension, "campaign:")
			if r.Date < p.From.String() {
				if r.Date <= ads.BeforeThrough.String() {
					before[name] = before[name].Add(totalsOf(r.Metrics))
				}
				continue
			}
			ads.Campaigns = append(ads.Campaigns, report.Row{Date: r.Date, Account: id, Name: name, Totals: totalsOf(r.Metrics)})
		}
		for _, name := range slices.Sorted(maps.Keys(before)) {
			ads.CampaignsBefore = append(ads.CampaignsBefore, report.Row{Account: id, Name: name, Totals: before[name]})
		}
	}
	return ads, nil
}

func (e *Engine) gscData(ctx context.Context, c *configs.Client, p report.Period, today hours.Date) (*report.GSC, error) {
	gsc := &report.GSC{Properties: c.SearchConsole.Properties}
	prev := p.Previous()
	q := store.MetricQuery{Source: connectors.SourceGSC, ClientID: c.ID, Accounts: c.SearchConsole.Properties,
		DateFrom: prev.From.String(), DateTo: p.To.String(), ByDate: true}
	daily, err := e.st.QueryMetrics(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("loading Search Console totals of %s: %w", c.ID, err)
	}
	gsc.BeforeThrough = comparedThrough(p, daily, today)
	gsc.Current, gsc.Before, gsc.Days = splitDays(daily, p, gsc.BeforeThrough)
	compared := report.Period{Kind: prev.Kind, From: prev.From, To: gsc.BeforeThrough}
	// The top queries and pages of the period, and of the previous one
	// for the commentary's comparison.
	for _, part := range []struct {
		kind   string
		period report.Period
		rows   *[]report.Row
	}{{"query", p, &gsc.Queries}, {"page", p, &gsc.Pages}, {"query", compared, &gsc.QueriesBefore}, {"page", compared, &gsc.PagesBefore}} {
		rows, err := e.st.QueryMetrics(ctx, store.MetricQuery{Source: connectors.SourceGSC, ClientID: c.ID,
			Accounts: c.SearchConsole.Properties, DateFrom: part.period.From.String(), DateTo: part.period.To.String(),
			DimensionKind: part.kind, ByDimension: true, OrderBy: connectors.MetricClicks, Limit: report.TopN})
		if err != nil {
			return nil, fmt.Errorf("loading top %ss of %s for %s: %w", part.kind, c.ID, part.period, err)
		}
		for _, r := range rows {
			*part.rows = append(*part.rows, report.Row{Name: strings.TrimPrefix(r.Dimension, part.kind+":"), Totals: totalsOf(r.Metrics)})
		}
	}
	return gsc, nil
}

// workDone lists the client's tasks resolved in p (resolution date in the
// client's zone) and those in progress, with worklog hours in p.
func (e *Engine) workDone(ctx context.Context, cfg *configs.Config, c *configs.Client, p report.Period, loc *time.Location) (resolved, inProgress []report.Task, err error) {
	if len(c.JiraProjects) == 0 {
		return nil, nil, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	tasks, err := e.st.ListTasks(ctx, store.TaskFilter{ProjectKeys: c.JiraProjects})
	if err != nil {
		return nil, nil, fmt.Errorf("loading tasks of %s: %w", c.ID, err)
	}
	sums, err := e.st.SumWorklogs(ctx, store.WorklogQuery{From: p.From.Start(loc), To: p.To.AddDays(1).Start(loc),
		Location: loc, ProjectKeys: c.JiraProjects, ByIssue: true})
	if err != nil {
		return nil, nil, fmt.Errorf("loading worklogs of %s: %w", c.ID, err)
	}
	hoursOf := map[string]float64{}
	for _, s := range sums {
		hoursOf[s.IssueKey] += float64(s.Seconds) / 3600
	}
	names := map[string]string{}
	for _, pp := range cfg.People {
		if pp.JiraAccountID != "" {
			names[pp.JiraAccountID] = pp.Name
		}
	}
	for _, t := range tasks {
		rt := report.Task{Key: t.Key, Summary: t.Summary, Status: t.Status, Assignee: names[t.AssigneeAccountID], Hours: hoursOf[t.Key]}
		if rt.Assignee == "" && t.AssigneeAccountID != "" {
			rt.Assignee = t.AssigneeAccountID
		}
		switch {
		case t.StatusCategory == connectors.StatusCategoryDone && !t.Resolved.IsZero() && p.Contains(hours.DateOf(t.Resolved.In(loc))):
			resolved = append(resolved, rt)
		case t.StatusCategory == connectors.StatusCategoryInProgress:
			inProgress = append(inProgress, rt)
		}
	}
	return resolved, inProgress, nil
}
