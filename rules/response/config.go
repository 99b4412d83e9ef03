// Package response is the rule that watches client messages left without a
// reply from the agency: after first_response of the account manager's
// working time it alerts the AM, after escalate_after the head. The clock
// runs only in the AM's working hours.
package response

import (
	"time"

	"github.com/liaisonhq/liaison/configs/field"
)

// Config is the rules.response block.
type Config struct {
	// Enabled turns the rule on.
	Enabled bool `yaml:"enabled"`
	// FirstResponse is how much of the AM's working time a client message may wait for a reply.
	FirstResponse time.Duration `yaml:"first_response"`
	// EscalateAfter is how much working time without a reply escalates to the head; at least first_response.
	EscalateAfter time.Duration `yaml:"escalate_after"`
}

// DefaultConfig returns the defaults from the design.
func DefaultConfig() Config {
	return Config{Enabled: true, FirstResponse: 2 * time.Hour, EscalateAfter: 4 * time.Hour}
}

// Validate reports every invalid setting.
func (c Config) Validate() error {
	var l field.List
	if err := field.CheckPositive(c.FirstResponse); err != nil {
		l.Add("first_response", "%v", err)
	}
	if err := field.CheckPositive(c.EscalateAfter); err != nil {
		l.Add("escalate_after", "%v", err)
	} else if c.EscalateAfter < c.FirstResponse {
		l.Add("escalate_after", "must not be shorter than first_response (%s)", c.FirstResponse)
	}
	return l.Err()
}
