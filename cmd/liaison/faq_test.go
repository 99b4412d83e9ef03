package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/configs"
	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/rules/faq"
)

const (
	exampleFAQ = "../../configs/examples/faq.yaml"
	labelledRU = "../../rules/faq/testdata/final_ru.tsv"
)

func runFAQ(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = cmdFAQ(args, &out, &errb)
	return out.String(), errb.String(), code
}

// TestFAQEvalJSONMatchesGoTest checks that `faq eval -json` prints the
// issue's shape and the very figures the rules/faq tests compute for the
// same base and file (both run the daemon's Assess).
func TestFAQEvalJSONMatchesGoTest(t *testing.T) {
	out, errOut, code := runFAQ("eval", "-faq", exampleFAQ, "-json", labelledRU)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Threshold float64 `json:"threshold"`
		Languages map[string]struct {
			Precision float64 `json:"precision"`
			Recall    float64 `json:"recall"`
			Questions int     `json:"questions"`
			Suggested int     `json:"suggested"`
			Correct   int     `json:"correct"`
		} `json:"languages"`
		Entries    []json.RawMessage `json:"entries"`
		Confusions []json.RawMessage `json:"confusions"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decoding %s: %v", out, err)
	}
	base, err := configs.LoadFAQ(exampleFAQ)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(labelledRU)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := faq.ReadLabelled(f, labelledRU)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := faq.NewEvaluator(base.Index(), qs, "")
	if err != nil {
		t.Fatal(err)
	}
	want := ev.Score(faq.DefaultConfig().Threshold)
	w := want.Languages[connectors.LanguageRussian]
	g, ok := got.Languages["ru"]
	if got.Threshold != faq.DefaultConfig().Threshold || !ok || len(got.Languages) != 1 {
		t.Fatalf("got %+v", got)
	}
	if g.Precision != w.Precision || g.Recall != w.Recall || g.Questions != w.Questions || g.Suggested != w.Suggested || g.Correct != w.Correct {
		t.Errorf("faq eval says %+v, the library %+v", g, *w)
	}
	if g.Questions != len(qs) || len(got.Entries) == 0 {
		t.Errorf("questions %d (file has %d), %d entries", g.Questions, len(qs), len(got.Entries))
	}
}

// TestFAQEvalTextAndSweep checks the human output: the table per
// language, the entries, the misses, and with -sweep the thresholds and
// the recommendation; -threshold overrides the default.
func TestFAQEvalTextAndSweep(t *testing.T) {
	out, errOut, code := runFAQ("eval", "-faq", exampleFAQ, "-threshold", "0.5", "-sweep", labelledRU)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"at threshold 0.50", "lang  precision  recall", "ru ", "report-when", "     0.20", "     0.70", "recommended threshold for this base: 0."} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

// TestFAQEvalWithConfig evaluates through an agency config: its base and
// threshold.
func TestFAQEvalWithConfig(t *testing.T) {
	out, errOut, code := runFAQ("eval", "-config", exampleConfig, "-json", labelledRU)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"threshold": 0.42`) || !strings.Contains(out, `"ru": {`) {
		t.Errorf("output:\n%s", out)
	}
}

// TestFAQEvalRefusesBadInput: usage errors and bad files are reported with
// what is wrong and where, and exit 2.
func TestFAQEvalRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	unknown := write("unknown.tsv", "lang\texpected\tquestion\nru\tno-such-entry\tГде отчёт?\n")
	noHeader := write("noheader.tsv", "ru\treport-when\tГде отчёт?\n")
	badBase := write("faq.yaml", "entries:\n  - id: Bad\n    questions: {en: [x]}\n    answers: {en: y}\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", labelledRU}, "usage: liaison faq eval"},
		{[]string{"eval", "-faq", exampleFAQ, "-config", exampleConfig, labelledRU}, "usage: liaison faq eval"},
		{[]string{"eval", "-faq", exampleFAQ, unknown}, `line 2: expected entry "no-such-entry" is not in the answer base`},
		{[]string{"eval", "-faq", exampleFAQ, noHeader}, "noheader.tsv:1: want the header line"},
		{[]string{"eval", "-faq", badBase, labelledRU}, "entries[0].id"},
		{[]string{"eval", "-faq", exampleFAQ, "-threshold", "1.5", labelledRU}, "-threshold must be in (0, 1]"},
		{[]string{"eval", "-faq", exampleFAQ, filepath.Join(dir, "missing.tsv")}, "missing.tsv"},
	} {
		_, errOut, code := runFAQ(tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("faq %v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestFAQTestShowsKindAndLanguage: `faq test` prints the detected language
// and kind of message, and marks the suggestion.
func TestFAQTestShowsKindAndLanguage(t *testing.T) {
	out, errOut, code := runFAQ("test", "-config", exampleConfig, "Скиньте отчёт за прошлый месяц")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "language: ru  kind: request") || !strings.Contains(out, "* ") || !strings.Contains(out, "report-when") {
		t.Errorf("output:\n%s", out)
	}
}

// TestCheckConfigWarnsAboutThinEntries: an answer base with two phrasings
// per entry passes check-config, with a warning per entry and language its
// clients use, naming the entry.
func TestCheckConfigWarnsAboutThinEntries(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, exampleConfig, filepath.Join(dir, "agency.yaml"))
	copyFile(t, "testdata/faq.yaml", filepath.Join(dir, "faq.yaml"))
	var out, errb bytes.Buffer
	code := cmdCheckConfig([]string{"-config", filepath.Join(dir, "agency.yaml")}, &out, &errb)
	if code != exitOK {
		t.Fatalf("check-config exit %d:\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"ok (", "warning: faq.yaml: entry report-when has 2 phrasing(s) in ru", "entry seo-results-time has 2 phrasing(s) in uk"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
	out.Reset()
	copyFile(t, exampleFAQ, filepath.Join(dir, "faq.yaml"))
	if code := cmdCheckConfig([]string{"-config", filepath.Join(dir, "agency.yaml")}, &out, &errb); code != exitOK || strings.Contains(out.String(), "warning:") {
		t.Errorf("the shipped base: exit %d, output:\n%s", code, out.String())
	}
}
