// Package report builds a client's report workbook from a plain snapshot
// of metrics and Jira work, and decides the report's periods and final
// runs. It is pure: the same Input and instant give the same workbook, so
// the engine can hash it and skip writes when nothing changed.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/hours"
)

// TopN is how many queries and pages the Search Console tab lists.
const TopN = 50

// CommentaryRow is the Summary tab's row (0-based) whose first cell holds
// the commentary; CommentaryCell is that cell in A1 notation.
const (
	CommentaryRow  = 1
	CommentaryCell = "A2"
)

// pacific is the zone Search Console counts days in.
const pacific = "America/Los_Angeles"

// Totals are additive metrics; ratios are derived when shown.
type Totals struct {
	Impressions, Clicks, Cost, Conversions float64
	// PositionSum is Search Console's average position × impressions.
	PositionSum float64
}

// Add returns t plus u.
func (t Totals) Add(u Totals) Totals {
	return Totals{Impressions: t.Impressions + u.Impressions, Clicks: t.Clicks + u.Clicks, Cost: t.Cost + u.Cost,
		Conversions: t.Conversions + u.Conversions, PositionSum: t.PositionSum + u.PositionSum}
}

// Row is one group of metrics: a day ("2026-11-03"), a campaign on a day,
// a query or a page.
type Row struct {
	Date    string // civil date; empty for queries and pages
	Account string // Ads account id of a campaign row
	Name    string // campaign name or id, query, page URL
	Totals
}

// AdsAccount is one of the client's Google Ads accounts.
type AdsAccount struct {
	ID string
	// Name is the account's name in Google Ads (customer.descriptive_name);
	// empty until a pull has seen it.
	Name string
	// TimeZone is the account's customer.time_zone, which its days are
	// counted in; empty when not known yet.
	TimeZone string
	// Currency is the account's currency_code; empty when not known. Ads
	// amounts are not converted, so the sheet says when it differs from
	// the report's currency.
	Currency string
}

// Label is how the sheet names the account: its name with the id as
// Google Ads writes it, "Acme Search (111-222-3333)", since clients know
// their accounts by name; the id alone while no name is known.
func (a AdsAccount) Label() string {
	if a.Name == "" {
		return adsID(a.ID)
	}
	return a.Name + " (" + adsID(a.ID) + ")"
}

// shortLabel names the account inside a sentence: its name, or its id
// while no name is known.
func (a AdsAccount) shortLabel() string {
	return cmp.Or(a.Name, adsID(a.ID))
}

// adsID writes a ten-digit customer id the way Google Ads shows it,
// 111-222-3333.
func adsID(id string) string {
	if len(id) == 10 && strings.Trim(id, "0123456789") == "" {
		return id[:3] + "-" + id[3:6] + "-" + id[6:]
	}
	return id
}

// Ads is the client's Google Ads data for the period and the one before.
type Ads struct {
	Accounts        []AdsAccount
	Current, Before Totals
	// BeforeThrough is the last day of the previous period in Before:
	// its end, or while the period runs, the same day count as Current.
	BeforeThrough hours.Date
	Days          []Row // per day of the period, all accounts together
	Campaigns     []Row // per day and campaign
	// CampaignsBefore are the previous period's totals per campaign (no
	// date), which the commentary compares campaigns with.
	CampaignsBefore []Row
}

// GSC is the client's Search Console data for the period and the one
// before, all properties together.
type GSC struct {
	Properties      []string
	Current, Before Totals
	// BeforeThrough is the last day of the previous period in Before, as
	// for Ads.
	BeforeThrough  hours.Date
	Days           []Row
	Queries, Pages []Row // the top ones by clicks, at most TopN each
	// QueriesBefore and PagesBefore are the previous period's top ones,
	// which the commentary compares with; one missing there counts from
	// zero, so a contributor's change is exact for any query or page in
	// both top lists.
	QueriesBefore, PagesBefore []Row
}

