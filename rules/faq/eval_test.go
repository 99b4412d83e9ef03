package faq_test

import (
	"fmt"
	"math"
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
	"tune3/tune3_ru.tsv", "tune3/tune3_uk.tsv", "tune3/tune3_en.tsv",
	"tune4/tune4_ru.tsv", "tune4/tune4_uk.tsv", "tune4/tune4_en.tsv",
	"tune5/tune5_ru.tsv", "tune5/tune5_uk.tsv", "tune5/tune5_en.tsv",
	"tune6/tune6_ru.tsv", "tune6/tune6_uk.tsv", "tune6/tune6_en.tsv",
	"tune7/tune7_ru.tsv", "tune7/tune7_uk.tsv", "tune7/tune7_en.tsv",
}

// goalP and goalR are the quality the shipped base must reach at the
// default threshold, per language, on the tuning files. twoP and twoR are
// floors for the two-phrasing base there, just under what it reaches
// (docs/FAQ.md has the figures): the goal of 0.95 and 0.60 is not reached
// on these files, which are dense with near misses, and the floors keep it
// from sliding further.
const (
	goalP, goalR = 0.95, 0.80
	twoP, twoR   = 0.86, 0.53
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
	if raceEnabled {
		t.Skip("a whole labelled file's measurement; nothing concurrent to check")
	}
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

// TestBlind measures the first frozen blind set, testdata/blind (written
// by someone who never saw the base, and never tuned on), with the shipped
// base and its two-phrasing version at the default threshold. It reports
// the figures docs/FAQ.md quotes; it skips when the files are absent.
func TestBlind(t *testing.T) {
	measureBlind(t, "blind", nil)
}

// TestBlind2 measures the second frozen blind set, testdata/blind2,
// written by someone else after the matcher's settings were fixed, the
// same way, and fails when a figure falls below the floor it was first
// measured at (docs/FAQ.md has them): the floors catch a regression, they
// are not the goal of precision 0.95 and recall 0.80 (0.60 with two
// phrasings).
func TestBlind2(t *testing.T) {
	measureBlind(t, "blind2", blind2Floors)
}

// TestBlind3 measures the third frozen blind set, testdata/blind3,
// written after the answers joined the matching and measured once, after
// the matcher's settings were fixed; its floors are its figures of
// 2026-12-03 (the first ones, raised where they have risen since).
func TestBlind3(t *testing.T) {
	measureBlind(t, "blind3", blind3Floors)
}

// blind3Floors are the figures of testdata/blind3 on 2026-12-03 (the
// first measured ones where they have not risen), per file, base and
// language, except Ukrainian precision with two phrasings, still under
// the first figure: one near miss more («… ламінат ціна … випали з першої сторінки») goes to
// cpc-cost once the concept lexicon joins «ціна» and «вартість», which
// wins more elsewhere (two-phrasing recall on blind3–7 in every language).
var blind3Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {0.985, 0.916},
	"blind_uk.tsv shipped base uk":  {1.000, 0.875},
	"blind_uk.tsv shipped base ru":  {0.944, 0.739},
	"blind_en.tsv shipped base en":  {0.950, 0.783},
	"blind_ru.tsv two phrasings ru": {0.972, 0.500},
	"blind_uk.tsv two phrasings uk": {0.966, 0.517},
	"blind_uk.tsv two phrasings ru": {1.000, 0.565},
	"blind_en.tsv two phrasings en": {0.833, 0.405},
}

// TestBlind4 measures the fourth frozen blind set, testdata/blind4,
// written before the keyboard folding, the one-word phrasings and the
// second round of synonyms, and measured once, after they were fixed.
func TestBlind4(t *testing.T) {
	measureBlind(t, "blind4", blind4Floors)
}

