// Package faq is the rule that matches client questions against the
// agency's answer base (faq.yaml) and privately suggests the answer to the
// account manager; unmatched frequent questions go to the head weekly as
// candidates for the base.
package faq

import "github.com/liaisonhq/liaison/configs/field"

// Config is the rules.faq block.
type Config struct {
	// Enabled turns the rule on (it also needs agency.faq).
	Enabled bool `yaml:"enabled"`
	// Threshold is the minimum match score in (0, 1] for a suggestion.
	Threshold float64 `yaml:"threshold" jsonschema:"exclusiveMinimum=0,maximum=1"`
	// CandidateMinCount is how often an unmatched question must recur in a week to be proposed for the base.
	CandidateMinCount int `yaml:"candidate_min_count" jsonschema:"minimum=1"`
	// Learn makes the answer base learn from the account managers' clicks: a posted suggestion's message becomes a phrasing of its entry, a "Not this one" a negative phrasing (`liaison faq learned` lists them, `liaison faq forget` undoes one). Off for a client: that client's messages teach nothing; off at the top: learned phrasings are not used.
	Learn bool `yaml:"learn"`
}

// DefaultConfig returns the defaults. At the threshold 0.42 the shipped
// base keeps precision ≥ 0.95 in every language on the tuning messages in
// testdata with recall near 0.9. Scores are scaled per entry by how well
// its own phrasings match each other, which keeps a thinner base's scores
// on the same scale, though not its recall (docs/FAQ.md has the sweep and
// the blind figures; `liaison faq eval -sweep` recommends one per base).
func DefaultConfig() Config {
	return Config{Enabled: true, Threshold: 0.42, CandidateMinCount: 3, Learn: true}
}

// Validate reports every invalid setting.
func (c Config) Validate() error {
	var l field.List
	if !(c.Threshold > 0 && c.Threshold <= 1) {
		l.Add("threshold", "must be in (0, 1], not %g", c.Threshold)
	}
	if c.CandidateMinCount < 1 {
		l.Add("candidate_min_count", "must be at least 1, not %d", c.CandidateMinCount)
	}
	return l.Err()
}
