package faq

import "testing"

// TestEvaluatorScores checks the counting behind faq eval: a suggestion
// is right when it is the expected entry, a suggestion on an unanswerable
// question costs precision, a statement gets no suggestion (as in the
// daemon), and the confusions list the wrong ones and the misses.
func TestEvaluatorScores(t *testing.T) {
	ix := NewIndex(sanityBase())
	qs := []Labelled{
		{Lang: en, Expected: "report", Question: "When will the monthly report be ready?", Line: 2},
		{Lang: en, Expected: "budget", Question: "When will the monthly report be ready?", Line: 3},
		{Lang: en, Expected: NoEntry, Question: "Why did the invoice amount change?", Line: 4},
		{Lang: en, Expected: "invoice", Question: "The invoice amount changed.", Line: 5},
		{Lang: ru, Expected: "report", Question: "Когда будет отчёт за месяц?", Line: 6},
	}
	ev, err := NewEvaluator(ix, qs, "")
	if err != nil {
		t.Fatal(err)
	}
	e := ev.Score(0.42)
	enS, ruS := e.Languages[en], e.Languages[ru]
	if enS.Questions != 4 || enS.Answerable != 3 || enS.Suggested != 3 || enS.Correct != 1 {
		t.Fatalf("en: %+v", *enS)
	}
	if enS.Precision != 1.0/3 || enS.Recall != 1.0/3 || ruS.Precision != 1 || ruS.Recall != 1 {
		t.Errorf("en %+v, ru %+v", *enS, *ruS)
	}
	if len(e.Confusions) != 3 || e.Confusions[0].Line != 3 || e.Confusions[0].Got != "report" ||
		e.Confusions[1].Line != 4 || e.Confusions[2].Line != 5 || e.Confusions[2].Got != "" {
		t.Errorf("confusions %+v", e.Confusions)
	}
	if _, err := NewEvaluator(ix, []Labelled{{Lang: en, Expected: "nope", Question: "x", Line: 7}}, ""); err == nil {
		t.Error("an unknown expected entry was accepted")
	}
	pts, rec := ev.Sweep()
	if len(pts) != 51 || pts[0].Threshold != 0.20 || pts[50].Threshold != 0.70 || rec < 0.20 || rec > 0.70 {
		t.Errorf("sweep %d points, recommended %.2f", len(pts), rec)
	}
}
