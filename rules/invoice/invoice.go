// Package invoice computes the data finance invoices clients from: per
// client and month, worklog hours by person and role at the client's
// rates, the retainer, Ads spend and the management fee on it, in the
// client's currency. It is pure; the engine loads the hours and spend and
// keeps what was invoiced, so that worklogs edited after a month was
// invoiced show up as adjustments in the next run instead of silently
// changing figures finance already used.
package invoice

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// Person is someone whose worklogs may be billed.
type Person struct {
	ID, Name      string
	Role          connectors.Role
	JiraAccountID string
}

// Client is one client's month to invoice.
type Client struct {
	ID, Name string
	Billing  connectors.Billing
	// Seconds are the month's worklog seconds per Jira author account id.
	Seconds map[string]int64
	// AdsSpend is the month's Google Ads spend, in the client's currency.
	AdsSpend float64
	// Invoiced is what an earlier run handed to finance for this month,
	// nil if none did.
	Invoiced *Statement
}

// Line is one person's billed time.
type Line struct {
	// PersonID is the configured person, or "jira:<account id>" for an
	// author Liaison does not know (billed at no rate, so finance sees it).
	PersonID string          `json:"person"`
	Name     string          `json:"name"`
	Role     connectors.Role `json:"role,omitempty"`
	Seconds  int64           `json:"seconds"`
	Rate     float64         `json:"rate"`
	// NoRate is set when neither the person nor their role has a rate.
	NoRate bool `json:"no_rate,omitempty"`
}

// Hours returns the line's time in hours.
func (l Line) Hours() float64 { return float64(l.Seconds) / 3600 }

// Amount returns hours × rate, rounded to cents.
func (l Line) Amount() float64 { return cents(l.Hours() * l.Rate) }

// Statement is one client's invoice data for one month.
type Statement struct {
	ClientID   string    `json:"client"`
	ClientName string    `json:"client_name"`
	Month      string    `json:"month"` // "2026-11"
	Currency   string    `json:"currency"`
	Lines      []Line    `json:"lines"`
	Retainer   float64   `json:"retainer"`
	AdsSpend   float64   `json:"ads_spend"`
	FeePct     float64   `json:"fee_pct"`
	At         time.Time `json:"at"` // when it was computed
}

// Labour returns the sum of the lines' amounts.
func (s *Statement) Labour() float64 {
	var sum float64
	for _, l := range s.Lines {
		sum += l.Amount()
	}
	return cents(sum)
}

// Seconds returns the billed time of every line.
func (s *Statement) Seconds() int64 {
	var n int64
	for _, l := range s.Lines {
		n += l.Seconds
	}
	return n
}

// Fee returns the management fee: spend × fee %, rounded to cents.
func (s *Statement) Fee() float64 { return cents(s.AdsSpend * s.FeePct / 100) }

// Total returns labour + retainer + fee. Ads spend itself is paid to
// Google by the client and is listed for reference only.
func (s *Statement) Total() float64 { return cents(s.Labour() + s.Retainer + s.Fee()) }

// Adjustment is a person's time that changed after the month was
// invoiced: worklogs added, edited or deleted later.
type Adjustment struct {
	PersonID, Name string
	Before, Now    int64   // seconds invoiced and seconds now
	Amount         float64 // the difference at the person's rate now; negative when time was removed
}

// Compute returns c's statement for month at now, with rates taken from
// c.Billing: a person's own rate over their role's.
func Compute(c Client, month string, people []Person, now time.Time) Statement {
	byAccount := map[string]*Person{}
	for i := range people {
		if people[i].JiraAccountID != "" {
			byAccount[people[i].JiraAccountID] = &people[i]
		}
	}
	s := Statement{ClientID: c.ID, ClientName: c.Name, Month: month, Currency: c.Billing.Currency,
		Retainer: c.Billing.Retainer, AdsSpend: cents(c.AdsSpend), FeePct: c.Billing.AdsManagementFeePct, At: now}
	for acct, secs := range c.Seconds {
		if secs == 0 {
			continue
		}
		l := Line{PersonID: "jira:" + acct, Name: acct, Seconds: secs, NoRate: true}
		if p := byAccount[acct]; p != nil {
			l.PersonID, l.Name, l.Role = p.ID, p.Name, p.Role
			if r, ok := c.Billing.Rates.People[p.ID]; ok {
				l.Rate, l.NoRate = r, false
			} else if r, ok := c.Billing.Rates.Roles[p.Role]; ok {
				l.Rate, l.NoRate = r, false
			}
		}
		s.Lines = append(s.Lines, l)
	}
	slices.SortFunc(s.Lines, func(a, b Line) int {
		return cmp.Or(cmp.Compare(a.Role, b.Role), cmp.Compare(a.Name, b.Name), cmp.Compare(a.PersonID, b.PersonID))
	})
	return s
}

// Adjustments compares what was invoiced with the statement now, person
// by person, and returns the differences ordered by name.
func Adjustments(invoiced, now *Statement) []Adjustment {
	if invoiced == nil {
		return nil
	}
	type pair struct {
		name        string
		before, now int64
		rate        float64
	}
	m := map[string]*pair{}
	get := func(l Line) *pair {
		if m[l.PersonID] == nil {
			m[l.PersonID] = &pair{name: l.Name}
		}
		return m[l.PersonID]
	}
	for _, l := range invoiced.Lines {
		p := get(l)
		p.before, p.rate = l.Seconds, l.Rate
	}
	for _, l := range now.Lines {
		p := get(l)
		p.now, p.rate = l.Seconds, l.Rate
	}
	var out []Adjustment
	for id, p := range m {
		if p.before == p.now {
			continue
		}
		out = append(out, Adjustment{PersonID: id, Name: p.name, Before: p.before, Now: p.now,
			Amount: cents(float64(p.now-p.before) / 3600 * p.rate)})
	}
	slices.SortFunc(out, func(a, b Adjustment) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.PersonID, b.PersonID))
	})
	return out
}

func cents(x float64) float64 { return math.Round(x*100) / 100 }
