package faq_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
)

// labelled is one evaluation question: Want is the entry that answers it,
// empty when none does.
type labelled struct {
	Want, Text string
	Line       int
}

func loadBase(t testing.TB, path string) []faq.Entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Entries []struct {
			ID        string                           `yaml:"id"`
			Tags      []string                         `yaml:"tags"`
			Questions map[connectors.Language][]string `yaml:"questions"`
			Answers   map[connectors.Language]string   `yaml:"answers"`
		} `yaml:"entries"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	out := make([]faq.Entry, 0, len(doc.Entries))
	for _, e := range doc.Entries {
		out = append(out, faq.Entry{ID: e.ID, Questions: e.Questions, Answers: e.Answers})
	}
	return out
}

func loadLabelled(t testing.TB, path string, ids map[string]bool) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, text, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(text) == "" {
			t.Fatalf("%s:%d: want \"<entry id or ->\\t<question>\"", path, n)
		}
		if want == "-" {
			want = ""
		} else if !ids[want] {
			t.Fatalf("%s:%d: unknown entry %q", path, n, want)
		}
		out = append(out, labelled{Want: want, Text: text, Line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// score is precision and recall of suggestions at one threshold: a
// suggestion is made when the best entry reaches it; it is right when it
// is the labelled entry.
type score struct {
	suggested, right, answerable int
	wrong                        []string
}

func (s score) precision() float64 {
	if s.suggested == 0 {
		return 1
	}
	return float64(s.right) / float64(s.suggested)
}

func (s score) recall() float64 {
	if s.answerable == 0 {
		return 1
	}
	return float64(s.right) / float64(s.answerable)
}

func evaluate(ix *faq.Index, lang connectors.Language, qs []labelled, threshold float64) score {
	var s score
	for _, q := range qs {
		if q.Want != "" {
			s.answerable++
		}
		m, ok := ix.Best(q.Text, lang, threshold)
		if !ok {
			if q.Want != "" {
				s.wrong = append(s.wrong, fmt.Sprintf("line %d: missed %s: %q", q.Line, q.Want, q.Text))
			}
			continue
		}
		s.suggested++
		if m.EntryID == q.Want {
			s.right++
		} else {
			s.wrong = append(s.wrong, fmt.Sprintf("line %d: suggested %s (%.2f) for %q, want %q", q.Line, m.EntryID, m.Score, q.Text, q.Want))
		}
	}
	return s
}

var evalSets = []struct {
	lang connectors.Language
	file string
	min  int // questions the acceptance asks for
	// minP and minR are the floors at the default threshold.
	minP, minR float64
}{
	{connectors.LanguageRussian, "eval_ru.tsv", 60, 0.85, 0.69},
	{connectors.LanguageEnglish, "eval_en.tsv", 60, 0.88, 0.73},
	{connectors.LanguageUkrainian, "eval_uk.tsv", 20, 0.85, 0.66},
}

// TestEvaluation checks the matcher on the labelled questions against the
// evaluation base at the default threshold. The floors are the figures
// reached when the threshold was chosen (docs/FAQ.md), so that a change to
// normalisation, stemming or scoring that loses quality fails here; the
// goal (precision ≥ 0.9 with recall ≥ 0.7) is not reached yet. -v prints
// the figures and every miss.
func TestEvaluation(t *testing.T) {
	entries := loadBase(t, filepath.Join("testdata", "base.yaml"))
	ids := map[string]bool{}
	for _, e := range entries {
		ids[e.ID] = true
	}
	ix := faq.NewIndex(entries)
	threshold := faq.DefaultConfig().Threshold
	for _, set := range evalSets {
		t.Run(string(set.lang), func(t *testing.T) {
			qs := loadLabelled(t, filepath.Join("testdata", set.file), ids)
			none := 0
			for _, q := range qs {
				if q.Want == "" {
					none++
				}
			}
			if len(qs) < set.min || none*4 < len(qs) {
				t.Fatalf("%s has %d questions (%d unanswerable); want at least %d, a quarter or more unanswerable", set.file, len(qs), none, set.min)
			}
			s := evaluate(ix, set.lang, qs, threshold)
			t.Logf("%s at threshold %.2f: %d questions (%d answerable), %d suggested, precision %.3f, recall %.3f",
				set.lang, threshold, len(qs), s.answerable, s.suggested, s.precision(), s.recall())
			for _, w := range s.wrong {
				t.Log(w)
			}
			if s.precision() < set.minP || s.recall() < set.minR {
				t.Errorf("precision %.3f, recall %.3f; want ≥ %.2f and ≥ %.2f", s.precision(), s.recall(), set.minP, set.minR)
			}
		})
	}
}

// TestThresholdSweep prints precision and recall per language over a range
// of thresholds, the table docs/FAQ.md quotes. It only runs with
// FAQ_SWEEP=1, as a tuning aid.
func TestThresholdSweep(t *testing.T) {
	if os.Getenv("FAQ_SWEEP") == "" {
		t.Skip("set FAQ_SWEEP=1 to print the threshold sweep")
	}
	entries := loadBase(t, filepath.Join("testdata", "base.yaml"))
	ids := map[string]bool{}
	for _, e := range entries {
		ids[e.ID] = true
	}
	ix := faq.NewIndex(entries)
	for th := 0.15; th < 0.61; th += 0.05 {
		line := fmt.Sprintf("%.2f", th)
		for _, set := range evalSets {
			s := evaluate(ix, set.lang, loadLabelled(t, filepath.Join("testdata", set.file), ids), th)
			line += fmt.Sprintf("  %s P=%.3f R=%.3f", set.lang, s.precision(), s.recall())
		}
		t.Log(line)
	}
}
