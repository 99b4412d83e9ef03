package faq_test

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
	return scoreAt(bestOf(ix, lang, qs), qs, threshold)
}

// bestOf returns the best match for each question (Score 0 when none), so
// that a sweep scores many thresholds on one matching pass.
func bestOf(ix *faq.Index, lang connectors.Language, qs []labelled) []faq.Match {
	out := make([]faq.Match, len(qs))
	for i, q := range qs {
		if ms := ix.Match(q.Text, lang, 1); len(ms) > 0 {
			out[i] = ms[0]
		}
	}
	return out
}

func scoreAt(best []faq.Match, qs []labelled, threshold float64) score {
	var s score
	for i, q := range qs {
		if q.Want != "" {
			s.answerable++
		}
		m := best[i]
		if m.EntryID == "" || m.Score < threshold {
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
	{connectors.LanguageRussian, "eval_ru.tsv", 60, 0.857, 0.692},
	{connectors.LanguageEnglish, "eval_en.tsv", 60, 0.883, 0.730},
	{connectors.LanguageUkrainian, "eval_uk.tsv", 20, 0.857, 0.666},
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

// half returns the questions on odd-numbered lines of their file (the
// tuning half, odd true) or on even-numbered ones (the held-out half).
func half(qs []labelled, odd bool) []labelled {
	var out []labelled
	for _, q := range qs {
		if (q.Line%2 == 1) == odd {
			out = append(out, q)
		}
	}
	return out
}

// TestParamSweep searches the matcher's parameters and the threshold on the
// tuning half (odd lines) only, and prints the settings that reach the goal
// on every language there, best worst-case F1 first, with their held-out
// figures alongside for information. It only runs with FAQ_SWEEP=1.
func TestParamSweep(t *testing.T) {
	if os.Getenv("FAQ_SWEEP") == "" {
		t.Skip("set FAQ_SWEEP=1 to run the parameter sweep")
	}
	entries := loadBase(t, filepath.Join("testdata", "base.yaml"))
	ids := map[string]bool{}
	for _, e := range entries {
		ids[e.ID] = true
	}
	sets := map[connectors.Language][]labelled{}
	for _, set := range evalSets {
		sets[set.lang] = loadLabelled(t, filepath.Join("testdata", set.file), ids)
	}
	type result struct {
		line        string
		worst, mean float64
	}
	var res []result
	for _, rp := range []float64{0, 0.2, 0.3, 0.4, 0.5} {
		for _, ew := range []float64{0.5, 0.6, 0.7, 0.8} {
			for _, es := range []float64{0.5, 0.65, 0.8} {
				for _, v := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11} {
					wk := []float64{1, 0.5, 0.3}[v%3]
					pooled, strong := v/3%2 == 1, v/6 == 1
					p := faq.DefaultTuneParams()
					p.RivalPenalty, p.ExampleWeight, p.ExampleSide = rp, ew, es
					p.WeakWeight, p.SharedPooled, p.SharedStrong = wk, pooled, strong
					ix := faq.NewTunedIndex(entries, p)
					type halves struct {
						tq, hq []labelled
						tb, hb []faq.Match
					}
					hs := map[connectors.Language]halves{}
					for _, set := range evalSets {
						tq, hq := half(sets[set.lang], true), half(sets[set.lang], false)
						hs[set.lang] = halves{tq, hq, bestOf(ix, set.lang, tq), bestOf(ix, set.lang, hq)}
					}
					for th := 0.10; th < 0.56; th += 0.01 {
						worst, mean, ok := 1.0, 0.0, true
						line := fmt.Sprintf("rival=%.2f exW=%.2f exSide=%.2f weak=%.1f pooled=%v strong=%v th=%.2f", rp, ew, es, wk, pooled, strong, th)
						for _, set := range evalSets {
							h := hs[set.lang]
							tune, held := scoreAt(h.tb, h.tq, th), scoreAt(h.hb, h.hq, th)
							if tune.precision() < 0.9 || tune.recall() < 0.7 {
								ok = false
							}
							f := 2 * tune.precision() * tune.recall() / (tune.precision() + tune.recall())
							worst = min(worst, f)
							mean += f / float64(len(evalSets))
							line += fmt.Sprintf("  %s tune P=%.2f R=%.2f held P=%.2f R=%.2f", set.lang, tune.precision(), tune.recall(), held.precision(), held.recall())
						}
						if ok || os.Getenv("FAQ_SWEEP") == "all" {
							res = append(res, result{line, worst, mean})
						}
					}
				}
			}
		}
	}
	slices.SortStableFunc(res, func(a, b result) int {
		if c := cmp.Compare(b.worst, a.worst); c != 0 {
			return c
		}
		return cmp.Compare(b.mean, a.mean)
	})
	for i, r := range res {
		if i == 40 {
			break
		}
		t.Logf("worst F1 %.3f mean %.3f %s", r.worst, r.mean, r.line)
	}
	t.Logf("%d settings reach the goal on the tuning half", len(res))
}

// heldOutSets are the floors per half at the default threshold: the
// parameters were chosen on the tuning half (odd lines), so the held-out
// half (even lines) is the honest estimate of quality on new questions.
var heldOutSets = []struct {
	lang                       connectors.Language
	file                       string
	tuneP, tuneR, heldP, heldR float64
}{
	{connectors.LanguageRussian, "eval_ru.tsv", 0.894, 0.653, 0.826, 0.730},
	{connectors.LanguageEnglish, "eval_en.tsv", 0.904, 0.730, 0.863, 0.730},
	{connectors.LanguageUkrainian, "eval_uk.tsv", 0.857, 0.666, 0.857, 0.666},
}

// TestHeldOut reports precision and recall at the default threshold on the
// tuning half and the held-out half of each labelled set separately, and
// holds both to floors so that a change tuned on one half and losing on the
// other fails. -v prints the figures and the held-out misses.
func TestHeldOut(t *testing.T) {
	entries := loadBase(t, filepath.Join("testdata", "base.yaml"))
	ids := map[string]bool{}
	for _, e := range entries {
		ids[e.ID] = true
	}
	ix := faq.NewIndex(entries)
	threshold := faq.DefaultConfig().Threshold
	for _, set := range heldOutSets {
		t.Run(string(set.lang), func(t *testing.T) {
			qs := loadLabelled(t, filepath.Join("testdata", set.file), ids)
			tune := evaluate(ix, set.lang, half(qs, true), threshold)
			held := evaluate(ix, set.lang, half(qs, false), threshold)
			t.Logf("%s at threshold %.2f: tuning half (odd lines) %d answerable, precision %.3f, recall %.3f; held-out half (even lines) %d answerable, precision %.3f, recall %.3f",
				set.lang, threshold, tune.answerable, tune.precision(), tune.recall(), held.answerable, held.precision(), held.recall())
			for _, w := range held.wrong {
				t.Log("held out: " + w)
			}
			if tune.precision() < set.tuneP || tune.recall() < set.tuneR {
				t.Errorf("tuning half: precision %.3f, recall %.3f; want ≥ %.2f and ≥ %.2f", tune.precision(), tune.recall(), set.tuneP, set.tuneR)
			}
			if held.precision() < set.heldP || held.recall() < set.heldR {
				t.Errorf("held-out half: precision %.3f, recall %.3f; want ≥ %.2f and ≥ %.2f", held.precision(), held.recall(), set.heldP, set.heldR)
			}
		})
	}
}