// blind4Floors are the figures of testdata/blind4 on 2026-12-03 (the
// first measured ones where they have not risen), per file, base and
// language, except English precision with the shipped base, 0.012 under
// the first figure: with the phrasings added on 2026-12-03 one message
// more ("where can I see what's been done this month and what's still
// pending") goes to report-when instead of task-status, while those
// phrasings add 29 right suggestions over the tuning files and blind3–8
// and take away 4 wrong ones.
var blind4Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {1.000, 0.884},
	"blind_uk.tsv shipped base uk":  {1.000, 0.883},
	"blind_uk.tsv shipped base ru":  {1.000, 0.884},
	"blind_en.tsv shipped base en":  {0.943, 0.858},
	"blind_ru.tsv two phrasings ru": {0.972, 0.461},
	"blind_uk.tsv two phrasings uk": {0.968, 0.516},
	"blind_uk.tsv two phrasings ru": {1.000, 0.538},
	"blind_en.tsv two phrasings en": {0.804, 0.474},
}

// TestBlind5 measures the fifth frozen blind set, testdata/blind5,
// written before the third tuning round (stated problems read as asking,
// more phrasings) and measured once, after it was fixed.
func TestBlind5(t *testing.T) {
	measureBlind(t, "blind5", blind5Floors)
}

// blind5Floors are the figures of testdata/blind5 on 2026-12-03, per
// file, base and language, all at or above the first measured ones.
var blind5Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {0.952, 0.821},
	"blind_uk.tsv shipped base uk":  {0.982, 0.933},
	"blind_uk.tsv shipped base ru":  {0.882, 0.750},
	"blind_en.tsv shipped base en":  {0.968, 0.835},
	"blind_ru.tsv two phrasings ru": {0.914, 0.438},
	"blind_uk.tsv two phrasings uk": {0.962, 0.433},
	"blind_uk.tsv two phrasings ru": {1.000, 0.650},
	"blind_en.tsv two phrasings en": {0.860, 0.506},
}

// TestBlind6 measures the sixth frozen blind set, written by a writer
// who saw only the entry ids and English answers, after the fourth tuning
// round; its floors are its figures of 2026-12-03, at or above the first.
func TestBlind6(t *testing.T) {
	measureBlind(t, "blind6", blind6Floors)
}

// blind6Floors are the figures of testdata/blind6 on 2026-12-03 (the
// first measured ones, raised where they have risen), per file, base and
// language.
var blind6Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {1.000, 0.885},
	"blind_uk.tsv shipped base uk":  {0.975, 0.780},
	"blind_uk.tsv shipped base ru":  {1.000, 0.818},
	"blind_en.tsv shipped base en":  {0.983, 0.855},
	"blind_ru.tsv two phrasings ru": {0.945, 0.500},
	"blind_uk.tsv two phrasings uk": {0.954, 0.420},
	"blind_uk.tsv two phrasings ru": {1.000, 0.454},
	"blind_en.tsv two phrasings en": {0.815, 0.449},
}

// TestBlind7 measures the seventh frozen blind set, written by a writer
// who saw only the entry ids and English answers, after the fifth tuning
// round (the concept lexicon); its floors are its figures of 2026-12-03,
// at or above the first.
func TestBlind7(t *testing.T) {
	measureBlind(t, "blind7", blind7Floors)
}

// blind7Floors are the figures of testdata/blind7 on 2026-12-03 (the
// first measured ones, raised where they have risen), per file, base and
// language, except Ukrainian precision with two phrasings, one message
// under its earlier figure: once «платити» / «платить» join paying,
// «в якій валюті можна платити? у нас є доларовий рахунок» goes to
// invoice-when (its «рахунок» is a bank account), while the same words
// add four right answers to the two-phrasing base over blind3–9.
var blind7Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {0.970, 0.904},
	"blind_uk.tsv shipped base uk":  {1.000, 0.867},
	"blind_uk.tsv shipped base ru":  {0.952, 0.909},
	"blind_en.tsv shipped base en":  {0.984, 0.863},
	"blind_ru.tsv two phrasings ru": {0.926, 0.520},
	"blind_uk.tsv two phrasings uk": {0.933, 0.528},
	"blind_uk.tsv two phrasings ru": {0.846, 0.500},
	"blind_en.tsv two phrasings en": {0.868, 0.452},
}

// TestBlind8 measures the eighth frozen blind set, written by a writer
// who saw only the entry ids and English answers, after the sixth tuning
// round (the wider concept lexicon); its floors are its figures of
// 2026-12-03, at or above the first (the set has since been used for
// tuning).
func TestBlind8(t *testing.T) {
	measureBlind(t, "blind8", blind8Floors)
}

