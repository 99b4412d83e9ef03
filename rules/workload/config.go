// Package workload is the rule that watches people's load: account managers
// leading more clients than they can, and specialists with too many open
// tasks or more estimated work in the coming days than their working hours
// allow. It alerts the head and affected AMs and sends a weekly digest.
package workload

import (
	"github.com/liaisonhq/liaison/configs/field"
)

// Config is the rules.workload block. The limits are defaults for people
// whose own capacity does not set them.
type Config struct {
	// Enabled turns the rule on.
	Enabled bool `yaml:"enabled"`
	// MaxClients is how many active clients an account manager may lead.
	MaxClients int `yaml:"max_clients" jsonschema:"minimum=1"`
	// MaxOpenTasks is how many open tasks a specialist may hold.
	MaxOpenTasks int `yaml:"max_open_tasks" jsonschema:"minimum=1"`
	// MaxUtilization is the share (0, 1] of a specialist's working hours that estimates due in the horizon may fill.
	MaxUtilization float64 `yaml:"max_utilization" jsonschema:"exclusiveMinimum=0,maximum=1"`
	// HorizonDays is how many working days ahead estimates are summed.
	HorizonDays int `yaml:"horizon_days" jsonschema:"minimum=1,maximum=30"`
	// DigestDay is the weekday of the weekly workload digest (mon..sun); empty turns the digest off.
	DigestDay string `yaml:"digest_day" jsonschema:"enum=,enum=mon,enum=tue,enum=wed,enum=thu,enum=fri,enum=sat,enum=sun"`
}

// DefaultConfig returns the defaults from the design.
func DefaultConfig() Config {
	return Config{Enabled: true, MaxClients: 8, MaxOpenTasks: 15, MaxUtilization: 0.9, HorizonDays: 5, DigestDay: "mon"}
}

// Validate reports every out-of-range setting.
func (c Config) Validate() error {
	var l field.List
	if c.MaxClients < 1 {
		l.Add("max_clients", "must be at least 1, not %d", c.MaxClients)
	}
	if c.MaxOpenTasks < 1 {
		l.Add("max_open_tasks", "must be at least 1, not %d", c.MaxOpenTasks)
	}
	if !(c.MaxUtilization > 0 && c.MaxUtilization <= 1) {
		l.Add("max_utilization", "must be in (0, 1], not %g", c.MaxUtilization)
	}
	if c.HorizonDays < 1 || c.HorizonDays > 30 {
		l.Add("horizon_days", "must be between 1 and 30 working days, not %d", c.HorizonDays)
	}
	switch c.DigestDay {
	case "", "mon", "tue", "wed", "thu", "fri", "sat", "sun":
	default:
		l.Add("digest_day", "must be a weekday mon..sun (or empty for no digest), not %q", c.DigestDay)
	}
	return l.Err()
}
