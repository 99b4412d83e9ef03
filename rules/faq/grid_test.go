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

// blindTuning are the blind sets that were measured and reported once and
// then used for tuning.
var blindTuning = []string{"blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9"}

// tuneParamsFromEnv returns the shipped parameters with those named in
// the FAQ_* variables of TestTuneQuick overridden.
func tuneParamsFromEnv() faq.TuneParams {
	p := faq.DefaultTuneParams()
	fmt.Sscan(os.Getenv("FAQ_ACT"), &p.ActPenalty)
	fmt.Sscan(os.Getenv("FAQ_SHORT"), &p.ShortTerms)
	fmt.Sscan(os.Getenv("FAQ_NEG"), &p.NegMargin)
	fmt.Sscan(os.Getenv("FAQ_NONE"), &p.NoneMargin)
	fmt.Sscan(os.Getenv("FAQ_TOPK"), &p.TopK)
	fmt.Sscan(os.Getenv("FAQ_EXW"), &p.ExampleWeight)
	fmt.Sscan(os.Getenv("FAQ_GAMMA"), &p.CalGamma)
	fmt.Sscan(os.Getenv("FAQ_CREF"), &p.CalRef)
	fmt.Sscan(os.Getenv("FAQ_CMAX"), &p.CalMax)
	fmt.Sscan(os.Getenv("FAQ_MINSH"), &p.MinShared)
	fmt.Sscan(os.Getenv("FAQ_WEAKONCE"), &p.WeakOnce)
	fmt.Sscan(os.Getenv("FAQ_ANSW"), &p.AnswerWeight)
	fmt.Sscan(os.Getenv("FAQ_SHPOOL"), &p.SharedPooled)
	fmt.Sscan(os.Getenv("FAQ_SHSTRONG"), &p.SharedStrong)
	fmt.Sscan(os.Getenv("FAQ_BARE"), &p.Bare)
	fmt.Sscan(os.Getenv("FAQ_RIVAL"), &p.RivalPenalty)
	fmt.Sscan(os.Getenv("FAQ_WEAK"), &p.WeakWeight)
	fmt.Sscan(os.Getenv("FAQ_CONCEPTS"), &p.ConceptWeight)
	return p
}

// TestTuneAll is the tuning aid of the eighth round: with the parameters
// of tuneParamsFromEnv, at the default threshold (or FAQ_TH), it prints
// right / suggested / answerable for the shipped base and its
// two-phrasing version on all tuning files together and on blind3–9
// together, per language, Russian from Ukrainian clients ("ru<uk") apart.
// FAQ_V=full or two lists the blind sets' confusions. It runs only with
// FAQ_GRID=1.
func TestTuneAll(t *testing.T) {
	if os.Getenv("FAQ_GRID") == "" {
		t.Skip("set FAQ_GRID=1 to run the tuning aid")
	}
	th := faq.DefaultConfig().Threshold
	fmt.Sscan(os.Getenv("FAQ_TH"), &th)
	base := exampleBase
	if f := os.Getenv("FAQ_BASE"); f != "" {
		base = f
	}
	full := loadBase(t, base)
	p := tuneParamsFromEnv()
	var blind []string
	for _, d := range blindTuning {
		for _, l := range []string{"ru", "uk", "en"} {
			blind = append(blind, filepath.Join(d, "blind_"+l+".tsv"))
		}
	}
	for _, b := range []struct {
		name string
		es   *configs.FAQ
	}{{"full", full}, {"two", firstTwo(full)}} {
		ix := faq.NewTunedIndex(entriesOf(b.es), p, b.es.Synonyms...)
		for _, g := range []struct {
			name  string
			files []string
		}{{"tune", tuningFiles}, {"blind", blind}} {
			type cnt struct{ c, s, a int }
			res := map[string]*cnt{}
			var hist [12][3]int
			for _, f := range g.files {
				qs := readFile(t, filepath.Join("testdata", f))
				ev, err := faq.NewEvaluator(ix, qs, "")
				if err != nil {
					t.Fatal(err)
				}
				for i, q := range qs {
					k := string(q.Lang)
					if q.Lang == "ru" && strings.HasSuffix(f, "_uk.tsv") {
						k = "ru<uk"
					}
					if res[k] == nil {
						res[k] = &cnt{}
					}
					r := res[k]
					if q.Expected != faq.NoEntry {
						r.a++
					}
					if o := ev.Outcome(i); o.Asks() && len(o.Matches) > 0 && o.Matches[0].Score >= 0.2 {
						bin := min(int((o.Matches[0].Score-0.2)/0.05), len(hist)-1)
						switch {
						case q.Expected == faq.NoEntry:
							hist[bin][2]++
						case o.Matches[0].EntryID == q.Expected:
							hist[bin][0]++
						default:
							hist[bin][1]++
						}
					}
					m, ok := ev.Outcome(i).Suggestion(th)
					if ok {
						r.s++
						if m.EntryID == q.Expected {
							r.c++
						}
					}
					if os.Getenv("FAQ_V") == b.name && (g.name == "blind" || os.Getenv("FAQ_VT") != "") && (ok && m.EntryID != q.Expected || !ok && q.Expected != faq.NoEntry && os.Getenv("FAQ_MISS") != "") {
						got, sc := "-", 0.0
						if ok {
							got, sc = m.EntryID, m.Score
						} else if ms := ev.Outcome(i).Matches; len(ms) > 0 {
							got, sc = "("+ms[0].EntryID+")", ms[0].Score
						}
						t.Logf("  %s %s want %s got %s %.2f %q", f, k, q.Expected, got, sc, q.Question)
					}
				}
			}
			if os.Getenv("FAQ_HIST") != "" {
				t.Logf("%s %s best-entry score of asking messages, right / wrong / unanswerable per 0.05 bin from 0.20: %v", b.name, g.name, hist)
			}
			line := fmt.Sprintf("%s %s", b.name, g.name)
			totW := 0
			for _, k := range []string{"ru", "ru<uk", "uk", "en"} {
				if r := res[k]; r != nil {
					line += fmt.Sprintf("  %s %d/%d/%d P=%.3f R=%.3f", k, r.c, r.s, r.a, float64(r.c)/float64(max(1, r.s)), float64(r.c)/float64(max(1, r.a)))
					totW += r.s - r.c
				}
			}
			t.Log(line + fmt.Sprintf("  wrong=%d", totW))
		}
	}
}

// TestProbe prints the shipped base's best entries and the phrasing each
// matched for the message in FAQ_PROBE (language FAQ_LANG). Tuning aid.
func TestProbe(t *testing.T) {
	msg := os.Getenv("FAQ_PROBE")
	if msg == "" {
		t.Skip("set FAQ_PROBE to a message")
	}
	full := loadBase(t, exampleBase)
	b := full
	if os.Getenv("FAQ_TWO") != "" {
		b = firstTwo(full)
	}
	ix := faq.NewTunedIndex(entriesOf(b), tuneParamsFromEnv(), b.Synonyms...)
	o := ix.Assess(msg, connectors.Language(os.Getenv("FAQ_LANG")), 4)
	t.Logf("%s %v %v", o.Lang, o.Act, o.Terms)
	for _, m := range o.Matches {
		t.Logf("%-22s %.3f %q", m.EntryID, m.Score, m.Example)
	}
}
