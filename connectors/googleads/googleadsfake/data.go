package googleadsfake

import (
	"fmt"
	"hash/fnv"
	"time"
)

// Account is one Google Ads customer in the fake.
type Account struct {
	// CustomerID is ten digits.
	CustomerID string
	// Name is the descriptive name; default "Account <id>".
	Name string
	// Currency is customer.currency_code; default chosen from the id.
	Currency string
	// TimeZone is customer.time_zone, the zone segments.date is in;
	// default "Europe/Berlin". "Today" is read in it.
	TimeZone string
	// Campaigns is how many campaigns the account has; default 2–5 by id.
	Campaigns int
	// Managers are manager accounts (ten digits) through which the account
	// may be reached with login-customer-id.
	Managers []string
	// Users are the principals (OAuth users or service accounts) with
	// direct access; a manager's users reach it through the manager.
	Users []string
	// Steady makes every campaign serve a steady day (about 1,200
	// impressions, 6% click-through, 1.50 a click, a mild weekly pattern
	// and a few percent of wobble) instead of the default wide spread, so
	// that a usual level exists to depart from.
	Steady bool
	// DayFactors scale the traffic of a Steady account's days (date →
	// factor; 0 means the account did not serve that day). Tests inject
	// anomalies with them; the fake keeps its own copy.
	DayFactors map[string]float64
	// Stops maps a campaign's number (1 for "Campaign 1 of ...") to the
	// first date it serves nothing: from that day on it has no rows, as
	// when it is paused or its ads are disapproved.
	Stops map[int]string
}

// Totals sums an account's metrics over a date range as the fake reports
// them now (late conversions included so far).
type Totals struct {
	Rows             int // campaign × day rows with traffic
	Impressions      int64
	Clicks           int64
	CostMicros       int64
	Conversions      float64
	ConversionsValue float64
}

// conversionLag is how many days conversions keep arriving after a click:
// a day's conversions grow until it is this old, which is why Liaison
// re-pulls a trailing window.
const conversionLag = 14

type campaign struct {
	id   string
	name string
	num  int // 1-based
}

// dayMetrics is one campaign's day. Values are multiples of 0.25 so that
// float sums are exact whatever the order they are added in.
type dayMetrics struct {
	impressions, clicks, costMicros int64
	conversions, conversionsValue   float64
}

func hash(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func (a *Account) withDefaults() {
	h := hash(a.CustomerID)
	if a.Name == "" {
		a.Name = "Account " + a.CustomerID
	}
	if a.Currency == "" {
		a.Currency = []string{"EUR", "USD", "GBP", "PLN"}[h%4]
	}
	if a.TimeZone == "" {
		a.TimeZone = "Europe/Berlin"
	}
	if a.Campaigns <= 0 {
		a.Campaigns = 2 + int(h>>8%4)
	}
}

func (a *Account) campaigns() []campaign {
	out := make([]campaign, a.Campaigns)
	base := hash(a.CustomerID, "campaigns")%9_000_000_000 + 1_000_000_000
	for i := range out {
		out[i] = campaign{id: fmt.Sprint(base + uint64(i)*7919), name: fmt.Sprintf("Campaign %d of %s", i+1, a.CustomerID), num: i + 1}
	}
	return out
}

// metrics is campaign c's day, as seen on the account's today: a day after
// today has nothing, and conversions of a recent day are still partial.
func (a *Account) metrics(c campaign, date string, today string) (dayMetrics, bool) {
	if date > today {
		return dayMetrics{}, false
	}
	if stop, ok := a.Stops[c.num]; ok && date >= stop {
		return dayMetrics{}, false
	}
	h := hash(a.CustomerID, c.id, date)
	if a.Steady {
		return a.steady(c, h, date, today)
	}
	if h%17 == 0 {
		return dayMetrics{}, false // paused that day: no row, as Google omits zero rows
	}
	m := dayMetrics{impressions: int64(50 + h%4000)}
	m.clicks = m.impressions * int64(1+(h>>12)%8) / 100
	m.costMicros = m.clicks * int64(5+(h>>16)%300) * 10_000
	finalUnits := int64((h >> 24) % 24) // quarter conversions
	d, _ := time.Parse(time.DateOnly, date)
	t, _ := time.Parse(time.DateOnly, today)
	age := int64(t.Sub(d).Hours() / 24)
	units := arrived(finalUnits, age)
	m.conversions = float64(units) * 0.25
	m.conversionsValue = float64(units*int64(2+(h>>32)%40)) * 0.25
	return m, true
}

// steadySize is the relative size, in percent, of a Steady account's
// campaigns by their number: accounts have a main campaign and smaller ones.
func steadySize(num int) int64 {
	sizes := [...]int64{100, 60, 160, 80, 40}
	return sizes[(num-1)%len(sizes)]
}

// arrived is how many of a day's final conversion units are reported at
// the given age in days: most arrive within a day or two of the click and
// the tail over conversionLag days, as Google Ads accounts report them.
func arrived(final, age int64) int64 {
	if age >= conversionLag {
		return final
	}
	share := [...]int64{50, 75, 85, 90, 92, 94, 95, 96, 97, 97, 98, 98, 99, 99}[max(age, 0)]
	return final * share / 100
}

// steadyWeek is a Steady account's weekly pattern in percent.
func steadyWeek(d time.Weekday) int64 {
	return [...]int64{time.Sunday: 75, time.Monday: 105, time.Tuesday: 110, time.Wednesday: 108,
		time.Thursday: 100, time.Friday: 95, time.Saturday: 80}[d]
}

// steady is one campaign's day of a Steady account.
func (a *Account) steady(c campaign, h uint64, date, today string) (dayMetrics, bool) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return dayMetrics{}, false
	}
	f, ok := a.DayFactors[date]
	if !ok {
		f = 1
	}
	wobble := int64(h%9) - 4 // ±4%
	size := steadySize(c.num)
	impressions := int64(float64(1200*size*steadyWeek(d.Weekday())*(100+wobble)/1_000_000) * f)
	if impressions <= 0 {
		return dayMetrics{}, false
	}
	m := dayMetrics{impressions: impressions, clicks: impressions * 6 / 100}
	m.costMicros = m.clicks * 1_500_000
	finalUnits := m.clicks / 5 // 5% conversion rate, in quarter conversions
	t, _ := time.Parse(time.DateOnly, today)
	age := int64(t.Sub(d).Hours() / 24)
	units := arrived(finalUnits, age)
	m.conversions = float64(units) * 0.25
	m.conversionsValue = float64(units*40) * 0.25
	return m, true
}

func (a *Account) today(now time.Time) string {
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return now.In(loc).Format(time.DateOnly)
}

func eachDay(from, to string, fn func(date string)) {
	d, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return
	}
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		fn(d.Format(time.DateOnly))
	}
}
