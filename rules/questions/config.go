// Package questions is the rule that batches client questions an account
// manager forwards to a specialist (with a reaction or a button) into one
// Jira task per client, specialist and week, and tells the AM when the
// answers are ready to relay.
package questions

import (
	"regexp"

	"github.com/liaisonhq/liaison/configs/field"
)

var reactionRE = regexp.MustCompile(`^[a-z0-9_+'-]+$`)

// Config is the rules.questions block.
type Config struct {
	// Enabled turns the rule on.
	Enabled bool `yaml:"enabled"`
	// Reaction is the emoji name, without colons, an AM adds to forward a client message.
	Reaction string `yaml:"reaction"`
	// DueInDays is the due date of the batched Jira task, in working days after it is created.
	DueInDays int `yaml:"due_in_days" jsonschema:"minimum=1,maximum=30"`
}

// DefaultConfig returns the defaults from the design.
func DefaultConfig() Config {
	return Config{Enabled: true, Reaction: "question", DueInDays: 3}
}

// Validate reports every invalid setting.
func (c Config) Validate() error {
	var l field.List
	if !reactionRE.MatchString(c.Reaction) {
		l.Add("reaction", "must be an emoji name without colons, such as question, not %q", c.Reaction)
	}
	if c.DueInDays < 1 || c.DueInDays > 30 {
		l.Add("due_in_days", "must be between 1 and 30 working days, not %d", c.DueInDays)
	}
	return l.Err()
}
