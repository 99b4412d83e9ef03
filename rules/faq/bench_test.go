package faq

import (
	"testing"

	"github.com/liaisonhq/liaison/connectors"
)

// BenchmarkMatch runs 10,000 generated questions through the daemon's
// path (language identification, speech act, matching) against a
// generated 500-entry base (three questions per entry and language); one
// op is one question. The budget is 1 ms per question.
func BenchmarkMatch(b *testing.B) {
	benchAssess(b, NewIndex(syntheticBase(500, 7)))
}

// benchAssess runs 10,000 generated questions, ≈ 3,334 per language,
// through ix.Assess, one per op.
func benchAssess(b *testing.B, ix *Index) {
	var qs []string
	var langs []connectors.Language
	for _, e := range syntheticBase(3334, 11) {
		for _, lang := range connectors.Languages() {
			for _, q := range e.Questions[lang] {
				qs, langs = append(qs, q), append(langs, lang)
			}
		}
	}
	qs, langs = qs[:10000], langs[:10000]
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for i := range b.N {
		ix.Assess(qs[i%len(qs)], langs[i%len(qs)], 1)
	}
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkNewIndex builds the 500-entry index, as a config load does.
func BenchmarkNewIndex(b *testing.B) {
	base := syntheticBase(500, 7)
	b.ReportAllocs()
	start := cpuTime()
	for range b.N {
		NewIndex(base)
	}
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkMatchLearned is BenchmarkMatch with nine learned phrasings per
// entry and language added (13,500 in all: years of clicks at a busy
// agency) to the 500-entry base.
func BenchmarkMatchLearned(b *testing.B) {
	base := syntheticBase(500, 7)
	var learned []Learned
	for _, seed := range []uint64{13, 17, 19} {
		for ei, e := range syntheticBase(500, seed) {
			for lang, qs := range e.Questions {
				for _, q := range qs {
					learned = append(learned, Learned{ID: int64(len(learned) + 1), Entry: base[ei].ID, Lang: lang, Text: q})
				}
			}
		}
	}
	benchAssess(b, NewIndex(WithLearned(base, learned)))
}
