package faq

import (
	"math"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// params are the matcher's tunable constants, chosen on the labelled
// tuning messages in testdata (docs/FAQ.md, eval_test.go, tune_test.go); a
// struct rather than constants so that the tuning tests can vary them.
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
	// actPenalty is the share of an example's score lost when the message
	// and the example do different things: a request against a question
	// ("pause the campaign" against "why did the campaign stop?"), or a
	// why-question against a when-question.
	actPenalty float64
	// negMargin: an entry is dropped when one of its negative phrasings
	// scores at least its best own example's score minus negMargin.
	negMargin float64
	// shortTerms: a message with at most this many strong terms may match
	// an entry through one shared term, if no other entry has that term
	// (0 turns the rule off).
	shortTerms int
	// bare: a message with one strong term may match through it the one
	// entry that has a phrasing with that term alone ("Отчёт?" among the
	// phrasings of the entry on when the report comes).
	bare bool
	// noneMargin: an entry is dropped when a shipped near miss (a topic
	// bases rarely cover) scores at least its best example's score plus
	// noneMargin; 1 or more turns near misses off.
	noneMargin float64
	// calGamma and calRef calibrate an entry's score by how well its own
	// phrasings match each other (see selfRef): the score is multiplied by
	// (calRef / ref)^calGamma. 0 turns calibration off.
	calGamma, calRef float64
	// calMax bounds the calibration factor: an entry whose phrasings
	// share almost nothing has no reliable reference.
	calMax float64
	// weakOnce counts an entry's shared weak words as one shared word.
	weakOnce bool
	// conceptWeight is what a word of the message counts, as a share of
	// its weight, in a phrasing (or answer) that has another word of its
	// concept (Concepts: "урезать" in a message, "снизить" in a
	// phrasing) rather than the word itself or a synonym. A concept is
	// looser than a synonym group, so it counts less than the word; the
	// entries' self-references (calibration) stay on words alone. 0
	// turns the concept lexicon off.
	conceptWeight float64
	// concepts replaces the shipped concept lexicon when not nil (for
	// the tuning tests).
	concepts [][]string
	// answerWeight makes the entry's answer, in the message's language,
	// one more example among the topK averaged, scored as the
	// idf-weighted share of the message's terms it contains times
	// answerWeight (0 leaves the answer out). Any base has answers, so a
	// base with few phrasings gains their vocabulary ("GA4", "Search
	// Console", "retainer"); the low weight keeps an answer that speaks
	// of neighbouring topics from outweighing the phrasings.
	answerWeight float64
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
		actPenalty:    0.25,
		negMargin:     0,
		shortTerms:    2,
		bare:          true,
		weakOnce:      true,
		noneMargin:    0,
		calGamma:      0.5,
		calRef:        0.5,
		calMax:        2,
		answerWeight:  0.6,
		conceptWeight: 0.4,
	}
}

// Entry is one answer-base entry as the matcher sees it (configs.FAQEntry
// without the YAML concerns; configs imports this package, not the reverse).
type Entry struct {
	ID        string
	Questions map[connectors.Language][]string
	// Not are phrasings that look like the entry's but are not about it
	// ("can you add a TikTok campaign?" for an entry on launching Google
	// Ads campaigns): a message closer to one of them than to the entry's
	// own phrasings does not get the entry.
	Not     map[connectors.Language][]string
	Answers map[connectors.Language]string
	// Learned and LearnedNot are phrasings and negative phrasings learned
	// from the account managers' clicks (WithLearned). They match as the
	// others do, but an entry's calibration and coverage stay on the
	// phrasings its authors wrote: clicks crowd an entry with messages
	// that already matched it, which says nothing about how the next new
	// wording will, and bring the incidental words of chatty messages.
	Learned, LearnedNot map[connectors.Language][]string
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
	// canon maps a stem to its synonym group's first stem, per language.
	canon map[connectors.Language]map[string]string
	// refs are the entries' self-references per language (selfRefs).
	refs map[connectors.Language]map[int]float64
	// answers maps, per language, each term to the entries whose answer
	// has it.
	answers map[connectors.Language]map[string][]int32
	// concept maps, per language, a term to its concept (Concepts), and
	// ansConcept a concept to the entries whose answer has a term of it.
	concept    map[connectors.Language]map[string]string
	ansConcept map[connectors.Language]map[string][]int32
	// bare maps, per language, the term of each one-word phrasing
	// ("Отчёт?") to its entry, or to -1 when several entries list it.
	// One-word phrasings are not scored as documents: they would match
	// every message with the word.
	bare map[connectors.Language]map[string]int
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
	// owners counts the entries whose documents hold a term.
	owners map[string]int
	// positives counts the documents that are not negative phrasings.
	positives int
	// concept maps a term to its concept; cpost maps a concept to the
	// documents holding a term of it, with the BM25 term-frequency
	// factor of all its terms there.
	concept map[string]string
	cpost   map[string][]posting
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
	act   Act
	neg   bool // a "not:" phrasing
	// learned marks a phrasing learned from a click, which calibration
	// leaves out.
	learned bool
}