// Task is a Jira task on the Work done tab.
type Task struct {
	Key, Summary, Status string
	Assignee             string // display name, "" when unassigned
	// Hours are worklog hours in the period.
	Hours float64
}

// Input is everything one client's report is built from.
type Input struct {
	ClientName string
	Language   connectors.Language
	Currency   string // ISO 4217; amounts are shown in it
	Schedule   Schedule
	Period     Period
	// Now is the run's instant; the "updated" date is read in the
	// client's zone.
	Now time.Time
	// Final marks the period's final run.
	Final bool
	// JiraBaseURL prefixes task links ("https://agency.atlassian.net").
	JiraBaseURL string
	Ads         *Ads // nil when the client has no Ads account
	GSC         *GSC // nil when the client has no Search Console property
	Resolved    []Task
	InProgress  []Task
}

// Build returns the client's report workbook for in.Period: Summary,
// Google Ads, Search Console and Work done tabs, worded in the client's
// language. Rows are sorted, so equal inputs give equal workbooks.
func Build(in Input) table.Workbook {
	t := textFor(in.Language)
	b := builder{in: in, t: t, f: table.NewFormatter(Locale(in.Language), in.Currency)}
	wb := table.Workbook{
		Title:    fmt.Sprintf(t.title, in.ClientName),
		Locale:   Locale(in.Language),
		TimeZone: in.Schedule.loc().String(),
		Currency: in.Currency,
	}
	wb.Tabs = append(wb.Tabs, b.summary())
	if in.Ads != nil {
		wb.Tabs = append(wb.Tabs, b.adsTab())
	}
	if in.GSC != nil {
		wb.Tabs = append(wb.Tabs, b.gscTab())
	}
	wb.Tabs = append(wb.Tabs, b.workTab())
	return wb
}

type builder struct {
	in Input
	t  *text
	f  *table.Formatter
}

func (b *builder) date(s string) string { return b.f.Date(s) }

// readyLines are the "Report ready" line and the notes on what may still
// change and how days are counted.
func (b *builder) readyLines() [][]table.Cell {
	in, t := b.in, b.t
	status := t.final
	if !in.Final {
		status = fmt.Sprintf(t.updated, b.date(hours.DateOf(in.Now.In(in.Schedule.loc())).String()))
	}
	rows := [][]table.Cell{{table.B(fmt.Sprintf(t.ready, t.periodName(in.Period, b.date), status))}}
	if in.GSC != nil {
		if from, to, ok := gscNotFinal(in.Period, in.Now); ok {
			rows = append(rows, []table.Cell{table.T(fmt.Sprintf(t.gscNotFinal, b.date(from.String()), b.date(to.String())))})
		}
	}
	if in.Ads != nil {
		var moving []string
		for _, p := range []Period{in.Period.Previous(), in.Period} {
			if p == in.Period && in.Final {
				continue
			}
			if at := in.Schedule.FinalRun(p); in.Now.Before(at.Start(in.Schedule.loc())) {
				moving = append(moving, fmt.Sprintf(t.adsMoving, t.periodFor(p, b.date), b.date(at.String())))
			}
		}
		if in.Final {
			moving = append(moving, t.adsFrozen)
		}
		for _, m := range moving {
			rows = append(rows, []table.Cell{table.T(m)})
		}
		rows = append(rows, []table.Cell{table.T(fmt.Sprintf(t.days, b.adsZones()))})
		var other []string
		for _, a := range in.Ads.Accounts {
			if a.Currency != "" && a.Currency != in.Currency {
				other = append(other, a.Label()+": "+a.Currency)
			}
		}
		if len(other) > 0 {
			rows = append(rows, []table.Cell{table.T(fmt.Sprintf(t.otherCurrency, strings.Join(other, ", ")))})
		}
	}
	return rows
}

// adsZones lists each Ads account's zone: "Acme (123-456-7890): Europe/Kyiv".
func (b *builder) adsZones() string {
	var parts []string
	for _, a := range b.in.Ads.Accounts {
		if a.TimeZone == "" {
			parts = append(parts, a.Label())
		} else {
			parts = append(parts, a.Label()+": "+a.TimeZone)
		}
	}
	return strings.Join(parts, ", ")
}

