package faq

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/connectors"
)

// NoEntry is the expected entry of a labelled question no entry answers.
const NoEntry = "none"

// Labelled is one question of an evaluation file.
type Labelled struct {
	// Lang is the language the question is written in.
	Lang connectors.Language
	// Expected is the entry that answers it, NoEntry when none does.
	Expected string
	// Question is the message as a client writes it.
	Question string
	// Line is its line in the file.
	Line int
}

// evalHeader is the first line of an evaluation file.
const evalHeader = "lang\texpected\tquestion"

// ReadLabelled reads an evaluation file: tab-separated, the header line
// "lang<TAB>expected<TAB>question", then one question a line. Blank lines
// and lines starting with # are skipped. name is used in errors.
func ReadLabelled(r io.Reader, name string) ([]Labelled, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var out []Labelled
	header := false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !header {
			if line != evalHeader {
				return nil, fmt.Errorf("%s:%d: want the header line %q, got %q", name, n, evalHeader, line)
			}
			header = true
			continue
		}
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || strings.TrimSpace(f[2]) == "" {
			return nil, fmt.Errorf("%s:%d: want three tab-separated fields: lang, expected entry id or %q, question", name, n, NoEntry)
		}
		lang := connectors.Language(strings.TrimSpace(f[0]))
		if !lang.Valid() {
			return nil, fmt.Errorf("%s:%d: unknown language %q (want ru, uk or en)", name, n, f[0])
		}
		exp := strings.TrimSpace(f[1])
		if exp == "" {
			return nil, fmt.Errorf("%s:%d: empty expected entry (use %q for a question no entry answers)", name, n, NoEntry)
		}
		out = append(out, Labelled{Lang: lang, Expected: exp, Question: f[2], Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if !header {
		return nil, fmt.Errorf("%s: empty file: want the header line %q", name, evalHeader)
	}
	return out, nil
}

// LangScore is precision and recall in one language.
type LangScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// Questions counts the questions, Answerable those an entry answers.
	Questions  int `json:"questions"`
	Answerable int `json:"answerable"`
	// Suggested counts the suggestions made, Correct the right ones.
	Suggested int `json:"suggested"`
	Correct   int `json:"correct"`
}

func (s *LangScore) finish() {
	s.Precision, s.Recall = 1, 1
	if s.Suggested > 0 {
		s.Precision = float64(s.Correct) / float64(s.Suggested)
	}
	if s.Answerable > 0 {
		s.Recall = float64(s.Correct) / float64(s.Answerable)
	}
}

// fHalf is F0.5: precision weighed twice as much as recall.
func (s LangScore) fHalf() float64 {
	if s.Precision+s.Recall == 0 {
		return 0
	}
	return 1.25 * s.Precision * s.Recall / (0.25*s.Precision + s.Recall)
}

// EntryScore is one entry's figures: how often it was expected, suggested
// and right.
type EntryScore struct {
	ID         string `json:"id"`
	Answerable int    `json:"answerable"`
	Suggested  int    `json:"suggested"`
	Correct    int    `json:"correct"`
}

// Confusion is a question the base got wrong: a wrong suggestion (Got is
// another entry) or a miss (Got is empty).
type Confusion struct {
	Line     int                 `json:"line"`
	Lang     connectors.Language `json:"lang"`
	Expected string              `json:"expected"`
	Got      string              `json:"got,omitempty"`
	Score    float64             `json:"score"`
	Question string              `json:"question"`
}

// SweepPoint is precision and recall per language at one threshold.
type SweepPoint struct {
	Threshold float64                            `json:"threshold"`
	Languages map[connectors.Language]*LangScore `json:"languages"`
}

// Evaluation is the result of running a base on labelled questions.
type Evaluation struct {
	Threshold  float64                            `json:"threshold"`
	Languages  map[connectors.Language]*LangScore `json:"languages"`
	Entries    []EntryScore                       `json:"entries"`
	Confusions []Confusion                        `json:"confusions"`
	// Sweep and Recommended are filled by Sweep.
	Sweep       []SweepPoint `json:"sweep,omitempty"`
	Recommended float64      `json:"recommended_threshold,omitempty"`
	// Learned is how many phrasings learned from clicks the base had
	// (`liaison faq eval -learned`).
	Learned int `json:"learned_phrasings,omitempty"`
}

// Evaluator runs labelled questions through the daemon's path (Assess)
// once and scores them at any threshold.
type Evaluator struct {
	qs  []Labelled
	out []Outcome
}

// NewEvaluator assesses every question against ix; prior is the language
// the daemon would take as the client's (empty: none). It fails on an
// expected entry the base does not have.
func NewEvaluator(ix *Index, qs []Labelled, prior connectors.Language) (*Evaluator, error) {
	ev := &Evaluator{qs: qs, out: make([]Outcome, len(qs))}
	for i, q := range qs {
		if q.Expected != NoEntry {
			if _, ok := ix.Entry(q.Expected); !ok {
				return nil, fmt.Errorf("line %d: expected entry %q is not in the answer base", q.Line, q.Expected)
			}
		}
		ev.out[i] = ix.Assess(q.Question, prior, 1)
	}
	return ev, nil
}

// Outcome returns what the daemon made of question i.
func (ev *Evaluator) Outcome(i int) Outcome { return ev.out[i] }

// Score scores the questions at threshold. A suggestion is made when the
// message asks something and its best entry reaches the threshold; it is
// correct when that entry is the expected one. Languages are those of the
// file's lang column.
func (ev *Evaluator) Score(threshold float64) Evaluation {
	e := Evaluation{Threshold: threshold, Languages: map[connectors.Language]*LangScore{}}
	entries := map[string]*EntryScore{}
	entry := func(id string) *EntryScore {
		if entries[id] == nil {
			entries[id] = &EntryScore{ID: id}
		}
		return entries[id]
	}
	for i, q := range ev.qs {
		ls := e.Languages[q.Lang]
		if ls == nil {
			ls = &LangScore{}
			e.Languages[q.Lang] = ls
		}
		ls.Questions++
		if q.Expected != NoEntry {
			ls.Answerable++
			entry(q.Expected).Answerable++
		}
		m, ok := ev.out[i].Suggestion(threshold)
		switch {
		case ok && m.EntryID == q.Expected:
			ls.Suggested++
			ls.Correct++
			entry(m.EntryID).Suggested++
			entry(m.EntryID).Correct++
		case ok:
			ls.Suggested++
			entry(m.EntryID).Suggested++
			e.Confusions = append(e.Confusions, Confusion{Line: q.Line, Lang: q.Lang, Expected: q.Expected, Got: m.EntryID, Score: round3(m.Score), Question: q.Question})
		case q.Expected != NoEntry:
			score := 0.0
			if ms := ev.out[i].Matches; len(ms) > 0 {
				score = round3(ms[0].Score)
			}
			e.Confusions = append(e.Confusions, Confusion{Line: q.Line, Lang: q.Lang, Expected: q.Expected, Score: score, Question: q.Question})
		}
	}
	for _, ls := range e.Languages {
		ls.finish()
	}
	for _, es := range entries {
		e.Entries = append(e.Entries, *es)
	}
	slices.SortFunc(e.Entries, func(a, b EntryScore) int { return strings.Compare(a.ID, b.ID) })
	return e
}

// Sweep scores thresholds from 0.20 to 0.70 in steps of 0.01 and returns
// them with the recommended threshold: the one with the best F0.5 (the
// harmonic mean of precision and recall that weighs precision twice: a
// wrong suggestion costs the account manager more than a miss) in the
// worst language. The lowest such threshold is taken on a tie.
func (ev *Evaluator) Sweep() ([]SweepPoint, float64) {
	var pts []SweepPoint
	best, bestF := 0.0, -1.0
	for i := 20; i <= 70; i++ {
		th := float64(i) / 100
		e := ev.Score(th)
		pts = append(pts, SweepPoint{Threshold: th, Languages: e.Languages})
		worst := 1.0
		for _, ls := range e.Languages {
			worst = min(worst, ls.fHalf())
		}
		if worst > bestF+1e-9 {
			best, bestF = th, worst
		}
	}
	return pts, best
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