// NewIndex indexes entries' example questions per language. Each synonym
// group is a list of words meaning the same to the agency's clients
// ("лиды", "заявки", "обращения"); the shipped domain groups (Synonyms)
// always apply, and the groups given here are added to them.
func NewIndex(entries []Entry, synonyms ...[]string) *Index {
	return newIndex(entries, defaultParams(), synonyms)
}

func newIndex(entries []Entry, p params, synonyms [][]string) *Index {
	ix := &Index{entries: entries, p: p, langs: map[connectors.Language]*langIndex{},
		pooled: map[connectors.Language]*langIndex{}, canon: synonymMap(append(Synonyms(), synonyms...))}
	ix.concept = map[connectors.Language]map[string]string{}
	if p.conceptWeight > 0 {
		cs := p.concepts
		if cs == nil {
			cs = Concepts()
		}
		ix.concept = ix.conceptMap(cs)
	}
	ix.ansConcept = map[connectors.Language]map[string][]int32{}
	near := nearMissPhrasings()
	ix.answers = map[connectors.Language]map[string][]int32{}
	ix.bare = map[connectors.Language]map[string]int{}
	for _, lang := range connectors.Languages() {
		var qs, ps []doc
		ans := map[string][]int32{}
		ansC := map[string][]int32{}
		bare := map[string]int{}
		for ei, e := range entries {
			seenC := map[string]bool{}
			for _, t := range ix.Terms(e.Answers[lang], lang) {
				ans[t] = append(ans[t], int32(ei))
				if c, ok := ix.concept[lang][t]; ok && !seenC[c] {
					seenC[c] = true
					ansC[c] = append(ansC[c], int32(ei))
				}
			}
			pool := doc{entry: ei, tf: map[string]int{}}
			nOwn := len(e.Questions[lang])
			for i, q := range append(e.Questions[lang][:nOwn:nOwn], e.Learned[lang]...) {
				d := ix.newDoc(ei, q, lang)
				d.learned = i >= nOwn
				if t, ok := bareTerm(d, q); ok && p.bare {
					if o, seen := bare[t]; seen && o != ei {
						bare[t] = -1
					} else if !seen {
						bare[t] = ei
					}
					continue
				}
				if d.len > 0 {
					qs = append(qs, d)
				}
				// A learned phrasing's words stay out of the entry's
				// coverage: a chatty message clicked once would lend
				// every word of it to the entry.
				if !d.learned {
					ix.addText(&pool, q, lang)
				}
			}
			nOwn = len(e.Not[lang])
			for i, q := range append(e.Not[lang][:nOwn:nOwn], e.LearnedNot[lang]...) {
				if d := ix.newDoc(ei, q, lang); d.len > 0 {
					d.neg, d.learned = true, i >= nOwn
					qs = append(qs, d)
				}
			}
			if p.coverAnswers {
				ix.addText(&pool, e.Answers[lang], lang)
			}
			if pool.len > 0 {
				ps = append(ps, pool)
			}
		}
		// "None of these": the shipped near misses, as the negative
		// phrasings of an entry past the last.
		for _, q := range near[lang] {
			if d := ix.newDoc(len(entries), q, lang); d.len > 0 && p.noneMargin < 1 {
				d.neg = true
				qs = append(qs, d)
			}
		}
		ix.answers[lang] = ans
		ix.ansConcept[lang] = ansC
		ix.bare[lang] = bare
		if li := newLangIndex(qs, p, lang, ix.concept[lang]); li != nil {
			ix.langs[lang] = li
		}
		if li := newLangIndex(ps, p, lang, ix.concept[lang]); li != nil {
			ix.pooled[lang] = li
		}
	}
	ix.refs = map[connectors.Language]map[int]float64{}
	for lang := range ix.langs {
		ix.refs[lang] = ix.selfRefs(lang)
	}
	return ix
}

