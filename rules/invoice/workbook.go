package invoice

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/connectors/table"
)

// Month is one month of the finance workbook.
type Month struct {
	Name string // "2026-11"
	// Statements are what finance invoices from: the invoiced statement
	// when the month was invoiced before, else the one computed now.
	Statements []Statement
	// Adjustments lists, per client id, time changed after invoicing.
	Adjustments map[string][]Adjustment
}

// BuildMonth computes every client's statement for month at now. A client
// whose month was invoiced keeps the invoiced statement; the differences
// with the figures now are its adjustments.
func BuildMonth(month string, clients []Client, people []Person, now time.Time) Month {
	m := Month{Name: month, Adjustments: map[string][]Adjustment{}}
	for _, c := range clients {
		cur := Compute(c, month, people, now)
		if c.Invoiced == nil {
			m.Statements = append(m.Statements, cur)
			continue
		}
		m.Statements = append(m.Statements, *c.Invoiced)
		if adj := Adjustments(c.Invoiced, &cur); len(adj) > 0 {
			m.Adjustments[c.ID] = adj
		}
	}
	slices.SortFunc(m.Statements, func(a, b Statement) int {
		return cmp.Or(cmp.Compare(a.ClientName, b.ClientName), cmp.Compare(a.ClientID, b.ClientID))
	})
	return m
}

// Build returns the finance workbook: a summary tab (one row per client
// and month) and a tab per month, worded in lang. Months are shown newest
// first.
func Build(agency string, lang connectors.Language, months []Month) table.Workbook {
	t := textFor(lang)
	months = slices.Clone(months)
	slices.SortFunc(months, func(a, b Month) int { return cmp.Compare(b.Name, a.Name) })
	wb := table.Workbook{Title: fmt.Sprintf(t.title, agency), Locale: locale(lang), TimeZone: "UTC"}
	sum := table.Tab{Key: "summary", Name: t.summary, FrozenRows: 1,
		Columns: []table.Column{{Width: 90}, {Width: 200}, {Width: 70}, {}, {Width: 120}, {Width: 120}, {Width: 120}, {Width: 120}, {Width: 120}, {Width: 120}}}
	sum.Rows = append(sum.Rows, []table.Cell{table.B(t.month), table.B(t.client), table.B(t.currency), table.B(t.hours),
		table.B(t.labour), table.B(t.retainer), table.B(t.spend), table.B(t.fee), table.B(t.total), table.B(t.adjustments)})
	for _, m := range months {
		for _, s := range m.Statements {
			var adj float64
			for _, a := range m.Adjustments[s.ClientID] {
				adj += a.Amount
			}
			adjCell := table.CC(cents(adj), s.Currency)
			adjCell.Blank = len(m.Adjustments[s.ClientID]) == 0
			adjCell.Signed = true
			sum.Rows = append(sum.Rows, []table.Cell{table.T(m.Name), table.T(s.ClientName), table.T(s.Currency),
				table.N(float64(s.Seconds())/3600, 2), table.CC(s.Labour(), s.Currency), table.CC(s.Retainer, s.Currency),
				table.CC(s.AdsSpend, s.Currency), table.CC(s.Fee(), s.Currency), bold(table.CC(s.Total(), s.Currency)), adjCell})
		}
	}
	wb.Tabs = append(wb.Tabs, sum)
	for _, m := range months {
		wb.Tabs = append(wb.Tabs, monthTab(t, table.NewFormatter(wb.Locale, ""), m))
	}
	return wb
}

func bold(c table.Cell) table.Cell {
	c.Bold = true
	return c
}

// plain formats a number with as few decimals (up to 2) as it needs.
func plain(f *table.Formatter, x float64) string {
	d := 0
	for d < 2 && math.Abs(x*math.Pow(10, float64(d))-math.Round(x*math.Pow(10, float64(d)))) > 1e-9 {
		d++
	}
	return f.Format(table.N(x, d))
}

func monthTab(t *text, f *table.Formatter, m Month) table.Tab {
	tab := table.Tab{Key: m.Name, Name: m.Name, FrozenRows: 1,
		Columns: []table.Column{{Width: 200}, {Width: 260}, {Width: 140}, {}, {Width: 110}, {Width: 130}}}
	tab.Rows = append(tab.Rows, []table.Cell{table.B(t.client), table.B(t.person), table.B(t.role), table.B(t.hours),
		table.B(t.rate), table.B(t.amount)})
	for _, s := range m.Statements {
		cur := s.Currency
		tab.Rows = append(tab.Rows, []table.Cell{table.B(s.ClientName)})
		for _, l := range s.Lines {
			rate := table.CC(l.Rate, cur)
			name := l.Name
			if l.NoRate {
				rate = table.T(t.noRate)
			}
			tab.Rows = append(tab.Rows, []table.Cell{{}, table.T(name), table.T(t.roleName(l.Role)),
				table.N(l.Hours(), 2), rate, table.CC(l.Amount(), cur)})
		}
		line := func(label string, amount float64) {
			tab.Rows = append(tab.Rows, []table.Cell{{}, table.T(label), {}, {}, {}, table.CC(amount, cur)})
		}
		line(t.retainer, s.Retainer)
		line(t.spendRef, s.AdsSpend)
		line(fmt.Sprintf(t.feeOf, plain(f, s.FeePct)), s.Fee())
		tab.Rows = append(tab.Rows, []table.Cell{{}, table.B(t.total), {}, bold(table.N(float64(s.Seconds())/3600, 2)), {}, bold(table.CC(s.Total(), cur))})
		if !s.At.IsZero() && len(m.Adjustments[s.ClientID]) > 0 {
			tab.Rows = append(tab.Rows, []table.Cell{table.B(fmt.Sprintf(t.changed, f.Date(s.At.UTC().Format(time.DateOnly))))})
		}
		for _, a := range m.Adjustments[s.ClientID] {
			h := table.N(float64(a.Now-a.Before)/3600, 2)
			h.Signed = true
			amt := table.CC(a.Amount, cur)
			amt.Signed = true
			tab.Rows = append(tab.Rows, []table.Cell{{}, table.T(a.Name), table.T(fmt.Sprintf(t.fromTo,
				plain(f, float64(a.Before)/3600), plain(f, float64(a.Now)/3600))), h, {}, amt})
		}
	}
	return tab
}
