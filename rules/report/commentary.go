package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/rules/hours"
)

// Commentary returns the report's written summary of the period in the
// client's language, one sentence per element (3 to 6 with data): what
// changed most in Google Ads and in Search Console against the previous
// period and which campaign, query or page moved it most, the work done
// and what is not final yet. It reads only in, so the same input gives
// the same sentences.
func Commentary(in Input) []string {
	c := &commenter{in: in, t: commentaryTextFor(in.Language), f: table.NewFormatter(Locale(in.Language), in.Currency)}
	var out []string
	if in.Ads != nil {
		out = append(out, c.ads()...)
	}
	if in.GSC != nil {
		out = append(out, c.gsc()...)
	}
	out = append(out, c.work())
	out = append(out, c.notFinal())
	return out
}

// CommentaryText is Commentary's sentences as the one paragraph the
// Summary tab holds.
func CommentaryText(in Input) string { return strings.Join(Commentary(in), " ") }

type commenter struct {
	in Input
	t  *commentaryText
	f  *table.Formatter
}

// metric is one candidate for "what changed most".
type metric struct {
	name      string
	cur, prev float64
	value     func(Totals) float64
	show      func(float64) string // a total: "2 541", "10 332,00 ₴"
	delta     func(float64) string // a signed difference with its unit
}

// minConversions is the fewest conversions (in either period) for a
// change in conversions to lead the commentary: a swing from 2 to 4 is
// +100% and says nothing.
const minConversions = 10

