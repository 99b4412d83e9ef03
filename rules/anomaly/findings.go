package anomaly

import (
	"math"
	"strconv"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules"
)

// Metrics a finding is about (Fields[FieldMetric]).
const (
	MetricServing     = "serving" // impressions of an account or campaign that stopped
	MetricSpend       = "spend"
	MetricClicks      = "clicks"
	MetricCPC         = "cpc"
	MetricConversions = "conversions"
	MetricImpressions = "impressions"
	MetricPosition    = "position" // average position of a Search Console query
)

// Finding kinds (Fields[FieldKind]).
const (
	KindDrop        = "drop"         // below the band (a position: a worse rank)
	KindRise        = "rise"         // above the band
	KindStopped     = "stopped"      // impressions fell to zero after a normal day
	KindOverBudget  = "over_budget"  // projected month-end spend above budget + tolerance
	KindUnderBudget = "under_budget" // projected month-end spend below budget − tolerance
)

// Keys of Finding.Fields. Numbers are plain decimals ("1234.50"), dates
// "2006-01-02"; the wording formats them in the reader's language.
const (
	FieldKind    = "kind"
	FieldSource  = "source"  // connectors.SourceAds or SourceGSC
	FieldAccount = "account" // Ads customer id or Search Console property
	// FieldAccountName is the Ads account's descriptive name, when stored.
	FieldAccountName = "account_name"
	FieldDimension   = "dimension" // "campaign:123", "query:...": the part judged; absent for the account total
	FieldMetric      = "metric"    // one of the Metric* constants
	FieldObserved    = "observed"  // the value judged (for pacing: the projected month-end spend)
	FieldExpected    = "expected"  // what the baseline expected (for pacing: the budget)
	FieldChangePct   = "change_pct"
	FieldDay         = "day"   // the final day judged
	FieldSince       = "since" // the first day of the stretch the metric has been off
	FieldPeriodDays  = "period_days"
	FieldContributor = "contributor" // the campaign, query or page that moved the total most
	// FieldDimensionName is the name of the campaign judged, when stored.
	FieldDimensionName = "dimension_name"
	// FieldContributorName is the name of the contributing campaign, when stored.
	FieldContributorName = "contributor_name"
	// FieldContributorChange is the contributor's own change against its usual level, in the metric's unit.
	FieldContributorChange = "contributor_change"
	FieldCurrency          = "currency"
	FieldMonthToDate       = "month_to_date" // pacing: spent so far this month
	FieldMonth             = "month"         // pacing: "2006-01"
	FieldClientName        = "client_name"
	FieldAM                = "am" // person id of the account manager
)

// unit says how a value is formatted.
type unit uint8

const (
	unitCount unit = iota
	unitMoney
	unitPosition
)

// verdict is one anomaly before it becomes a finding. Day indexes count
// from acc.first.
type verdict struct {
	acc         *account
	part        *series // the series judged; acc.total for the account
	client      int
	pacing      bool
	metric      string
	kind        string
	severity    rules.Severity
	observed    float64
	expected    float64
	unit        unit
	day, since  int
	days        int // days observed covers; 0 means 1
	contributor contribution
	spent       float64
	month       string
}

// SubjectKind is the subject kind of anomaly findings: a metric series.
const SubjectKind = "metric"

func (e *evaluation) emit(v verdict) {
	ci := v.acc.client
	if v.pacing {
		ci = v.client
	}
	c := &e.in.Clients[ci]
	src := v.acc.src
	fields := make(map[string]string, 16)
	fields[FieldKind] = v.kind
	fields[FieldMetric] = v.metric
	fields[FieldSource] = src.Source
	fields[FieldClientName] = c.Name
	fields[FieldAM] = c.AM
	fields[FieldObserved] = number(v.observed, v.unit)
	fields[FieldExpected] = number(v.expected, v.unit)
	if v.expected > 0 {
		fields[FieldChangePct] = strconv.Itoa(int(math.Round((v.observed - v.expected) / v.expected * 100)))
	}
	fields[FieldDay] = dateString(v.acc.first + v.day)
	if c.Currency != "" && (v.unit == unitMoney) {
		fields[FieldCurrency] = c.Currency
	}
	subj := rules.Subject{Kind: SubjectKind}
	var title string
	if v.pacing {
		subj.ID = src.Source + ":" + c.ID
		fields[FieldMonthToDate] = number(v.spent, unitMoney)
		fields[FieldMonth] = v.month
		title = c.Name + ": Google Ads spend is pacing "
		if v.kind == KindOverBudget {
			title += "over"
		} else {
			title += "under"
		}
		title += " the monthly budget"
	} else {
		fields[FieldAccount] = src.ID
		if src.Name != "" {
			fields[FieldAccountName] = src.Name
		}
		fields[FieldSince] = dateString(v.acc.first + v.since)
		if v.days > 1 {
			fields[FieldPeriodDays] = strconv.Itoa(v.days)
		}
		subj.ID = src.Source + ":" + src.ID
		what := "Google Ads " + src.ID
		if src.Source == connectors.SourceGSC {
			what = "Search Console " + src.ID
		}
		if v.part != nil && v.part.dim != "" {
			fields[FieldDimension] = v.part.dim
			subj.ID += "|" + v.part.dim
			what += ", " + strings.Replace(v.part.dim, ":", " ", 1)
			if n := src.campaignName(v.part.dim); n != "" {
				fields[FieldDimensionName] = n
			}
		}
		if v.contributor.dim != "" {
			fields[FieldContributor] = v.contributor.dim
			if n := src.campaignName(v.contributor.dim); n != "" {
				fields[FieldContributorName] = n
			}
			fields[FieldContributorChange] = number(v.contributor.delta, v.unit)
		}
		// Short English for logs; stable for the key's life (no numbers).
		switch v.kind {
		case KindStopped:
			title = what + ": stopped serving"
		case KindDrop:
			title = what + ": " + v.metric + " fell"
		default:
			title = what + ": " + v.metric + " rose"
		}
	}
	e.out = append(e.out, rules.Finding{
		Key:       rules.Key(RuleName, c.ID, subj, v.metric+":"+v.kind),
		Rule:      RuleName,
		ClientID:  c.ID,
		Subject:   subj,
		Severity:  v.severity,
		Title:     title,
		Fields:    fields,
		FirstSeen: e.now,
		LastSeen:  e.now,
	})
}

// campaignName returns the stored name of a "campaign:<id>" dimension, or "".
func (a *Account) campaignName(dim string) string {
	id, ok := strings.CutPrefix(dim, "campaign:")
	if !ok {
		return ""
	}
	return a.CampaignNames[id]
}

// number formats v for Fields: money with cents, positions with one
// decimal, counts whole unless fractional (data-driven conversions).
func number(v float64, u unit) string {
	switch u {
	case unitMoney:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case unitPosition:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
