package anomaly

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// RuleName is the rule's name in findings, config and routes.
const RuleName = "anomaly"

// Client is what the rule needs to know about one client.
type Client struct {
	ID, Name string
	// Location is the client's time zone: an Ads day is final once it has
	// ended there. Nil means UTC.
	Location *time.Location
	// AM is the person id of the account manager.
	AM string
	// Currency is the ISO code spend is shown in ("" shows bare numbers).
	Currency string
	// MonthlyBudget is the client's Google Ads budget for a calendar month,
	// over all its accounts; 0 turns pacing off.
	MonthlyBudget float64
	// Config is the effective setting for this client (global + overrides).
	Config Config
}

// Account is one Google Ads account or Search Console property with its
// stored daily rows.
type Account struct {
	ClientID string
	// Source is connectors.SourceAds or connectors.SourceGSC.
	Source string
	// ID is the Ads customer id or the Search Console property.
	ID string
	// Name is the Ads account's descriptive name, "" when none is stored;
	// alerts then name the account by its id.
	Name string
	// CampaignNames maps an Ads campaign id to its latest name, as the
	// connector stores it; alerts name a campaign without one by its id.
	CampaignNames map[string]string
	// LastDay is the newest day the connector has pulled ("2006-01-02");
	// days after it are not judged. Empty: the newest row's day.
	LastDay string
	// Days are the account's daily totals (Dimension "") and, for Ads,
	// its campaigns' days, for Search Console its queries' and pages'. A
	// day without a record counts as a day without traffic. The rule reads
	// the last BaselineWeeks×7+35+ConversionsDelayDays days; older ones
	// are ignored.
	Days []Day
}

// Day is one day of an account total or of one of its parts, with the
// metrics the rule reads as fields: the rule reads millions of them a run,
// and fields cost nothing to read where map lookups were most of its time.
type Day struct {
	Date                                   string // civil date "2006-01-02" in the account's reporting zone
	Dimension                              string // "" for the account total, else "campaign:123", "query:...", "page:..."
	Impressions, Clicks, Cost, Conversions float64
	// PositionSum is Search Console's average position × impressions.
	PositionSum float64
}

// DayOf reads a stored metric row as a Day.
func DayOf(r connectors.MetricRow) Day {
	m := r.Metrics
	return Day{Date: r.Date, Dimension: r.Dimension, Impressions: m[connectors.MetricImpressions],
		Clicks: m[connectors.MetricClicks], Cost: m[connectors.MetricCost], Conversions: m[connectors.MetricConversions],
		PositionSum: m[connectors.MetricPositionSum]}
}

// Input is the snapshot the rule reads.
type Input struct {
	Clients  []Client
	Accounts []Account
}

// pacificTime is the zone Search Console dates are in.
func pacificTime() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		// The zone database is embedded in the binary; a fixed offset
		// keeps the rule working should it be missing.
		return time.FixedZone("PST", -8*3600)
	}
	return loc
}

// span is how many days of rows the rule reads for cfg: the week judged,
// BaselineWeeks before it, four more weeks for conversion rates and
// stretches of zeros, and the conversions delay.
func span(cfg Config) int { return 7*cfg.BaselineWeeks + 35 + cfg.ConversionsDelayDays }

// Evaluate returns the anomaly findings for in at now, sorted by client,
// then key.
//
// The day judged is the newest final one: for Google Ads, yesterday in
// the client's zone (a day is complete once it has ended there), for
// Search Console, today in Pacific time less search_console_lag_days; in
// both cases no later than the account's LastDay. A finding stays open
// while its metric stays outside the band, and the engine resolves it
// when the rule stops emitting it.
func Evaluate(in Input, now time.Time) []rules.Finding {
	byID := make(map[string]int, len(in.Clients))
	for i := range in.Clients {
		if _, dup := byID[in.Clients[i].ID]; !dup {
			byID[in.Clients[i].ID] = i
		}
	}
	e := &evaluation{in: &in, now: now, pt: pacificTime()}
	ads := make(map[int][]*account)
	var ar arena
	for i := range in.Accounts {
		a := &in.Accounts[i]
		ci, ok := byID[a.ClientID]
		if !ok || !in.Clients[ci].Config.Enabled {
			continue
		}
		c := &in.Clients[ci]
		end, ok := e.finalDay(a, c)
		if !ok {
			continue
		}
		isAds := a.Source == connectors.SourceAds
		acc := build(a, ci, end, span(c.Config), &ar, isAds)
		if isAds {
			e.judgeAds(acc)
			acc.parts, acc.partIndex = nil, nil // in the arena, reset below
			ads[ci] = append(ads[ci], acc)
		} else {
			e.judgeSearch(acc)
		}
		ar.reset()
	}
	for ci, accs := range ads {
		e.judgePacing(ci, accs)
	}
	slices.SortFunc(e.out, func(a, b rules.Finding) int {
		return cmp.Or(strings.Compare(a.ClientID, b.ClientID), strings.Compare(a.Key, b.Key))
	})
	return e.out
}

// finalDay returns the day number of a's newest final day.
func (e *evaluation) finalDay(a *Account, c *Client) (int, bool) {
	var limit int
	switch a.Source {
	case connectors.SourceAds:
		loc := c.Location
		if loc == nil {
			loc = time.UTC
		}
		limit = dayOf(e.now, loc) - 1
	case connectors.SourceGSC:
		limit = dayOf(e.now, e.pt) - c.Config.SearchConsoleLagDays
	default:
		return 0, false
	}
	last, ok := dayNum(a.LastDay)
	if !ok {
		if last, ok = newestDay(a.Days); !ok {
			return 0, false
		}
	}
	return min(limit, last), true
}

// evaluation is the state of one Evaluate call.
type evaluation struct {
	in  *Input
	now time.Time
	pt  *time.Location
	out []rules.Finding
	// covered holds the metric:kind findings of the account being judged,
	// which its campaigns do not repeat.
	covered map[string]bool
	// stoppedParts are the campaigns of the account being judged that
	// stopped serving; the account's fall they cause is not repeated.
	stoppedParts map[string]bool
}
