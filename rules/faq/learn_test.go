package faq_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
)

func TestWithLearned(t *testing.T) {
	own := []faq.Entry{{ID: "report-when",
		Questions: map[connectors.Language][]string{"ru": {"Когда будет отчёт?"}},
		Not:       map[connectors.Language][]string{"ru": {"Почему отчёт пустой?"}},
	}}
	learned := []faq.Learned{
		{ID: 1, Entry: "report-when", Lang: "ru", Text: "когда будет отчёт"},          // the entry's own phrasing, normalised
		{ID: 2, Entry: "gone", Lang: "ru", Text: "когда счёт"},                        // an entry no longer in the base
		{ID: 3, Entry: "report-when", Lang: "xx", Text: "when report"},                // no such language
		{ID: 4, Entry: "report-when", Lang: "ru", Text: "сводку за ноябрь пришлёте?"}, // a phrasing
		{ID: 5, Entry: "report-when", Lang: "ru", Text: "Сводку за ноябрь пришлёте"},  // the same again: kept once, as last written
		{ID: 6, Entry: "report-when", Lang: "en", Text: "numbers for Nov?"},
		{ID: 7, Entry: "report-when", Lang: "ru", Not: true, Text: "отчёт для налоговой"},
		{ID: 8, Entry: "report-when", Lang: "en", Not: true, Text: "numbers for nov"}, // second thoughts: now a negative
	}
	got := faq.WithLearned(own, learned)[0]
	if want := []string{"Сводку за ноябрь пришлёте"}; !slices.Equal(got.Learned["ru"], want) {
		t.Errorf("learned ru phrasings %q, want %q", got.Learned["ru"], want)
	}
	if len(got.Learned["en"]) != 0 || !slices.Equal(got.LearnedNot["en"], []string{"numbers for nov"}) {
		t.Errorf("a text learned as a phrasing and then rejected: phrasings %q, negatives %q; want it a negative only",
			got.Learned["en"], got.LearnedNot["en"])
	}
	if !slices.Equal(got.LearnedNot["ru"], []string{"отчёт для налоговой"}) {
		t.Errorf("learned ru negatives %q", got.LearnedNot["ru"])
	}
	if len(own[0].Questions["ru"]) != 1 || len(own[0].Not["ru"]) != 1 || own[0].Learned != nil {
		t.Errorf("WithLearned modified its input: %+v", own[0])
	}

	// The most recent MaxLearned per entry, language and kind are kept.
	var many []faq.Learned
	for i := range faq.MaxLearned + 5 {
		many = append(many, faq.Learned{ID: int64(i + 1), Entry: "report-when", Lang: "ru", Text: fmt.Sprintf("отчёт номер %d когда", i)})
	}
	kept := faq.WithLearned(own, many)[0].Learned["ru"]
	if len(kept) != faq.MaxLearned || kept[0] != "отчёт номер 5 когда" {
		t.Errorf("kept %d learned phrasings starting with %q; want %d from the sixth", len(kept), kept[0], faq.MaxLearned)
	}

	// What became of each, as liaison faq learned shows it.
	uses := faq.LearnedUses(own, learned)
	for id, want := range map[int64]faq.LearnedUse{
		1: faq.LearnedWritten, 2: faq.LearnedNoEntry, 3: faq.LearnedNoEntry, 4: faq.LearnedReplaced,
		5: faq.LearnedInUse, 6: faq.LearnedReplaced, 7: faq.LearnedInUse, 8: faq.LearnedInUse,
	} {
		if uses[id] != want {
			t.Errorf("learned phrasing %d: %q, want %q", id, uses[id], want)
		}
	}
	if uses := faq.LearnedUses(own, many); uses[5] != faq.LearnedOverCap || uses[6] != faq.LearnedInUse || len(uses) != len(many) {
		t.Errorf("over the cap: the fifth %q, the sixth %q, %d uses for %d phrasings", uses[5], uses[6], len(uses), len(many))
	}
}