// blind8Floors are the figures of testdata/blind8 on 2026-12-03 (the
// first measured ones, raised where they have risen), per file, base and
// language.
var blind8Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {0.960, 0.680},
	"blind_uk.tsv shipped base uk":  {0.894, 0.680},
	"blind_uk.tsv shipped base ru":  {1.000, 0.708},
	"blind_en.tsv shipped base en":  {0.983, 0.847},
	"blind_ru.tsv two phrasings ru": {0.866, 0.361},
	"blind_uk.tsv two phrasings uk": {0.882, 0.300},
	"blind_uk.tsv two phrasings ru": {1.000, 0.416},
	"blind_en.tsv two phrasings en": {0.717, 0.388},
}

// TestBlind9 measures testdata/blind9, written blind and frozen before
// the seventh tuning round finished, measured once after it and used for
// tuning since.
func TestBlind9(t *testing.T) {
	measureBlind(t, "blind9", blind9Floors)
}

// blind9Floors are the figures of testdata/blind9 on 2026-12-03 (the
// first measured ones, raised where they have risen; the set has since
// been used for tuning), per file, base and language.
var blind9Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {1.000, 0.859},
	"blind_uk.tsv shipped base uk":  {0.958, 0.938},
	"blind_uk.tsv shipped base ru":  {1.000, 0.913},
	"blind_en.tsv shipped base en":  {0.952, 0.833},
	"blind_ru.tsv two phrasings ru": {0.815, 0.436},
	"blind_uk.tsv two phrasings uk": {0.882, 0.612},
	"blind_uk.tsv two phrasings ru": {1.000, 0.782},
	"blind_en.tsv two phrasings en": {0.833, 0.416},
}

// blindFloor is the precision and recall a blind file is not to fall
// below with a base, without a language prior.
type blindFloor struct{ p, r float64 }

// blind2Floors are the first measured figures of testdata/blind2, per
// file, base and language.
var blind2Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {0.936, 0.656},
	"blind_uk.tsv shipped base uk":  {0.947, 0.765},
	"blind_uk.tsv shipped base ru":  {1.000, 0.809},
	"blind_en.tsv shipped base en":  {0.925, 0.746},
	"blind_ru.tsv two phrasings ru": {0.928, 0.388},
	"blind_uk.tsv two phrasings uk": {1.000, 0.361},
	"blind_uk.tsv two phrasings ru": {1.000, 0.666},
	"blind_en.tsv two phrasings en": {0.827, 0.358},
}

// measureBlind runs the blind files in testdata/dir through both bases,
// without a prior and with the file's language as the clients' prior,
// and checks the floors (keyed "file base lang", without a prior).
func measureBlind(t *testing.T, dir string, floors map[string]blindFloor) {
	if raceEnabled {
		t.Skip("a whole labelled file's measurement; nothing concurrent to check")
	}
	var names []string
	for _, l := range []string{"ru", "uk", "en"} {
		n := filepath.Join(dir, "blind_"+l+".tsv")
		if _, err := os.Stat(filepath.Join("testdata", n)); err == nil {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		t.Skip("no blind set in testdata/" + dir)
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
				e := ev.Score(th)
				logEval(t, n+" "+b.name+", "+how, e)
				if prior != "" {
					continue
				}
				for l, s := range e.Languages {
					key := filepath.Base(n) + " " + b.name + " " + string(l)
					if f, ok := floors[key]; ok && (s.Precision < f.p-1e-9 || s.Recall < f.r-1e-9) {
						t.Errorf("%s: precision %.3f, recall %.3f; below the measured %.3f and %.3f", key, s.Precision, s.Recall, f.p, f.r)
					}
				}
			}
		}
	}
}