// gscNotFinal returns the days of p that Search Console may still revise
// at now: from three days before today (Pacific time) up to yesterday.
func gscNotFinal(p Period, now time.Time) (from, to hours.Date, ok bool) {
	loc, err := time.LoadLocation(pacific)
	if err != nil {
		loc = time.FixedZone("PST", -8*3600)
	}
	today := hours.DateOf(now.In(loc))
	from, to = today.AddDays(-3), today.AddDays(-1)
	if from.Before(p.From) {
		from = p.From
	}
	if p.To.Before(to) {
		to = p.To
	}
	return from, to, !to.Before(from)
}

func ratio(a, b float64) (float64, bool) {
	if b == 0 {
		return 0, false
	}
	return a / b, true
}

// kpi is one summary line: its label, how it reads from Totals and which
// way is good news.
type kpi struct {
	label string
	cell  func(Totals) table.Cell
	value func(Totals) (float64, bool)
	dir   table.Direction
}

func ratioCell(kind table.Kind, d int) func(float64, bool) table.Cell {
	return func(x float64, ok bool) table.Cell {
		return table.Cell{Kind: kind, Num: x, Decimals: d, Blank: !ok}
	}
}

func (b *builder) adsKPIs() []kpi {
	t := b.t
	plain := func(x float64) (float64, bool) { return x, true }
	pct, money, num := ratioCell(table.Percent, 2), ratioCell(table.Currency, 2), ratioCell(table.Number, 2)
	return []kpi{
		{t.spend, func(v Totals) table.Cell { return money(plain(v.Cost)) }, func(v Totals) (float64, bool) { return v.Cost, true }, table.DownIsGood},
		{t.clicks, func(v Totals) table.Cell { return table.I(v.Clicks) }, func(v Totals) (float64, bool) { return v.Clicks, true }, table.UpIsGood},
		{t.impressions, func(v Totals) table.Cell { return table.I(v.Impressions) }, func(v Totals) (float64, bool) { return v.Impressions, true }, table.UpIsGood},
		{t.ctr, func(v Totals) table.Cell { return pct(ratio(v.Clicks, v.Impressions)) }, func(v Totals) (float64, bool) { return ratio(v.Clicks, v.Impressions) }, table.UpIsGood},
		{t.cpc, func(v Totals) table.Cell { return money(ratio(v.Cost, v.Clicks)) }, func(v Totals) (float64, bool) { return ratio(v.Cost, v.Clicks) }, table.DownIsGood},
		{t.conversions, func(v Totals) table.Cell { return num(v.Conversions, true) }, func(v Totals) (float64, bool) { return v.Conversions, true }, table.UpIsGood},
		{t.costConv, func(v Totals) table.Cell { return money(ratio(v.Cost, v.Conversions)) }, func(v Totals) (float64, bool) { return ratio(v.Cost, v.Conversions) }, table.DownIsGood},
	}
}

func (b *builder) gscKPIs() []kpi {
	t := b.t
	pct, num := ratioCell(table.Percent, 2), ratioCell(table.Number, 1)
	return []kpi{
		{t.clicks, func(v Totals) table.Cell { return table.I(v.Clicks) }, func(v Totals) (float64, bool) { return v.Clicks, true }, table.UpIsGood},
		{t.impressions, func(v Totals) table.Cell { return table.I(v.Impressions) }, func(v Totals) (float64, bool) { return v.Impressions, true }, table.UpIsGood},
		{t.ctr, func(v Totals) table.Cell { return pct(ratio(v.Clicks, v.Impressions)) }, func(v Totals) (float64, bool) { return ratio(v.Clicks, v.Impressions) }, table.UpIsGood},
		{t.position, func(v Totals) table.Cell { return num(ratio(v.PositionSum, v.Impressions)) }, func(v Totals) (float64, bool) { return ratio(v.PositionSum, v.Impressions) }, table.DownIsGood},
	}
}