// relChange is the relative change of a metric; +Inf from nothing.
func (m metric) relChange() float64 {
	if m.prev == 0 {
		if m.cur == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return m.cur/m.prev - 1
}

func (c *commenter) integer(x float64) string {
	return c.f.Format(table.Cell{Kind: table.Integer, Num: x})
}

func (c *commenter) signed(s string, x float64) string {
	if x > 0 {
		return "+" + s
	}
	if x < 0 {
		return "−" + s
	}
	return s
}

func (c *commenter) adsMetrics() []metric {
	t, a := c.t, c.in.Ads
	clicks := metric{name: t.adsClicks, cur: a.Current.Clicks, prev: a.Before.Clicks,
		value: func(v Totals) float64 { return v.Clicks }, show: c.integer,
		delta: func(x float64) string { return c.signed(c.count(math.Abs(math.Round(x)), t.clicks), x) }}
	spend := metric{name: t.adsSpend, cur: a.Current.Cost, prev: a.Before.Cost,
		value: func(v Totals) float64 { return v.Cost }, show: c.f.Money,
		delta: func(x float64) string { return c.signed(c.f.Money(math.Abs(x)), x) }}
	conv := metric{name: t.adsConversions, cur: a.Current.Conversions, prev: a.Before.Conversions,
		value: func(v Totals) float64 { return v.Conversions },
		show: func(x float64) string {
			return c.f.Format(table.Cell{Kind: table.Number, Num: x, Decimals: decimalsOf(x)})
		},
		delta: func(x float64) string { return c.signed(c.count(math.Abs(x), t.conversions), x) }}
	ms := []metric{clicks, spend}
	if max(conv.cur, conv.prev) >= minConversions {
		ms = append(ms, conv)
	}
	return ms
}

// most returns the metric that changed most in relative terms; the
// earlier one on a tie, so the order of ms is the order of preference.
func most(ms []metric) metric {
	best := ms[0]
	for _, m := range ms[1:] {
		if math.Abs(m.relChange()) > math.Abs(best.relChange()) {
			best = m
		}
	}
	return best
}

// headline says how a source's leading metric changed, and whether it
// changed at all as shown (a change that rounds to 0.0% did not). While
// the period is still running it says up to which day its figures go and
// that the previous period is counted over the same days.
func (c *commenter) headline(source string, m metric, days []Row) (string, bool) {
	t := c.t
	today := hours.DateOf(c.in.Now.In(c.in.Schedule.loc()))
	if !c.in.Final && c.in.Period.Contains(today) && c.in.Period.From.Before(today) {
		// The source's own last day with data: yesterday for Ads, Search
		// Console's last final day.
		yesterday := today.AddDays(-1).String()
		last := ""
		for _, d := range days {
			last = max(last, d.Date)
		}
		if last == "" || last > yesterday {
			last = yesterday
		}
		source = fmt.Sprintf(t.through, source, c.f.Date(last))
	}
	switch {
	case m.prev == 0 && m.cur == 0:
		return fmt.Sprintf(t.steady, source, m.name, m.show(0)), false
	case m.prev == 0:
		return fmt.Sprintf(t.fromNothing, source, m.name, m.show(m.cur)), true
	}
	ch := m.relChange()
	pct := c.f.Format(table.Cell{Kind: table.Percent, Num: math.Abs(ch), Decimals: 1})
	if pct == c.f.Format(table.Cell{Kind: table.Percent, Decimals: 1}) {
		return fmt.Sprintf(t.steady, source, m.name, m.show(m.cur)), false
	}
	dir := t.rose
	if ch < 0 {
		dir = t.fell
	}
	return fmt.Sprintf(t.changed, source, m.name, dir, pct, m.show(m.cur), m.show(m.prev)), true
}

// part is a campaign, query or page with its metric in both periods.
type part struct {
	name      string
	cur, prev float64
}

// topFloor is what a query or page missing from the previous period's
// top list had at most: nothing when the list is shorter than TopN (it
// holds them all), else the list's smallest clicks. Counting a missing
// one from there understates its change rather than inventing one.
func topFloor(before []Row) float64 {
	if len(before) < TopN {
		return 0
	}
	floor := math.Inf(1)
	for _, r := range before {
		floor = min(floor, r.Clicks)
	}
	return floor
}

// contributor returns the part whose change went furthest in the
// direction of the total's change (ties by name), and false when no part
// moved that way. A part missing from prev counts from floor there.
func contributor(cur, prev []Row, value func(Totals) float64, key func(Row) string, up bool, floor float64) (part, bool) {
	parts := map[string]*part{}
	get := func(r Row) *part {
		k := key(r)
		if parts[k] == nil {
			parts[k] = &part{name: k}
		}
		return parts[k]
	}
	for _, r := range cur {
		get(r).cur += value(r.Totals)
	}
	seen := map[string]bool{}
	for _, r := range prev {
		get(r).prev += value(r.Totals)
		seen[key(r)] = true
	}
	for k, p := range parts {
		if !seen[k] {
			p.prev = floor
		}
	}
	list := make([]part, 0, len(parts))
	for _, p := range parts {
		list = append(list, *p)
	}
	sign := 1.0
	if !up {
		sign = -1
	}
	slices.SortFunc(list, func(x, y part) int {
		return cmp.Or(cmp.Compare(sign*(y.cur-y.prev), sign*(x.cur-x.prev)), cmp.Compare(x.name, y.name))
	})
	if len(list) == 0 || sign*(list[0].cur-list[0].prev) <= 0 {
		return part{}, false
	}
	return list[0], true
}

func (c *commenter) ads() []string {
	a := c.in.Ads
	m := most(c.adsMetrics())
	head, changed := c.headline("Google Ads", m, a.Days)
	out := []string{head}
	if !changed || (m.prev > 0 && len(a.CampaignsBefore) == 0) {
		return out // no change to explain, or no per-campaign figures to explain it with
	}
	// Campaigns are told apart by account too; the account is named only
	// when the client has several.
	key := func(r Row) string { return r.Name + "\x00" + r.Account }
	if p, ok := contributor(a.Campaigns, a.CampaignsBefore, m.value, key, m.cur > m.prev, 0); ok {
		name, account, _ := strings.Cut(p.name, "\x00")
		name = c.t.quote(name)
		if len(a.Accounts) > 1 {
			label := adsID(account)
			for _, acc := range a.Accounts {
				if acc.ID == account {
					label = acc.shortLabel()
				}
			}
			name += " (" + label + ")"
		}
		out = append(out, fmt.Sprintf(c.t.campaign, name, m.delta(p.cur-p.prev), m.show(p.cur), m.show(p.prev)))
	}
	return out
}

func (c *commenter) gsc() []string {
	g, t := c.in.GSC, c.t
	clicks := metric{name: t.organicClicks, cur: g.Current.Clicks, prev: g.Before.Clicks,
		value: func(v Totals) float64 { return v.Clicks }, show: c.integer,
		delta: func(x float64) string { return c.signed(c.count(math.Abs(math.Round(x)), t.clicks), x) }}
	head, changed := c.headline("Search Console", clicks, g.Days)
	out := []string{head}
	if !changed || (clicks.prev > 0 && len(g.QueriesBefore) == 0 && len(g.PagesBefore) == 0) {
		return out
	}
	up := clicks.cur > clicks.prev
	name := func(r Row) string { return r.Name }
	q, okQ := contributor(g.Queries, g.QueriesBefore, clicks.value, name, up, topFloor(g.QueriesBefore))
	p, okP := contributor(g.Pages, g.PagesBefore, clicks.value, name, up, topFloor(g.PagesBefore))
	switch {
	case okQ && okP:
		out = append(out, fmt.Sprintf(t.queryPage, t.quote(q.name), clicks.delta(q.cur-q.prev), p.name, clicks.delta(p.cur-p.prev)))
	case okQ:
		out = append(out, fmt.Sprintf(t.query, t.quote(q.name), clicks.delta(q.cur-q.prev)))
	case okP:
		out = append(out, fmt.Sprintf(t.page, p.name, clicks.delta(p.cur-p.prev)))
	}
	return out
}

func (c *commenter) work() string {
	var logged float64
	for _, k := range c.in.Resolved {
		logged += k.Hours
	}
	for _, k := range c.in.InProgress {
		logged += k.Hours
	}
	logged = math.Round(logged*100) / 100
	s := fmt.Sprintf(c.t.work, c.count(float64(len(c.in.Resolved)), c.t.tasks), c.count(logged, c.t.hours))
	if n := len(c.in.InProgress); n > 0 {
		s += fmt.Sprintf(c.t.inProgress, c.count(float64(n), c.t.tasks))
	}
	return s + "."
}

// notFinal says which figures may still change: Search Console's last
// days and, until the final run, Google Ads conversions.
func (c *commenter) notFinal() string {
	in, t := c.in, c.t
	if in.Final {
		return t.final
	}
	var parts []string
	if in.GSC != nil {
		if from, to, ok := gscNotFinal(in.Period, in.Now); ok {
			n := 0.0
			for d := from; !to.Before(d); d = d.AddDays(1) {
				n++
			}
			parts = append(parts, fmt.Sprintf(t.gscPart, c.count(n, t.days), c.f.Date(from.String()), c.f.Date(to.String())))
		}
	}
	if in.Ads != nil {
		if at := in.Schedule.FinalRun(in.Period); in.Now.Before(at.Start(in.Schedule.loc())) {
			parts = append(parts, fmt.Sprintf(t.adsPart, c.f.Date(at.String())))
		}
	}
	if len(parts) == 0 {
		return t.allFinal
	}
	return fmt.Sprintf(t.notFinal, strings.Join(parts, t.and))
}
