// Package anomaly is the rule that watches Google Ads and Search Console
// metrics for changes the account manager should hear about before the
// client does: an account or campaign that stopped serving, spend, clicks,
// cost per click and conversions far from their weekday-aware baseline,
// monthly spend pacing away from the client's budget, and Search Console
// clicks, impressions and top-query positions far from their weekly
// baseline. It reads final days only and is a pure function of the stored
// daily series and now.
package anomaly

import (
	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/rules"
)

// Config is the rules.anomaly block (and a client's override of it).
type Config struct {
	// Enabled turns the rule on.
	Enabled bool `yaml:"enabled"`
	// MinChange is the smallest relative fall (0.3 = 30%) below the expected value that may alert.
	MinChange float64 `yaml:"min_change" jsonschema:"exclusiveMinimum=0,maximum=1"`
	// MinRise is the smallest relative rise (0.5 = 50%) above the expected value that may alert; rises are noisier than falls.
	MinRise float64 `yaml:"min_rise" jsonschema:"exclusiveMinimum=0,maximum=10"`
	// MinZ is how many robust standard deviations from the baseline a value must be to alert (higher is quieter); campaigns need one more.
	MinZ float64 `yaml:"min_z" jsonschema:"minimum=1,maximum=20"`
	// ConversionsP is the largest chance, under the baseline, of a conversions count at least as far off that may alert; a tenth of it for campaigns, 5 times it for an account's 3- and 7-day conversions.
	ConversionsP float64 `yaml:"conversions_p" jsonschema:"exclusiveMinimum=0,maximum=0.5"`
	// MinExpectedConversions is the expected conversions (per day) below which conversions never alert.
	MinExpectedConversions float64 `yaml:"min_expected_conversions" jsonschema:"minimum=0"`
	// ConversionsDelayDays is how many days before the newest final day conversions are judged: Google Ads counts a conversion on its click's day, so recent days keep growing.
	ConversionsDelayDays int `yaml:"conversions_delay_days" jsonschema:"minimum=0,maximum=30"`
	// BaselineWeeks is how many past weeks the baseline reads (the same weekday of each), 4 to 8.
	BaselineWeeks int `yaml:"baseline_weeks" jsonschema:"minimum=4,maximum=8"`
	// MinCampaignShare is the share of the account's spend a campaign needs to be watched on its own (0.1 = 10%).
	MinCampaignShare float64 `yaml:"min_campaign_share" jsonschema:"minimum=0,maximum=1"`
	// MinDailyClicks is the expected daily clicks an account or campaign needs before its spend, clicks and cost per click are judged.
	MinDailyClicks float64 `yaml:"min_daily_clicks" jsonschema:"minimum=0"`
	// MinDailyImpressions is the expected daily impressions an account or campaign needs before "stopped serving" can fire.
	MinDailyImpressions float64 `yaml:"min_daily_impressions" jsonschema:"minimum=0"`
	// PacingTolerance is how far (0.15 = 15%) projected month-end spend may be from google_ads.monthly_budget before it alerts.
	PacingTolerance float64 `yaml:"pacing_tolerance" jsonschema:"exclusiveMinimum=0,maximum=1"`
	// TopQueries is how many of a property's top queries (by clicks) have their average position watched; 0 turns it off.
	TopQueries int `yaml:"top_queries" jsonschema:"minimum=0,maximum=100"`
	// MinPositionChange is the smallest worsening of a query's average position, in places, that may alert.
	MinPositionChange float64 `yaml:"min_position_change" jsonschema:"exclusiveMinimum=0"`
	// SearchConsoleLagDays is how many days Search Console data trails today (Pacific time) before it is final.
	SearchConsoleLagDays int `yaml:"search_console_lag_days" jsonschema:"minimum=1,maximum=10"`
	// Severity is the severity of a metric far from its baseline.
	Severity rules.Severity `yaml:"severity" jsonschema:"type=string,enum=info,enum=warning,enum=critical"`
	// StoppedSeverity is the severity of an account or campaign that stopped serving.
	StoppedSeverity rules.Severity `yaml:"stopped_severity" jsonschema:"type=string,enum=info,enum=warning,enum=critical"`
	// PacingSeverity is the severity of spend pacing away from the monthly budget.
	PacingSeverity rules.Severity `yaml:"pacing_severity" jsonschema:"type=string,enum=info,enum=warning,enum=critical"`
}

