package faq_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/rules/faq"
)

// TestAblateConcepts is the tuning aid the concept lexicon was pruned
// with: on the files in FAQ_FILES, at the default threshold, it prints the
// right and wrong suggestions of the shipped base and its two-phrasing
// version without the lexicon, with it, and with it less each one line
// (FAQ_ONLYALL=1 skips those; FAQ_CONCEPTS sets the concept weight). It
// runs only with FAQ_ABLATE=1.
func TestAblateConcepts(t *testing.T) {
	if os.Getenv("FAQ_ABLATE") == "" {
		t.Skip()
	}
	full := loadBase(t, exampleBase)
	var qs []faq.Labelled
	for _, f := range strings.Fields(os.Getenv("FAQ_FILES")) {
		qs = append(qs, readFile(t, filepath.Join("testdata", f))...)
	}
	cs := faq.Concepts()
	run := func(skip int) (int, int, int, int) {
		var out [4]int
		for bi, b := range [][]faq.Entry{entriesOf(full), entriesOf(firstTwo(full))} {
			p := faq.DefaultTuneParams()
			var syn [][]string
			for i, g := range cs {
				if i != skip {
					syn = append(syn, g)
				}
			}
			p.ConceptGroups = syn
			if skip == -2 {
				p.ConceptWeight = 0
			}
			fmt.Sscan(os.Getenv("FAQ_CONCEPTS"), &p.ConceptWeight)
			ix := faq.NewTunedIndex(b, p, full.Synonyms...)
			ev, err := faq.NewEvaluator(ix, qs, "")
			if err != nil {
				t.Fatal(err)
			}
			e := ev.Score(faq.DefaultConfig().Threshold)
			for _, s := range e.Languages {
				out[bi*2] += s.Correct
				out[bi*2+1] += s.Suggested - s.Correct
			}
		}
		return out[0], out[1], out[2], out[3]
	}
	a, b, c, d := run(-2)
	t.Logf("none: full %d/%d two %d/%d", a, b, c, d)
	a0, b0, c0, d0 := run(-1)
	t.Logf("all: full %d/%d two %d/%d", a0, b0, c0, d0)
	if os.Getenv("FAQ_ONLYALL") != "" {
		return
	}
	for i, g := range cs {
		a, b, c, d := run(i)
		t.Logf("without %-30s full %+d/%+d two %+d/%+d", strings.Join(g[:min(3, len(g))], " "), a-a0, b-b0, c-c0, d-d0)
	}
}
