package faq

import (
	"cmp"
	"slices"

	"github.com/liaisonhq/liaison/connectors"
)

// MaxLearned is how many learned phrasings an entry keeps per language
// and kind (phrasing or negative); the most recent win. A year of clicks
// at a busy agency stays within it for most entries, and it bounds the
// index of a base that is mostly clicked on one entry.
const MaxLearned = 150

// Learned is a phrasing the answer base learned from an account manager's
// click on a suggestion: the client's message becomes a phrasing of the
// entry when the AM posts the answer, and a negative phrasing of it (a
// `not:`) when the AM marks it "Not this one".
type Learned struct {
	// ID orders learned phrasings (the store's audit id) and names one
	// for `liaison faq forget`.
	ID int64 `json:"-"`
	// Entry is the suggested entry.
	Entry string `json:"entry"`
	// Lang is the language the message was matched in.
	Lang connectors.Language `json:"lang"`
	// Not marks a negative phrasing: the AM said the entry was wrong.
	Not bool `json:"not,omitempty"`
	// Text is the client's message without Slack markup.
	Text string `json:"text"`
	// Client is the client who wrote it.
	Client string `json:"client"`
	// Suggestion is the suggestion's key, which names the message.
	Suggestion string `json:"suggestion"`
}

// WithLearned returns entries with the learned phrasings added, in the
// order of their IDs: a phrasing to Learned, a negative to LearnedNot, in
// its language. A text the entry already holds (after normalisation) is not
// added again; a text learned both ways for one entry counts as what was
// learned last, since the later click is the AM's second thought. Learned
// phrasings of entries no longer in the base are ignored. entries is not
// modified.
func WithLearned(entries []Entry, learned []Learned) []Entry {
	if len(learned) == 0 {
		return entries
	}
	type key struct {
		entry string
		lang  connectors.Language
		norm  string
	}
	known := map[string]int{}
	have := map[key]bool{}
	for i, e := range entries {
		known[e.ID] = i
		for l, qs := range e.Questions {
			for _, q := range qs {
				have[key{e.ID, l, Normalize(q)}] = true
			}
		}
		for l, qs := range e.Not {
			for _, q := range qs {
				have[key{e.ID, l, Normalize(q)}] = true
			}
		}
	}
	// last holds, per entry, language and text, the latest learned one.
	last := map[key]Learned{}
	var order []key
	for _, lr := range learned {
		if _, ok := known[lr.Entry]; !ok || !lr.Lang.Valid() {
			continue
		}
		k := key{lr.Entry, lr.Lang, Normalize(lr.Text)}
		if k.norm == "" || have[k] {
			continue
		}
		if prev, ok := last[k]; !ok || prev.ID <= lr.ID {
			if !ok {
				order = append(order, k)
			}
			last[k] = lr
		}
	}
	type bucket struct {
		entry string
		lang  connectors.Language
		not   bool
	}
	kept := map[bucket][]Learned{}
	for _, k := range order {
		lr := last[k]
		b := bucket{lr.Entry, lr.Lang, lr.Not}
		kept[b] = append(kept[b], lr)
	}
	out := make([]Entry, len(entries))
	copy(out, entries)
	for b, ls := range kept {
		// The most recent MaxLearned, in ID order.
		slices.SortFunc(ls, func(a, b Learned) int { return cmp.Compare(a.ID, b.ID) })
		if len(ls) > MaxLearned {
			ls = ls[len(ls)-MaxLearned:]
		}
		i := known[b.entry]
		e := &out[i]
		target := &e.Learned
		if b.not {
			target = &e.LearnedNot
		}
		*target = cloneLangs(*target)
		for _, lr := range ls {
			(*target)[b.lang] = append((*target)[b.lang], lr.Text)
		}
	}
	return out
}

// cloneLangs copies m so that appending to it leaves the original alone
// (the caller's entries share their maps with the config).
func cloneLangs(m map[connectors.Language][]string) map[connectors.Language][]string {
	out := make(map[connectors.Language][]string, len(m)+1)
	for l, qs := range m {
		out[l] = qs[:len(qs):len(qs)]
	}
	return out
}