// DefaultConfig returns the defaults, tuned on synthetic series so that an
// account sees about one false alert a quarter at most (docs/ANOMALIES.md).
func DefaultConfig() Config {
	return Config{
		Enabled:                true,
		MinChange:              0.25,
		MinRise:                0.8,
		MinZ:                   3.5,
		ConversionsP:           0.001,
		MinExpectedConversions: 2,
		ConversionsDelayDays:   3,
		BaselineWeeks:          8,
		MinCampaignShare:       0.1,
		MinDailyClicks:         10,
		MinDailyImpressions:    50,
		PacingTolerance:        0.15,
		TopQueries:             10,
		MinPositionChange:      3,
		SearchConsoleLagDays:   3,
		Severity:               rules.SeverityWarning,
		StoppedSeverity:        rules.SeverityCritical,
		PacingSeverity:         rules.SeverityWarning,
	}
}

// Validate reports every out-of-range setting.
func (c Config) Validate() error {
	var l field.List
	if !(c.MinChange > 0 && c.MinChange <= 1) {
		l.Add("min_change", "must be in (0, 1] (a share: 0.3 is 30%%), not %g", c.MinChange)
	}
	if !(c.MinRise > 0 && c.MinRise <= 10) {
		l.Add("min_rise", "must be in (0, 10] (a share: 0.5 is 50%%), not %g", c.MinRise)
	}
	if c.MinZ < 1 || c.MinZ > 20 {
		l.Add("min_z", "must be between 1 and 20, not %g", c.MinZ)
	}
	if !(c.ConversionsP > 0 && c.ConversionsP <= 0.5) {
		l.Add("conversions_p", "must be in (0, 0.5], not %g", c.ConversionsP)
	}
	if c.MinExpectedConversions < 0 {
		l.Add("min_expected_conversions", "must not be negative, not %g", c.MinExpectedConversions)
	}
	if c.ConversionsDelayDays < 0 || c.ConversionsDelayDays > 30 {
		l.Add("conversions_delay_days", "must be between 0 and 30 days, not %d", c.ConversionsDelayDays)
	}
	if c.BaselineWeeks < 4 || c.BaselineWeeks > 8 {
		l.Add("baseline_weeks", "must be between 4 and 8 weeks, not %d", c.BaselineWeeks)
	}
	if c.MinCampaignShare < 0 || c.MinCampaignShare > 1 {
		l.Add("min_campaign_share", "must be in [0, 1], not %g", c.MinCampaignShare)
	}
	if c.MinDailyClicks < 0 {
		l.Add("min_daily_clicks", "must not be negative, not %g", c.MinDailyClicks)
	}
	if c.MinDailyImpressions < 0 {
		l.Add("min_daily_impressions", "must not be negative, not %g", c.MinDailyImpressions)
	}
	if !(c.PacingTolerance > 0 && c.PacingTolerance <= 1) {
		l.Add("pacing_tolerance", "must be in (0, 1] (a share: 0.15 is 15%%), not %g", c.PacingTolerance)
	}
	if c.TopQueries < 0 || c.TopQueries > 100 {
		l.Add("top_queries", "must be between 0 and 100, not %d", c.TopQueries)
	}
	if !(c.MinPositionChange > 0) {
		l.Add("min_position_change", "must be above 0 places, not %g", c.MinPositionChange)
	}
	if c.SearchConsoleLagDays < 1 || c.SearchConsoleLagDays > 10 {
		l.Add("search_console_lag_days", "must be between 1 and 10 days, not %d", c.SearchConsoleLagDays)
	}
	return l.Err()
}
