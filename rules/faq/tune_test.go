package faq_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
)

// TestTuneQuick is the tuning aid the matcher's constants were chosen
// with: it prints precision and recall of the shipped base and its
// two-phrasing version on the labelled files named in FAQ_FILES at a few
// thresholds, with the constants overridden from FAQ_ACT, FAQ_SHORT,
// FAQ_NEG, FAQ_NONE, FAQ_TOPK, FAQ_EXW, FAQ_GAMMA, FAQ_CREF, FAQ_CMAX,
// FAQ_MINSH, FAQ_ANSW, FAQ_BARE, FAQ_RIVAL, FAQ_WEAK and FAQ_CONCEPTS; FAQ_V=full or two also lists the confusions at FAQ_TH. It
// runs only with FAQ_TUNE=1, e.g.
//
//	FAQ_TUNE=1 FAQ_FILES="eval_ru.tsv fresh_ru.tsv" FAQ_GAMMA=0 go test ./rules/faq -run TestTuneQuick -v
func TestTuneQuick(t *testing.T) {
	if os.Getenv("FAQ_TUNE") == "" {
		t.Skip("set FAQ_TUNE=1 and FAQ_FILES to run the tuning aid")
	}
	// FAQ_FILES may name several groups of files, separated by ";",
	// each measured on its own.
	for _, group := range strings.Split(os.Getenv("FAQ_FILES"), ";") {
		if strings.TrimSpace(group) != "" {
			tuneQuick(t, strings.Fields(group))
		}
	}
}

func tuneQuick(t *testing.T, files []string) {
	entries := loadBase(t, exampleBase)
	var qs []faq.Labelled
	for _, f := range files {
		qs = append(qs, readFile(t, filepath.Join("testdata", f))...)
	}
	t.Logf("files: %s", strings.Join(files, " "))
	p := tuneParamsFromEnv()
	for _, b := range []struct {
		name string
		es   *configs.FAQ
	}{{"full", entries}, {"two", firstTwo(entries)}} {
		ix := faq.NewTunedIndex(entriesOf(b.es), p, b.es.Synonyms...)
		ev, err := faq.NewEvaluator(ix, qs, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range []float64{0.30, 0.34, 0.38, 0.42, 0.46, 0.50} {
			e := ev.Score(th)
			line := fmt.Sprintf("%s %.2f", b.name, th)
			for _, l := range connectors.Languages() {
				if s := e.Languages[l]; s != nil {
					line += fmt.Sprintf("  %s P=%.3f R=%.3f (%d/%d/%d)", l, s.Precision, s.Recall, s.Correct, s.Suggested, s.Answerable)
				}
			}
			t.Log(line)
		}
		if os.Getenv("FAQ_V") == b.name {
			th := 0.42
			fmt.Sscan(os.Getenv("FAQ_TH"), &th)
			for _, c := range ev.Score(th).Confusions {
				t.Logf("  %s %d want %s got %s %.2f %q", c.Lang, c.Line, c.Expected, c.Got, c.Score, c.Question)
			}
		}
	}
}

func entriesOf(b *configs.FAQ) []faq.Entry {
	var out []faq.Entry
	for _, e := range b.Entries {
		out = append(out, faq.Entry{ID: e.ID, Questions: e.Questions, Not: e.Not, Answers: e.Answers})
	}
	return out
}

// TestShortMessages measures the short-message rule on the tuning files:
// among messages of at most two terms, how many answerable ones each base
// gets right and how many wrong suggestions it makes, with the rule and
// without. docs/FAQ.md quotes it; it fails if the rule adds a wrong
// suggestion with the shipped base.
func TestShortMessages(t *testing.T) {
	full := loadBase(t, exampleBase)
	qs := readFiles(t, tuningFiles...)
	th := faq.DefaultConfig().Threshold
	for _, b := range []struct {
		name string
		base *configs.FAQ
	}{{"shipped base", full}, {"two phrasings", firstTwo(full)}} {
		var gain, cost int
		for _, short := range []int{0, faq.DefaultTuneParams().ShortTerms} {
			p := faq.DefaultTuneParams()
			p.ShortTerms = short
			ix := faq.NewTunedIndex(entriesOf(b.base), p, b.base.Synonyms...)
			var n, answerable, right, wrong int
			for _, q := range qs {
				o := ix.Assess(q.Question, "", 1)
				if len(o.Terms) > 2 {
					continue
				}
				n++
				if q.Expected != faq.NoEntry {
					answerable++
				}
				if m, ok := o.Suggestion(th); ok {
					if m.EntryID == q.Expected {
						right++
					} else {
						wrong++
					}
				}
			}
			t.Logf("%s, short-message rule for ≤ %d terms: %d short messages (%d answerable): %d right, %d wrong suggestions",
				b.name, short, n, answerable, right, wrong)
			if short == 0 {
				gain, cost = -right, -wrong
			} else {
				gain, cost = gain+right, cost+wrong
			}
		}
		t.Logf("%s: the rule adds %d right and %d wrong suggestions", b.name, gain, cost)
		if b.base == full && cost > 0 {
			t.Errorf("%s: the rule adds %d wrong suggestions", b.name, cost)
		}
	}
}
