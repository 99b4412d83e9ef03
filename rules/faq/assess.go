package faq

import "github.com/liaisonhq/liaison/connectors"

// Outcome is what the rule makes of one client message: the language it
// is written in, what kind of message it is, and how the entries rank. The
// daemon and `liaison faq eval` both get it from Assess, so the figures of
// an evaluation are the daemon's.
type Outcome struct {
	// Lang is the language the message is written in.
	Lang connectors.Language
	// Act is what the message does: asks a question, asks for something,
	// or neither.
	Act Act
	// Terms are the message's stems, stop words left out.
	Terms []string
	// Matches are the best entries, best first.
	Matches []Match
}

// Asks reports whether the message is a question or a request: only those
// get a suggestion or become candidates for the base.
func (o Outcome) Asks() bool { return o.Act != ActNone }

// Suggestion returns the entry to suggest at threshold: the best match,
// when the message asks something and the match reaches the threshold.
func (o Outcome) Suggestion(threshold float64) (Match, bool) {
	if !o.Asks() || len(o.Matches) == 0 || o.Matches[0].Score < threshold {
		return Match{}, false
	}
	return o.Matches[0], true
}

// Assess reads text as a client message: it identifies the language (the
// client's configured language, prior, tips the balance only when the text
// itself does not), the speech act, and ranks the n best entries.
func (ix *Index) Assess(text string, prior connectors.Language, n int) Outcome {
	stripped := StripMarkup(text)
	norm := normalizeStripped(stripped)
	lang := detectLanguage(norm, prior)
	o := Outcome{Lang: lang, Act: speechAct(stripped, lang), Terms: ix.termsOf(norm, lang)}
	o.Matches = ix.matchTerms(o.Terms, lang, o.Act, n)
	return o
}