// TestDefaultThresholdServesBothBases checks the calibration of the
// default threshold: on the tuning files, no other threshold from 0.20 to
// 0.70 gives a better mean, over the shipped base and its two-phrasing
// version, of the F0.5 of the weakest language (F0.5 weighs precision
// twice as much as recall, as `faq eval -sweep` does).
func TestDefaultThresholdServesBothBases(t *testing.T) {
	if raceEnabled {
		t.Skip("a whole labelled file's measurement; nothing concurrent to check")
	}
	full := loadBase(t, exampleBase)
	qs := readFiles(t, tuningFiles...)
	mean := map[float64]float64{}
	for _, b := range []*configs.FAQ{full, firstTwo(full)} {
		ev, err := faq.NewEvaluator(b.Index(), qs, "")
		if err != nil {
			t.Fatal(err)
		}
		pts, _ := ev.Sweep()
		for _, p := range pts {
			worst := 1.0
			for _, s := range p.Languages {
				f := 0.0
				if s.Precision+s.Recall > 0 {
					f = 1.25 * s.Precision * s.Recall / (0.25*s.Precision + s.Recall)
				}
				worst = min(worst, f)
			}
			mean[math.Round(p.Threshold*100)/100] += worst / 2
		}
	}
	def := faq.DefaultConfig().Threshold
	best, bestF := def, mean[def]
	for th, f := range mean {
		if f > bestF+0.002 {
			best, bestF = th, f
		}
	}
	for _, th := range []float64{0.30, 0.35, 0.38, 0.42, 0.46, 0.50} {
		t.Logf("%.2f: mean weakest-language F0.5 %.3f", th, mean[th])
	}
	t.Logf("default %.2f: mean weakest-language F0.5 %.3f; best %.2f: %.3f", def, mean[def], best, bestF)
	if best != def {
		t.Errorf("threshold %.2f serves both bases better than the default %.2f (%.3f against %.3f)", best, def, bestF, mean[def])
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

// TestBlind10 measures testdata/blind10, written blind and frozen before
// the eighth tuning round began, and measured once after it.
func TestBlind10(t *testing.T) {
	measureBlind(t, "blind10", blind10Floors)
}

// blind10Floors are the first measured figures of testdata/blind10, per
// file, base and language.
var blind10Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {0.948, 0.753},
	"blind_uk.tsv shipped base uk":  {0.928, 0.764},
	"blind_uk.tsv shipped base ru":  {0.900, 0.818},
	"blind_en.tsv shipped base en":  {0.928, 0.712},
	"blind_ru.tsv two phrasings ru": {0.848, 0.383},
	"blind_uk.tsv two phrasings uk": {0.833, 0.392},
	"blind_uk.tsv two phrasings ru": {0.916, 0.500},
	"blind_en.tsv two phrasings en": {0.718, 0.315},
}

// TestBlind11 measures testdata/blind11, written blind after the learning
// loop was built and frozen before it was measured, once.
func TestBlind11(t *testing.T) {
	measureBlind(t, "blind11", blind11Floors)
}

// blind11Floors are the first measured figures of testdata/blind11, per
// file, base and language.
var blind11Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {0.938, 0.802},
	"blind_uk.tsv shipped base uk":  {0.895, 0.826},
	"blind_uk.tsv shipped base ru":  {0.904, 0.826},
	"blind_en.tsv shipped base en":  {0.939, 0.815},
	"blind_ru.tsv two phrasings ru": {0.864, 0.421},
	"blind_uk.tsv two phrasings uk": {0.884, 0.442},
	"blind_uk.tsv two phrasings ru": {0.812, 0.565},
	"blind_en.tsv two phrasings en": {0.775, 0.407},
}

// TestBlind12 measures testdata/blind12, written blind with the matcher
// and base as blind11 measured them and frozen before it was measured,
// once.
func TestBlind12(t *testing.T) {
	measureBlind(t, "blind12", blind12Floors)
}

// blind12Floors are the first measured figures of testdata/blind12, per
// file, base and language.
var blind12Floors = map[string]blindFloor{
	"blind_ru.tsv shipped base ru":  {0.942, 0.868},
	"blind_uk.tsv shipped base uk":  {0.877, 0.796},
	"blind_uk.tsv shipped base ru":  {0.944, 0.772},
	"blind_en.tsv shipped base en":  {0.910, 0.802},
	"blind_ru.tsv two phrasings ru": {0.861, 0.407},
	"blind_uk.tsv two phrasings uk": {0.878, 0.537},
	"blind_uk.tsv two phrasings ru": {0.866, 0.590},
	"blind_en.tsv two phrasings en": {0.761, 0.421},
}