func (b *builder) summary() table.Tab {
	in, t := b.in, b.t
	tab := table.Tab{Key: "summary", Name: t.summary, FrozenRows: 1,
		Columns: []table.Column{{Width: 260}, {Width: 140}, {Width: 140}, {Width: 100}}}
	tab.Rows = b.readyLines()
	// The commentary sits right under the "Report ready" line, in one
	// cell (CommentaryCell) the account manager may rewrite by hand.
	commentary := table.T(CommentaryText(in))
	commentary.Keep = true
	tab.Rows = slices.Insert(tab.Rows, CommentaryRow, []table.Cell{commentary})
	tab.Rows = append(tab.Rows, nil)
	// While the period runs, each source is set against as many days of
	// the previous period as it has data for: the column and each section
	// say so.
	prevPeriod := in.Period.Previous()
	partial := func(through hours.Date) bool { return !through.IsZero() && through.Before(prevPeriod.To) }
	prevHead := capital(t.periodName(prevPeriod, b.date))
	if (in.Ads != nil && partial(in.Ads.BeforeThrough)) || (in.GSC != nil && partial(in.GSC.BeforeThrough)) {
		prevHead = fmt.Sprintf(t.sameDays, prevHead)
	}
	tab.Rows = append(tab.Rows, []table.Cell{table.B(t.metric), table.B(capital(t.periodName(in.Period, b.date))),
		table.B(prevHead), table.B(t.change)})
	change := table.ChangeColumn{Column: 3, FirstRow: len(tab.Rows)}
	section := func(name string, ks []kpi, cur, prev Totals, through hours.Date) {
		if partial(through) {
			name = fmt.Sprintf(t.comparedTo, name, b.date(prevPeriod.From.String()), b.date(through.String()))
		}
		tab.Rows = append(tab.Rows, []table.Cell{table.B(name)})
		change.RowDirections = append(change.RowDirections, table.UpIsGood)
		for _, k := range ks {
			c, okc := k.value(cur)
			p, okp := k.value(prev)
			ch := table.Change(c, p)
			if !okc || !okp {
				ch = table.Cell{Kind: table.Percent, Decimals: 1, Blank: true}
			}
			tab.Rows = append(tab.Rows, []table.Cell{table.T(k.label), k.cell(cur), k.cell(prev), ch})
			change.RowDirections = append(change.RowDirections, k.dir)
		}
	}
	if in.Ads != nil {
		section("Google Ads", b.adsKPIs(), in.Ads.Current, in.Ads.Before, in.Ads.BeforeThrough)
	}
	if in.GSC != nil {
		section(t.organic, b.gscKPIs(), in.GSC.Current, in.GSC.Before, in.GSC.BeforeThrough)
	}
	change.LastRow = len(tab.Rows) - 1
	if len(change.RowDirections) > 0 {
		tab.Changes = append(tab.Changes, change)
	}
	if in.Ads == nil && in.GSC == nil {
		return tab
	}
	// The chart's data: one line per day of the period.
	tab.Rows = append(tab.Rows, nil)
	header := len(tab.Rows)
	tab.Rows = append(tab.Rows, []table.Cell{table.B(t.date), table.B(t.adsClicks), table.B(t.organicClicks), table.B(t.spend)})
	ads, gsc := byDate(in.Ads), byDate(in.GSC)
	for _, d := range in.Period.Days() {
		if !d.Before(hours.DateOf(in.Now.In(in.Schedule.loc()))) {
			break // no data for today and later
		}
		a, g := ads[d.String()], gsc[d.String()]
		tab.Rows = append(tab.Rows, []table.Cell{table.D(d.String()), table.I(a.Clicks), table.I(g.Clicks), table.C(a.Cost)})
	}
	if len(tab.Rows)-1 > header {
		tab.Charts = append(tab.Charts, table.Chart{Title: t.chart, HeaderRow: header, LastRow: len(tab.Rows) - 1,
			DomainColumn: 0, SeriesColumns: []int{1, 2, 3}, RightAxis: []int{2}, AnchorRow: 0, AnchorColumn: 5})
	}
	return tab
}