// bareTerm returns the term of a one-word phrasing.
func bareTerm(d doc, text string) (string, bool) {
	if len(d.tf) != 1 || len(strings.Fields(Normalize(text))) != 1 {
		return "", false
	}
	for t := range d.tf {
		return t, true
	}
	return "", false
}

func (ix *Index) newDoc(entry int, text string, lang connectors.Language) doc {
	d := doc{entry: entry, text: text, tf: map[string]int{}, act: SpeechAct(text, lang)}
	ix.addText(&d, text, lang)
	return d
}

func (ix *Index) addText(d *doc, text string, lang connectors.Language) {
	for _, w := range strings.Fields(Normalize(text)) {
		for _, t := range wordTerms(w, lang) {
			d.tf[ix.canonical(t, lang)]++
			d.len++
		}
	}
}

// canonical returns the term that stands for t's synonym group.
func (ix *Index) canonical(t string, lang connectors.Language) string {
	if c, ok := ix.canon[lang][t]; ok {
		return c
	}
	return t
}

// Terms returns the distinct terms of text in lang as the index sees
// them: Terms with each synonym replaced by its group's first word.
func (ix *Index) Terms(text string, lang connectors.Language) []string {
	return ix.termsOf(Normalize(text), lang)
}

func (ix *Index) termsOf(norm string, lang connectors.Language) []string {
	raw := termsOf(norm, lang)
	out := raw[:0:0]
	seen := make(map[string]bool, len(raw))
	for _, t := range raw {
		c := ix.canonical(t, lang)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

func newLangIndex(docs []doc, p params, lang connectors.Language, concept map[string]string) *langIndex {
	if len(docs) == 0 {
		return nil
	}
	li := &langIndex{p: p, weak: weakStems(lang), docs: docs, df: map[string]int{}, post: map[string][]posting{},
		examples: map[int]int{}, owners: map[string]int{}, concept: concept, cpost: map[string][]posting{}}
	total := 0
	owned := map[string]map[int]bool{}
	// Negative phrasings are scored like examples but do not shape the
	// statistics: the entries' scores stay what they are without them.
	positives := 0
	for _, d := range docs {
		if d.neg {
			continue
		}
		positives++
		for t := range d.tf {
			li.df[t]++
			if owned[t] == nil {
				owned[t] = map[int]bool{}
			}
			owned[t][d.entry] = true
		}
		total += d.len
		li.examples[d.entry]++
	}
	if positives == 0 {
		return nil
	}
	li.positives = positives
	for t, es := range owned {
		li.owners[t] = len(es)
	}
	li.avgLen = float64(total) / float64(positives)
	for i, d := range docs {
		ctf := map[string]int{}
		for t, n := range d.tf {
			li.post[t] = append(li.post[t], posting{doc: int32(i), tfw: li.tfPart(n, float64(d.len))})
			if c, ok := concept[t]; ok {
				ctf[c] += n
			}
		}
		for c, n := range ctf {
			li.cpost[c] = append(li.cpost[c], posting{doc: int32(i), tfw: li.tfPart(n, float64(d.len))})
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
	n := float64(li.positives)
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
