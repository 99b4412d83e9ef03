package rules

import "github.com/liaisonhq/liaison/connectors"

// Wording is how a rule that brings its own copy words its findings for
// people, so that delivery renders them without knowing the rule's
// fields. Delivery looks a rule's Wording up by Finding.Rule.
type Wording interface {
	// Word returns f's wording in lang, or false when f lacks what the
	// copy needs; delivery then falls back to the finding's title. It is
	// called while a message is composed, possibly concurrently, and must
	// not do I/O.
	Word(f Finding, lang connectors.Language) (Worded, bool)
}

// Worded is a finding's wording in one language. Texts are plain:
// delivery escapes them for the chat's markup.
type Worded struct {
	// Headline says what happened in one line.
	Headline string
	// Subject is what a note about the finding (its resolution) names;
	// the headline when empty.
	Subject string
	// Fields are labelled details shown below the headline, in order.
	Fields []Labeled
}

// Labeled is one labelled detail of a worded finding.
type Labeled struct{ Label, Value string }
