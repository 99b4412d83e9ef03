package faq

import (
	"math"
	"slices"

	"github.com/liaisonhq/liaison/connectors"
)

// selfRefs returns, per entry with two or more phrasings in lang, the
// mean score each of its phrasings gets against the entry's other
// phrasings (and its answer), as if a client had written it: how well a
// new way of asking can be expected to match this entry. An entry with
// two phrasings scores a true paraphrase far lower than one with
// twenty-four, since the paraphrase has fewer examples to resemble; the
// matcher divides by this reference so that a score means the same for
// both, and one threshold serves a small base and a large one.
func (ix *Index) selfRefs(lang connectors.Language) map[int]float64 {
	li, pl := ix.langs[lang], ix.pooled[lang]
	if li == nil {
		return nil
	}
	byEntry := map[int][]int{}
	for i, d := range li.docs {
		if !d.neg && !d.learned {
			byEntry[d.entry] = append(byEntry[d.entry], i)
		}
	}
	pooled := map[int]*doc{}
	if pl != nil {
		for i := range pl.docs {
			pooled[pl.docs[i].entry] = &pl.docs[i]
		}
	}
	k := max(ix.p.topK, 1)
	refs := map[int]float64{}
	for ei, ds := range byEntry {
		if len(ds) < 2 {
			continue
		}
		sum := 0.0
		for _, qi := range ds {
			q := &li.docs[qi]
			terms := make([]string, 0, len(q.tf))
			for t := range q.tf {
				terms = append(terms, t)
			}
			qSelf := 0.0
			for _, t := range terms {
				qSelf += li.idf(t) * li.tfPart(1, float64(len(terms)))
			}
			var scores []float64
			for _, di := range ds {
				if di == qi {
					continue
				}
				d := &li.docs[di]
				raw := 0.0
				for _, t := range terms {
					if n := d.tf[t]; n > 0 {
						raw += li.idf(t) * li.tfPart(n, float64(d.len))
					}
				}
				s := 0.0
				if raw > 0 {
					s = min(1, math.Pow(raw/d.self, ix.p.exampleSide)*math.Pow(raw/qSelf, 1-ix.p.exampleSide))
				}
				scores = append(scores, s)
			}
			slices.SortFunc(scores, func(a, b float64) int { return cmpDesc(a, b) })
			ke := min(k, len(scores))
			ex := 0.0
			for _, s := range scores[:ke] {
				ex += s
			}
			ex /= float64(ke)
			score := ex
			if p := pooled[ei]; p != nil {
				// Coverage by the entry without this phrasing.
				tot, got := 0.0, 0.0
				for _, t := range terms {
					w := pl.idf(t)
					tot += w
					if p.tf[t]-q.tf[t] > 0 {
						got += w
					}
				}
				if tot > 0 {
					score = ix.p.exampleWeight*ex + (1-ix.p.exampleWeight)*got/tot
				}
			}
			sum += score
		}
		refs[ei] = sum / float64(len(ds))
	}
	return refs
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// calibrate scales an entry's score in lang by its self-reference.
func (ix *Index) calibrate(s float64, lang connectors.Language, entry int) float64 {
	if ix.p.calGamma == 0 {
		return s
	}
	if r := ix.refs[lang][entry]; r > 0 {
		s *= min(ix.p.calMax, math.Pow(ix.p.calRef/r, ix.p.calGamma))
	}
	return min(s, 1)
}