// byDate indexes the daily rows of a source (nil-safe).
func byDate(src interface{ days() []Row }) map[string]Totals {
	m := map[string]Totals{}
	if src == nil {
		return m
	}
	for _, r := range src.days() {
		m[r.Date] = m[r.Date].Add(r.Totals)
	}
	return m
}

func (a *Ads) days() []Row {
	if a == nil {
		return nil
	}
	return a.Days
}

func (g *GSC) days() []Row {
	if g == nil {
		return nil
	}
	return g.Days
}

func (b *builder) adsTab() table.Tab {
	t, ads := b.t, b.in.Ads
	tab := table.Tab{Key: "ads", Name: "Google Ads", FrozenRows: 2,
		Columns: []table.Column{{Width: 100}, {Width: 200}, {Width: 220}, {}, {}, {}, {}, {}, {}, {}}}
	tab.Rows = append(tab.Rows, []table.Cell{table.T(fmt.Sprintf(t.adsDays, b.adsZones()))})
	tab.Rows = append(tab.Rows, []table.Cell{table.B(t.date), table.B(t.account), table.B(t.campaign), table.B(t.impressions),
		table.B(t.clicks), table.B(t.ctr), table.B(t.cpc), table.B(t.spend), table.B(t.conversions), table.B(t.costConv)})
	rows := slices.Clone(ads.Campaigns)
	slices.SortFunc(rows, func(x, y Row) int {
		return cmp.Or(cmp.Compare(x.Date, y.Date), cmp.Compare(x.Account, y.Account), cmp.Compare(x.Name, y.Name))
	})
	labels := map[string]string{}
	for _, a := range ads.Accounts {
		labels[a.ID] = a.Label()
	}
	var sum Totals
	for _, r := range rows {
		tab.Rows = append(tab.Rows, append([]table.Cell{table.D(r.Date), table.T(cmp.Or(labels[r.Account], r.Account)), table.T(r.Name)},
			adsCells(r.Totals, false)...))
		sum = sum.Add(r.Totals)
	}
	tab.Rows = append(tab.Rows, append([]table.Cell{table.B(t.total), {}, {}}, adsCells(sum, true)...))
	return tab
}

func adsCells(v Totals, bold bool) []table.Cell {
	ctr, okCTR := ratio(v.Clicks, v.Impressions)
	cpc, okCPC := ratio(v.Cost, v.Clicks)
	cpa, okCPA := ratio(v.Cost, v.Conversions)
	cells := []table.Cell{table.I(v.Impressions), table.I(v.Clicks),
		{Kind: table.Percent, Num: ctr, Decimals: 2, Blank: !okCTR},
		{Kind: table.Currency, Num: cpc, Decimals: 2, Blank: !okCPC},
		table.C(v.Cost), table.N(v.Conversions, 2),
		{Kind: table.Currency, Num: cpa, Decimals: 2, Blank: !okCPA}}
	for i := range cells {
		cells[i].Bold = bold
	}
	return cells
}

func gscCells(v Totals, bold bool) []table.Cell {
	ctr, okCTR := ratio(v.Clicks, v.Impressions)
	pos, okPos := ratio(v.PositionSum, v.Impressions)
	cells := []table.Cell{table.I(v.Clicks), table.I(v.Impressions),
		{Kind: table.Percent, Num: ctr, Decimals: 2, Blank: !okCTR},
		{Kind: table.Number, Num: pos, Decimals: 1, Blank: !okPos}}
	for i := range cells {
		cells[i].Bold = bold
	}
	return cells
}

