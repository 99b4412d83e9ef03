// Package deadline is the rule that watches task due dates: tasks due soon
// and overdue tasks alert the client's account manager, overdue ones escalate
// to the head, and in-progress tasks without a due date go to the AM's daily
// digest. Due dates are read in the client's time zone and counted in
// working days.
package deadline

import "github.com/liaisonhq/liaison/configs/field"

// Config is the rules.deadline block (and a client's override of it).
type Config struct {
	// Enabled turns the rule on.
	Enabled bool `yaml:"enabled"`
	// WarnBeforeDays warns about an open task due within this many working days of the AM (0: only overdue tasks).
	WarnBeforeDays int `yaml:"warn_before_days" jsonschema:"minimum=0,maximum=30"`
	// EscalateAfterDays escalates an overdue task to the head after this many working days overdue.
	EscalateAfterDays int `yaml:"escalate_after_days" jsonschema:"minimum=0,maximum=60"`
	// NotifyAssignee also alerts the task's assignee, not only the AM.
	NotifyAssignee bool `yaml:"notify_assignee"`
	// NoDueDateDigest lists in-progress tasks without a due date in the AM's daily digest.
	NoDueDateDigest bool `yaml:"no_due_date_digest"`
}

// DefaultConfig returns the defaults from the design.
func DefaultConfig() Config {
	return Config{Enabled: true, WarnBeforeDays: 2, EscalateAfterDays: 2, NoDueDateDigest: true}
}

// Validate reports every out-of-range setting.
func (c Config) Validate() error {
	var l field.List
	if c.WarnBeforeDays < 0 || c.WarnBeforeDays > 30 {
		l.Add("warn_before_days", "must be between 0 and 30 working days, not %d", c.WarnBeforeDays)
	}
	if c.EscalateAfterDays < 0 || c.EscalateAfterDays > 60 {
		l.Add("escalate_after_days", "must be between 0 and 60 working days, not %d", c.EscalateAfterDays)
	}
	return l.Err()
}
