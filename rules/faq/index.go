package faq

import (
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// params are the matcher's tunable constants. They were chosen on the
// odd-numbered lines of the labelled questions in testdata and checked on
// the even-numbered ones (see docs/FAQ.md and eval_test.go); a struct
// rather than constants so that the tuning test can sweep them.
type params struct {
	// k1 and b are BM25's: the usual k1, and a length normalisation a
	// little below the usual 0.75 because example questions are all short
	// and a long one is rarely long by verbosity alone.
	k1, b float64
	// exampleSide weighs, in the normalised score against one example,
	// how much of the example the question covers against how much of the
	// question the example covers: a chatty question carries words no
	// example has, and should lose less for them than for missing the
	// example's own words.
	exampleSide float64
	// exampleWeight mixes the best example's score with the share of the
	// question found anywhere in the entry (all its examples and its
	// answer), which catches questions combining words of several
	// phrasings or using the answer's vocabulary.
	exampleWeight float64
	// minShared is how many distinct question terms an entry must share:
	// one shared word ("работает", "report") is never enough.
	minShared int
	// rivalPenalty is how much of the best other entry's score is taken
	// off an entry's score. Neighbouring entries (campaign status and ad
	// approval, task status and site changes) share words; when two
	// entries score alike the question is ambiguous and a wrong
	// suggestion likely, so a close call must clear the threshold by more.
	rivalPenalty float64
	// weakWeight scales the idf of weak words (question words, modals:
	// "почему", "можно", "how", "can"): they tell how something is asked
	// more than what about, and many entries share them.
	weakWeight float64
	// sharedPooled counts minShared over the whole entry (examples and
	// answer) rather than its examples only; sharedStrong leaves weak
	// words out of the count.
	sharedPooled, sharedStrong bool
	// coverAnswers counts the answer's words in the entry's coverage. An
	// answer speaks of neighbouring topics ("the Work sheet of your
	// report"), so its words can pull a question towards the wrong entry.
	coverAnswers bool
	// topK is how many of an entry's best example scores are averaged
	// (an example sharing nothing counts as 0; an entry with fewer
	// examples averages over those it has): an entry that several
	// examples match is a safer bet than one whose single short example
	// happens to share two words with the question.
	topK int
}

// defaultParams are the chosen values.
func defaultParams() params {
	return params{
		k1:            1.2,
		b:             0.6,
		exampleSide:   0.8,
		exampleWeight: 0.7,
		minShared:     2,
		rivalPenalty:  0,
		weakWeight:    1,
		coverAnswers:  true,
		topK:          3,
	}
}

// Entry is one answer-base entry as the matcher sees it (configs.FAQEntry
// without the YAML concerns; configs imports this package, not the reverse).
type Entry struct {
	ID        string
	Questions map[connectors.Language][]string
	Answers   map[connectors.Language]string
}

// Match is one entry's score for a question.
type Match struct {
	// EntryID is the matched entry.
	EntryID string
	// Score is the normalised score in [0, 1] that the threshold applies to.
	Score float64
	// BM25 is the raw Okapi BM25 score of the best example question.
	BM25 float64
	// Example is the entry's example question that scored best.
	Example string
}

// Index is the answer base prepared for matching: one BM25 index per
// language over the entries' example questions. Build it once per config
// load; it is read-only afterwards and safe for concurrent use.
type Index struct {
	entries []Entry
	p       params
	langs   map[connectors.Language]*langIndex
	pooled  map[connectors.Language]*langIndex
}

type langIndex struct {
	p      params
	docs   []doc
	df     map[string]int
	post   map[string][]posting // term → docs containing it
	avgLen float64
	// unknownIDF weighs a query word no example contains: as rare as a
	// word can be, so a question mostly about something else scores low.
	unknownIDF float64
	weak       map[string]bool // stems of weak words
	// examples counts each entry's example questions in this language.
	examples map[int]int
}

type posting struct {
	doc int32
	tfw float64 // the BM25 term-frequency factor of the term in doc
}

type doc struct {
	entry int
	text  string
	tf    map[string]int
	len   int
	self  float64 // BM25 of the document against itself
}

// NewIndex indexes entries' example questions per language.
func NewIndex(entries []Entry) *Index {
	return newIndex(entries, defaultParams())
}

func newIndex(entries []Entry, p params) *Index {
	ix := &Index{entries: entries, p: p, langs: map[connectors.Language]*langIndex{}, pooled: map[connectors.Language]*langIndex{}}
	for _, lang := range connectors.Languages() {
		var qs, ps []doc
		for ei, e := range entries {
			pool := doc{entry: ei, tf: map[string]int{}}
			for _, q := range e.Questions[lang] {
				d := newDoc(ei, q, lang)
				if d.len > 0 {
					qs = append(qs, d)
				}
				pool.add(q, lang)
			}
			if p.coverAnswers {
				pool.add(e.Answers[lang], lang)
			}
			if pool.len > 0 {
				ps = append(ps, pool)
			}
		}
		if li := newLangIndex(qs, p, lang); li != nil {
			ix.langs[lang] = li
		}
		if li := newLangIndex(ps, p, lang); li != nil {
			ix.pooled[lang] = li
		}
	}
	return ix
}

func newDoc(entry int, text string, lang connectors.Language) doc {
	d := doc{entry: entry, text: text, tf: map[string]int{}}
	d.add(text, lang)
	return d
}

func (d *doc) add(text string, lang connectors.Language) {
	for _, w := range strings.Fields(Normalize(text)) {
		for _, t := range wordTerms(w, lang) {
			d.tf[t]++
			d.len++
		}
	}
}

func newLangIndex(docs []doc, p params, lang connectors.Language) *langIndex {
	if len(docs) == 0 {
		return nil
	}
	li := &langIndex{p: p, weak: weakStems(lang), docs: docs, df: map[string]int{}, post: map[string][]posting{}, examples: map[int]int{}}
	total := 0
	for _, d := range docs {
		for t := range d.tf {
			li.df[t]++
		}
		total += d.len
		li.examples[d.entry]++
	}
	li.avgLen = float64(total) / float64(len(li.docs))
	for i, d := range docs {
		for t, n := range d.tf {
			li.post[t] = append(li.post[t], posting{doc: int32(i), tfw: li.tfPart(n, float64(d.len))})
		}
	}
	li.unknownIDF = li.idfOf(0)
	for i := range li.docs {
		d := &li.docs[i]
		for t, n := range d.tf {
			d.self += li.idf(t) * li.tfPart(n, float64(d.len))
		}
	}
	return li
}

// Entries returns the indexed entries in their original order.
func (ix *Index) Entries() []Entry { return ix.entries }

// Entry returns the entry with id, or false.
func (ix *Index) Entry(id string) (Entry, bool) {
	for _, e := range ix.entries {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

func (li *langIndex) idfOf(df int) float64 {
	n := float64(len(li.docs))
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

func (li *langIndex) idf(t string) float64 {
	df, ok := li.df[t]
	w := li.unknownIDF
	if ok {
		w = li.idfOf(df)
	}
	if li.weak[t] {
		w *= li.p.weakWeight
	}
	return w
}

func (li *langIndex) tfPart(tf int, length float64) float64 {
	f := float64(tf)
	k1, b := li.p.k1, li.p.b
	return f * (k1 + 1) / (f + k1*(1-b+b*length/li.avgLen))
}

// Match scores text (a question in lang) against every entry and returns
// at most n entries with a positive score, best first.
//
// The score is BM25 normalised like a cosine: BM25(q, d) divided by the
// geometric mean of the question's and the example's BM25 against
// themselves. Raw BM25 grows with the idf scale, which depends on the size
// of each language's base and on how many words the question has; the
// ratio does not, so one threshold holds for ru, uk and en. Words of the
// question no example contains count in its self-score at the highest idf,
// so a question that is mostly about something else scores low even if it
// shares a word with an example.
func (ix *Index) Match(text string, lang connectors.Language, n int) []Match {
	return ix.MatchTerms(Terms(text, lang), lang, n)
}

// MatchTerms is Match on terms already computed by Terms.
func (ix *Index) MatchTerms(terms []string, lang connectors.Language, n int) []Match {
	li := ix.langs[lang]
	if li == nil || len(terms) == 0 || n <= 0 {
		return nil
	}
	qSelf := 0.0
	for _, t := range terms {
		qSelf += li.idf(t) * li.tfPart(1, float64(len(terms)))
	}
	// Dense accumulators: a question touches a fair share of a small
	// base, and slices beat maps at that.
	raw := make([]float64, len(li.docs))
	touched := make([]int32, 0, 64)
	hits := make([]uint64, len(ix.entries)) // bit i: the entry has terms[i]
	shared := li
	if pl := ix.pooled[lang]; ix.p.sharedPooled && pl != nil {
		shared = pl
	}
	for ti, t := range terms {
		w := li.idf(t)
		bit := uint64(1) << (ti % 64)
		for _, p := range li.post[t] {
			if raw[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			raw[p.doc] += w * p.tfw
		}
		if ix.p.sharedStrong && li.weak[t] {
			continue
		}
		for _, p := range shared.post[t] {
			hits[shared.docs[p.doc].entry] |= bit
		}
	}
	best := make([]int32, len(ix.entries))
	score := make([]float64, len(ix.entries))
	for i := range best {
		best[i] = -1
	}
	k := max(ix.p.topK, 1)
	var tops []float64 // k best example scores per entry, when k > 1
	if k > 1 {
		tops = make([]float64, k*len(ix.entries))
	}
	for _, di := range touched {
		d := &li.docs[di]
		r := raw[di]
		s := math.Pow(r/d.self, ix.p.exampleSide) * math.Pow(r/qSelf, 1-ix.p.exampleSide)
		if s > 1 {
			s = 1
		}
		if tops != nil {
			insertTop(tops[d.entry*k:(d.entry+1)*k], s)
		}
		if b := best[d.entry]; b < 0 || s > score[d.entry] || (s == score[d.entry] && r > raw[b]) {
			best[d.entry], score[d.entry] = di, s
		}
	}
	if tops != nil {
		for ei := range score {
			sum := 0.0
			for _, v := range tops[ei*k : (ei+1)*k] {
				sum += v
			}
			// An entry with fewer than k examples is not held to
			// agreement it cannot show.
			score[ei] = sum / float64(max(1, min(k, li.examples[ei])))
		}
	}
	var cov []float64
	if pl := ix.pooled[lang]; pl != nil {
		cov = pl.coverage(terms, len(ix.entries))
	}
	var out []Match
	for ei, b := range best {
		if b < 0 || bits.OnesCount64(hits[ei]) < ix.p.minShared {
			continue
		}
		s := score[ei]
		if cov != nil {
			s = ix.p.exampleWeight*s + (1-ix.p.exampleWeight)*cov[ei]
		}
		out = append(out, Match{EntryID: ix.entries[ei].ID, Score: s, BM25: raw[b], Example: li.docs[b].text})
	}
	ix.penaliseRivals(out)
	slices.SortFunc(out, func(a, b Match) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.EntryID, b.EntryID)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// insertTop keeps top, sorted best first, as the len(top) best of the
// scores seen and s.
func insertTop(top []float64, s float64) {
	for i, v := range top {
		if s > v {
			copy(top[i+1:], top[i:len(top)-1])
			top[i] = s
			return
		}
	}
}

// penaliseRivals takes rivalPenalty times the best other entry's score off
// each entry's score. The best entry stays best, since the others lose its
// score, the highest.
func (ix *Index) penaliseRivals(ms []Match) {
	if ix.p.rivalPenalty == 0 || len(ms) < 2 {
		return
	}
	top, second := 0, -1.0
	for i, m := range ms[1:] {
		switch {
		case m.Score > ms[top].Score:
			top, second = i+1, ms[top].Score
		case m.Score > second:
			second = m.Score
		}
	}
	first := ms[top].Score
	for i := range ms {
		rival := first
		if i == top {
			rival = second
		}
		ms[i].Score = max(0, ms[i].Score-ix.p.rivalPenalty*rival)
	}
}

// coverage returns, per entry, the idf-weighted share of the question's
// terms that the entry's pooled document (examples and answer) contains.
func (li *langIndex) coverage(terms []string, entries int) []float64 {
	out := make([]float64, entries)
	tot := 0.0
	for _, t := range terms {
		w := li.idf(t)
		tot += w
		for _, p := range li.post[t] {
			out[li.docs[p.doc].entry] += w
		}
	}
	for i := range out {
		out[i] /= tot
	}
	return out
}

// Best returns the best entry for text in lang if its score reaches
// threshold.
func (ix *Index) Best(text string, lang connectors.Language, threshold float64) (Match, bool) {
	ms := ix.Match(text, lang, 1)
	if len(ms) == 0 || ms[0].Score < threshold {
		return Match{}, false
	}
	return ms[0], true
}
