package deliver_test

import (
	"testing"
	"time"

	"github.com/liaisonhq/liaison/rules"
	"github.com/liaisonhq/liaison/sync/deliver"
)

// A periodic run that finds what it found before writes nothing: the
// stored finding is left as it was (its LastSeen too) and counted
// unchanged.
func TestReconcileLeavesUnchangedFindingsUnwritten(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
	f := deliver.MakeFinding("deadline", "acme", "C/1", rules.SeverityWarning)
	first := h.clk.Now()
	h.reconcile("deadline", f)
	h.clk.Advance(time.Minute)
	res := h.reconcile("deadline", f)
	if res.Unchanged != 1 || res.New+res.Changed+res.Resolved+res.Planned != 0 {
		t.Fatalf("second run %+v, want one unchanged finding and nothing else", res)
	}
	got, err := h.st.GetFinding(t.Context(), f.Key)
	if err != nil {
		t.Fatal(err)
	}
	if !got.LastSeen.Equal(first) {
		t.Fatalf("LastSeen %v: the unchanged finding was written again", got.LastSeen)
	}
}

// ReconcileKeys records the findings of a few changed subjects and
// resolves the named keys they no longer produce, leaving every other
// finding of the rule open.
func TestReconcileKeysResolvesOnlyNamedKeys(t *testing.T) {
	h := newHarness(t, time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
	a := deliver.MakeFinding("deadline", "acme", "C/1", rules.SeverityWarning)
	b := deliver.MakeFinding("deadline", "acme", "C/2", rules.SeverityWarning)
	h.reconcile("deadline", a, b)
	h.clk.Advance(time.Minute)
	moved := a
	moved.Key = rules.Key("deadline", "acme", a.Subject, "due:2026-12-09")
	res, err := h.d.ReconcileKeys(t.Context(), "deadline", []rules.Finding{moved}, []string{a.Key, moved.Key}, h.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 || res.Resolved != 1 {
		t.Fatalf("ReconcileKeys %+v, want one new and one resolved", res)
	}
	for key, open := range map[string]bool{a.Key: false, moved.Key: true, b.Key: true} {
		f, err := h.st.GetFinding(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		if f.Open() != open {
			t.Errorf("finding %s open = %v, want %v", key, f.Open(), open)
		}
	}
}
