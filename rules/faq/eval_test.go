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

// exampleBase is the answer base the evaluation runs against: the example
// Liaison ships (configs/examples/faq.yaml), so that the figures in
// docs/FAQ.md are those of the base an agency starts from.
var exampleBase = filepath.Join("..", "..", "configs", "examples", "faq.yaml")

// loadBase loads an answer base the way `liaison faq eval -faq` does.
func loadBase(t testing.TB, path string) *configs.FAQ {
	t.Helper()
	b, err := configs.LoadFAQ(path)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	return b
}

// firstTwo is the small base of an agency that wrote two phrasings per
// entry and language: the first two of each, no negative phrasings, no
// synonyms of its own.
func firstTwo(b *configs.FAQ) *configs.FAQ {
	out := &configs.FAQ{}
	for _, e := range b.Entries {
		e.Not = nil
		qs := map[connectors.Language][]string{}
		for l, q := range e.Questions {
			qs[l] = q[:min(2, len(q))]
		}
		e.Questions = qs
		out.Entries = append(out.Entries, e)
	}
	return out
}

func readFile(t testing.TB, path string) []faq.Labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := faq.ReadLabelled(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func readFiles(t testing.TB, names ...string) []faq.Labelled {
	var out []faq.Labelled
	for _, n := range names {
		out = append(out, readFile(t, filepath.Join("testdata", n))...)
	}
	return out
}

// tuningFiles are the labelled questions the matcher was tuned on, all
// written for the tests and kept apart from the base's phrasings.
var tuningFiles = []string{
	"eval_ru.tsv", "fresh_ru.tsv", "final_ru.tsv", "tune_ru.tsv",
	"eval_uk.tsv", "fresh_uk.tsv", "final_uk.tsv", "tune_uk.tsv",
	"eval_en.tsv", "fresh_en.tsv", "final_en.tsv", "tune_en.tsv",
	"tune2/tune2_ru.tsv", "tune2/tune2_uk.tsv", "tune2/tune2_en.tsv",
}

// goalP and goalR are the quality the shipped base must reach at the
// default threshold, per language, on the tuning files. twoP and twoR are
// floors for the two-phrasing base there, just under what it reaches
// (docs/FAQ.md has the figures): the goal of 0.95 and 0.60 is not reached
// on these files, which are dense with near misses, and the floors keep it
// from sliding further.
const (
	goalP, goalR = 0.95, 0.80
	twoP, twoR   = 0.82, 0.45
)

func logEval(t *testing.T, name string, e faq.Evaluation) {
	t.Helper()
	for _, l := range connectors.Languages() {
		if s := e.Languages[l]; s != nil {
			t.Logf("%s %s at %.2f: %d questions (%d answerable), %d suggested, %d correct: precision %.3f, recall %.3f",
				name, l, e.Threshold, s.Questions, s.Answerable, s.Suggested, s.Correct, s.Precision, s.Recall)
		}
	}
	if testing.Verbose() {
		for _, c := range e.Confusions {
			got := c.Got
			if got == "" {
				got = "(nothing)"
			}
			t.Logf("  %s line %d: %s want %s got %s %.2f %q", name, c.Line, c.Lang, c.Expected, got, c.Score, c.Question)
		}
	}
}

// TestEvaluation runs the tuning questions through the daemon's path at
// the default threshold against the shipped base and its two-phrasing
// version, and checks precision ≥ 0.95 and recall ≥ 0.80 per language
// with the shipped base, and the floors of the two-phrasing base. -v
// prints every miss and wrong suggestion.
func TestEvaluation(t *testing.T) {
	full := loadBase(t, exampleBase)
	qs := readFiles(t, tuningFiles...)
	th := faq.DefaultConfig().Threshold
	for _, b := range []struct {
		name   string
		base   *configs.FAQ
		minP   float64
		minR   float64
		prefix string
	}{{"shipped base", full, goalP, goalR, ""}, {"two phrasings", firstTwo(full), twoP, twoR, ""}} {
		ev, err := faq.NewEvaluator(b.base.Index(), qs, "")
		if err != nil {
			t.Fatal(err)
		}
		e := ev.Score(th)
		logEval(t, b.name, e)
		for l, s := range e.Languages {
			if s.Precision < b.minP || s.Recall < b.minR {
				t.Errorf("%s, %s: precision %.3f, recall %.3f; want ≥ %.2f and ≥ %.2f", b.name, l, s.Precision, s.Recall, b.minP, b.minR)
			}
		}
	}
}

// TestBlind measures the frozen blind sets in testdata/blind (written by
// someone who never saw the base, and never tuned on) with the shipped
// base and its two-phrasing version at the default threshold. It reports
// the figures docs/FAQ.md quotes; it skips when the files are absent.
func TestBlind(t *testing.T) {
	var names []string
	for _, l := range []string{"ru", "uk", "en"} {
		n := filepath.Join("blind", "blind_"+l+".tsv")
		if _, err := os.Stat(filepath.Join("testdata", n)); err == nil {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		t.Skip("no blind set in testdata/blind")
	}
	full := loadBase(t, exampleBase)
	th := faq.DefaultConfig().Threshold
	for _, n := range names {
		qs := readFiles(t, n)
		// The clients of a file write in its language: the daemon takes
		// that as the prior. faq eval -faq has no client and no prior.
		clientLang := connectors.Language(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(n), "blind_"), ".tsv"))
		for _, b := range []struct {
			name string
			base *configs.FAQ
		}{{"shipped base", full}, {"two phrasings", firstTwo(full)}} {
			for _, prior := range []connectors.Language{"", clientLang} {
				ev, err := faq.NewEvaluator(b.base.Index(), qs, prior)
				if err != nil {
					t.Fatal(err)
				}
				how := "no prior"
				if prior != "" {
					how = "client language " + string(prior)
				}
				logEval(t, n+" "+b.name+", "+how, ev.Score(th))
			}
		}
	}
}

