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
	sl := sortLearned(entries, learned)
	out := make([]Entry, len(entries))
	copy(out, entries)
	for b, ls := range sl.kept {
		e := &out[sl.known[b.entry]]
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

// LearnedUse says what the matcher makes of a learned phrasing.
type LearnedUse string

// What the matcher makes of a learned phrasing (LearnedUses).
const (
	// LearnedInUse phrasings are matched like written ones.
	LearnedInUse LearnedUse = "in use"
	// LearnedReplaced ones were learned again for their entry, in the
	// same words, by a later click, which counts instead.
	LearnedReplaced LearnedUse = "replaced by a later click"
	// LearnedWritten ones are already in the base as written.
	LearnedWritten LearnedUse = "in faq.yaml"
	// LearnedOverCap ones are older than the MaxLearned most recent of
	// their entry, language and kind.
	LearnedOverCap LearnedUse = "over the cap"
	// LearnedNoEntry ones belong to an entry no longer in the base.
	LearnedNoEntry LearnedUse = "entry gone"
)

// LearnedUses returns, by ID, what WithLearned(entries, learned) makes
// of each learned phrasing, so that a head reviewing them sees which
// count.
func LearnedUses(entries []Entry, learned []Learned) map[int64]LearnedUse {
	return sortLearned(entries, learned).use
}

// learnedBucket is an entry's learned phrasings of one language and kind.
type learnedBucket struct {
	entry string
	lang  connectors.Language
	not   bool
}

// sortedLearned is learned phrasings sorted out against a base: those
// kept per bucket (in ID order, at most MaxLearned), the index of each
// entry by ID, and what became of each phrasing.
type sortedLearned struct {
	kept  map[learnedBucket][]Learned
	known map[string]int
	use   map[int64]LearnedUse
}

func sortLearned(entries []Entry, learned []Learned) sortedLearned {
	type key struct {
		entry string
		lang  connectors.Language
		norm  string
	}
	sl := sortedLearned{kept: map[learnedBucket][]Learned{}, known: map[string]int{}, use: map[int64]LearnedUse{}}
	have := map[key]bool{}
	for i, e := range entries {
		sl.known[e.ID] = i
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
		if _, ok := sl.known[lr.Entry]; !ok || !lr.Lang.Valid() {
			sl.use[lr.ID] = LearnedNoEntry
			continue
		}
		k := key{lr.Entry, lr.Lang, Normalize(lr.Text)}
		if k.norm == "" || have[k] {
			sl.use[lr.ID] = LearnedWritten
			continue
		}
		prev, ok := last[k]
		switch {
		case !ok:
			order = append(order, k)
		case prev.ID > lr.ID:
			sl.use[lr.ID] = LearnedReplaced
			continue
		default:
			sl.use[prev.ID] = LearnedReplaced
		}
		last[k] = lr
	}
	for _, k := range order {
		lr := last[k]
		b := learnedBucket{lr.Entry, lr.Lang, lr.Not}
		sl.kept[b] = append(sl.kept[b], lr)
	}
	for b, ls := range sl.kept {
		// The most recent MaxLearned, in ID order.
		slices.SortFunc(ls, func(a, b Learned) int { return cmp.Compare(a.ID, b.ID) })
		if len(ls) > MaxLearned {
			for _, lr := range ls[:len(ls)-MaxLearned] {
				sl.use[lr.ID] = LearnedOverCap
			}
			ls = ls[len(ls)-MaxLearned:]
		}
		for _, lr := range ls {
			sl.use[lr.ID] = LearnedInUse
		}
		sl.kept[b] = ls
	}
	return sl
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
