package faq

import (
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// Match scores text (a message in lang) against every entry and returns
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
	return ix.matchTerms(ix.Terms(text, lang), lang, SpeechAct(text, lang), n)
}

// actFactor is how much of an example's score stays when the message does
// act and the example does ex.
func (p params) actFactor(act, ex Act) float64 {
	if act == ex || act == ActNone || ex == ActNone {
		return 1
	}
	if act == ActRequest || ex == ActRequest || (act == ActWhy && ex == ActWhen) || (act == ActWhen && ex == ActWhy) {
		return 1 - p.actPenalty
	}
	return 1
}

func (ix *Index) matchTerms(terms []string, lang connectors.Language, act Act, n int) []Match {
	li := ix.langs[lang]
	if li == nil || len(terms) == 0 || n <= 0 {
		return nil
	}
	qSelf := 0.0
	strong := 0
	for _, t := range terms {
		qSelf += li.idf(t) * li.tfPart(1, float64(len(terms)))
		if !li.weak[t] {
			strong++
		}
	}
	// Dense accumulators: a question touches a fair share of a small
	// base, and slices beat maps at that.
	raw := make([]float64, len(li.docs))
	touched := make([]int32, 0, 64)
	hits := make([]uint64, len(ix.entries)) // bit i: the entry has terms[i]
	rare := make([]bool, len(ix.entries))   // the entry alone has one of the terms
	var known uint64                        // bit i: some entry has strong terms[i]
	shared := li
	if pl := ix.pooled[lang]; ix.p.sharedPooled && pl != nil {
		shared = pl
	}
	// has[doc] == ti+1: the phrasing has terms[ti] itself (an array
	// stamp instead of a lookup in the phrasing's term map).
	has := make([]int32, len(li.docs))
	for ti, t := range terms {
		w := li.idf(t)
		bit := uint64(1) << (ti % 64)
		for _, p := range li.post[t] {
			if raw[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			raw[p.doc] += w * p.tfw
			has[p.doc] = int32(ti + 1)
		}
		// A phrasing with another word of t's concept, and not t
		// itself, gets t at the concept's lower weight.
		c, hasC := li.concept[t]
		if hasC {
			cw := w * ix.p.conceptWeight
			for _, p := range li.cpost[c] {
				if has[p.doc] == int32(ti+1) {
					continue
				}
				d := &li.docs[p.doc]
				if raw[p.doc] == 0 {
					touched = append(touched, p.doc)
				}
				raw[p.doc] += cw * p.tfw
				if !d.neg && !(ix.p.sharedStrong && li.weak[t]) {
					hits[d.entry] |= bit
					if !li.weak[t] {
						known |= bit
					}
				}
			}
		}
		if ix.p.sharedStrong && li.weak[t] {
			continue
		}
		for _, p := range shared.post[t] {
			if d := &shared.docs[p.doc]; !d.neg {
				hits[d.entry] |= bit
				if !li.weak[t] {
					known |= bit
				}
				if li.owners[t] == 1 && !li.weak[t] {
					rare[d.entry] = true
				}
			}
		}
	}
	best := make([]int32, len(ix.entries))
	score := make([]float64, len(ix.entries))
	negBest := make([]float64, len(ix.entries)+1) // the last: "none of these"
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
		s = min(s, 1)
		if d.neg {
			// A negative phrasing names a topic, whatever is asked of it.
			negBest[d.entry] = max(negBest[d.entry], s)
			continue
		}
		s *= ix.p.actFactor(act, d.act)
		if tops != nil {
			insertTop(tops[d.entry*k:(d.entry+1)*k], s)
		}
		if b := best[d.entry]; b < 0 || s > score[d.entry] || (s == score[d.entry] && r > raw[b]) {
			best[d.entry], score[d.entry] = di, s
		}
	}
	// A message at least as close to one of an entry's negative phrasings
	// as to its own is about something else.
	none := negBest[len(ix.entries)]
	for ei, b := range best {
		if b < 0 {
			continue
		}
		if (negBest[ei] > 0 && negBest[ei] >= score[ei]-ix.p.negMargin) || (none > 0 && none >= score[ei]+ix.p.noneMargin) {
			best[ei] = -1
		}
	}
	if tops != nil {
		if ix.p.answerWeight > 0 {
			// The answer is one more example: it may enter the k best,
			// but an entry is not held to it, so the average stays over
			// the phrasings alone.
			got := make([]float64, len(ix.entries))
			// own[ei] == ti+1: entry ei's answer has terms[ti] itself.
			own := make([]int32, len(ix.entries))
			qIDF := 0.0
			for ti, t := range terms {
				w := li.idf(t)
				qIDF += w
				for _, ei := range ix.answers[lang][t] {
					got[ei] += w
					own[ei] = int32(ti + 1)
				}
				if c, ok := li.concept[t]; ok {
					for _, ei := range ix.ansConcept[lang][c] {
						if own[ei] != int32(ti+1) {
							got[ei] += w * ix.p.conceptWeight
						}
					}
				}
			}
			for ei, b := range best {
				if b >= 0 && got[ei] > 0 {
					insertTop(tops[ei*k:(ei+1)*k], ix.p.answerWeight*got[ei]/qIDF)
				}
			}
		}
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
	bare := ix.bareEntry(lang, li, terms, strong)
	var weakBits uint64 // bit i: terms[i] is weak
	for ti, t := range terms {
		if li.weak[t] {
			weakBits |= uint64(1) << (ti % 64)
		}
	}
	var out []Match
	for ei, b := range best {
		if b < 0 {
			continue
		}
		// One shared word is never enough, unless the message is short,
		// the word belongs to this entry alone and no other strong word
		// of the message points elsewhere.
		s := score[ei]
		if cov != nil {
			s = ix.p.exampleWeight*s + (1-ix.p.exampleWeight)*cov[ei]
		}
		s = ix.calibrate(s, lang, ei)
		m := Match{EntryID: ix.entries[ei].ID, Score: s, BM25: raw[b], Example: li.docs[b].text}
		n := bits.OnesCount64(hits[ei])
		if ix.p.weakOnce {
			// Question words and viewing verbs ("где посмотреть",
			// "where can I see") say how, not what: together they
			// count as one shared word.
			if w := bits.OnesCount64(hits[ei] & weakBits); w > 1 {
				n -= w - 1
			}
		}
		if n < ix.p.minShared && ei != bare &&
			(n == 0 || strong > ix.p.shortTerms || !rare[ei] || hits[ei]&known != known) {
			continue
		}
		out = append(out, m)
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

// bareEntry returns the entry whose one-word phrasing is the message's
// single strong term ("Отчёт?", "Invoice?"), or -1: a base says what a
// bare word means by listing it as a phrasing of one entry.
func (ix *Index) bareEntry(lang connectors.Language, li *langIndex, terms []string, strong int) int {
	if !ix.p.bare || strong != 1 {
		return -1
	}
	for _, t := range terms {
		if !li.weak[t] {
			if ei, ok := ix.bare[lang][t]; ok {
				return ei
			}
		}
	}
	return -1
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
	has := make([]int32, len(li.docs)) // has[doc] == ti+1: doc has terms[ti]
	tot := 0.0
	for ti, t := range terms {
		w := li.idf(t)
		tot += w
		for _, p := range li.post[t] {
			out[li.docs[p.doc].entry] += w
			has[p.doc] = int32(ti + 1)
		}
		if c, ok := li.concept[t]; ok {
			for _, p := range li.cpost[c] {
				if has[p.doc] != int32(ti+1) {
					out[li.docs[p.doc].entry] += w * li.p.conceptWeight
				}
			}
		}
	}
	for i := range out {
		out[i] /= tot
	}
	return out
}