// TestThresholdSweep prints the sweep of `liaison faq eval -sweep` on the
// tuning files for both bases. It only runs with FAQ_SWEEP=1.
func TestThresholdSweep(t *testing.T) {
	if os.Getenv("FAQ_SWEEP") == "" {
		t.Skip("set FAQ_SWEEP=1 to print the threshold sweep")
	}
	full := loadBase(t, exampleBase)
	qs := readFiles(t, tuningFiles...)
	for _, b := range []struct {
		name string
		base *configs.FAQ
	}{{"shipped", full}, {"two", firstTwo(full)}} {
		ev, err := faq.NewEvaluator(b.base.Index(), qs, "")
		if err != nil {
			t.Fatal(err)
		}
		pts, rec := ev.Sweep()
		for _, p := range pts {
			line := fmt.Sprintf("%s %.2f", b.name, p.Threshold)
			for _, l := range connectors.Languages() {
				if s := p.Languages[l]; s != nil {
					line += fmt.Sprintf("  %s P=%.3f R=%.3f", l, s.Precision, s.Recall)
				}
			}
			t.Log(line)
		}
		t.Logf("%s: recommended %.2f", b.name, rec)
	}
}

// TestReadLabelled checks the evaluation file format: the header, three
// fields, a known language, and errors naming the line.
func TestReadLabelled(t *testing.T) {
	good := "# comment\nlang\texpected\tquestion\nru\treport-when\tГде отчёт?\n\nen\tnone\tDo you do TikTok ads?\n"
	qs, err := faq.ReadLabelled(strings.NewReader(good), "good.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].Lang != connectors.LanguageRussian || qs[0].Expected != "report-when" || qs[0].Line != 3 ||
		qs[1].Expected != faq.NoEntry || qs[1].Question != "Do you do TikTok ads?" {
		t.Errorf("read %+v", qs)
	}
	for _, tt := range []struct{ in, want string }{
		{"want\tquestion\nru\tx\n", `bad.tsv:1: want the header line`},
		{"lang\texpected\tquestion\nru\treport-when\n", "bad.tsv:2: want three tab-separated fields"},
		{"lang\texpected\tquestion\nde\tnone\tWo ist der Bericht?\n", `bad.tsv:2: unknown language "de"`},
		{"lang\texpected\tquestion\nru\t\tГде отчёт?\n", "bad.tsv:2: empty expected entry"},
		{"", "bad.tsv: empty file"},
	} {
		if _, err := faq.ReadLabelled(strings.NewReader(tt.in), "bad.tsv"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadLabelled(%q) = %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}