func (b *builder) gscTab() table.Tab {
	t, gsc := b.t, b.in.GSC
	tab := table.Tab{Key: "gsc", Name: "Search Console", FrozenRows: 2,
		Columns: []table.Column{{Width: 320}, {}, {}, {}, {}}}
	tab.Rows = append(tab.Rows, []table.Cell{table.T(t.gscDays)})
	head := func(first string) []table.Cell {
		return []table.Cell{table.B(first), table.B(t.clicks), table.B(t.impressions), table.B(t.ctr), table.B(t.position)}
	}
	tab.Rows = append(tab.Rows, head(t.date))
	days := slices.Clone(gsc.Days)
	slices.SortFunc(days, func(x, y Row) int { return cmp.Compare(x.Date, y.Date) })
	var sum Totals
	for _, r := range days {
		tab.Rows = append(tab.Rows, append([]table.Cell{table.D(r.Date)}, gscCells(r.Totals, false)...))
		sum = sum.Add(r.Totals)
	}
	tab.Rows = append(tab.Rows, append([]table.Cell{table.B(t.total)}, gscCells(sum, true)...))
	for _, part := range []struct {
		title, col string
		rows       []Row
	}{{t.topQueries, t.query, gsc.Queries}, {t.topPages, t.page, gsc.Pages}} {
		tab.Rows = append(tab.Rows, nil, []table.Cell{table.B(part.title)}, head(part.col))
		for _, r := range top(part.rows) {
			tab.Rows = append(tab.Rows, append([]table.Cell{table.T(r.Name)}, gscCells(r.Totals, false)...))
		}
	}
	return tab
}

// top orders rows by clicks, then impressions, then name, and keeps TopN.
func top(rows []Row) []Row {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(x, y Row) int {
		return cmp.Or(cmp.Compare(y.Clicks, x.Clicks), cmp.Compare(y.Impressions, x.Impressions), cmp.Compare(x.Name, y.Name))
	})
	if len(rows) > TopN {
		rows = rows[:TopN]
	}
	return rows
}

func (b *builder) workTab() table.Tab {
	t := b.t
	tab := table.Tab{Key: "work", Name: t.work, FrozenRows: 0,
		Columns: []table.Column{{Width: 110}, {Width: 420}, {Width: 160}, {Width: 160}, {Width: 80}}}
	link := func(key string) table.Cell {
		if b.in.JiraBaseURL == "" {
			return table.T(key)
		}
		return table.L(key, strings.TrimRight(b.in.JiraBaseURL, "/")+"/browse/"+key)
	}
	for _, part := range []struct {
		title string
		tasks []Task
	}{{t.resolved, b.in.Resolved}, {t.inProgress, b.in.InProgress}} {
		if len(tab.Rows) > 0 {
			tab.Rows = append(tab.Rows, nil)
		}
		tab.Rows = append(tab.Rows, []table.Cell{table.B(part.title)},
			[]table.Cell{table.B(t.task), table.B(t.taskSummary), table.B(t.status), table.B(t.assignee), table.B(t.hoursCol)})
		tasks := slices.Clone(part.tasks)
		slices.SortFunc(tasks, func(x, y Task) int { return compareKeys(x.Key, y.Key) })
		var sum float64
		for _, k := range tasks {
			tab.Rows = append(tab.Rows, []table.Cell{link(k.Key), table.T(k.Summary), table.T(k.Status), table.T(k.Assignee), table.N(k.Hours, 2)})
			sum += k.Hours
		}
		if len(tasks) == 0 {
			tab.Rows = append(tab.Rows, []table.Cell{table.T(t.none)})
			continue
		}
		total := table.N(sum, 2)
		total.Bold = true
		tab.Rows = append(tab.Rows, []table.Cell{table.B(t.total), {}, {}, {}, total})
	}
	return tab
}

// compareKeys orders Jira keys by project, then number ("ACME-9" before
// "ACME-10").
func compareKeys(a, b string) int {
	pa, na, _ := strings.Cut(a, "-")
	pb, nb, _ := strings.Cut(b, "-")
	return cmp.Or(cmp.Compare(pa, pb), cmp.Compare(len(na), len(nb)), cmp.Compare(na, nb))
}
