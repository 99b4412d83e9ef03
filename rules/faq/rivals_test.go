package faq

import "testing"

// TestPenaliseRivals checks the margin rule the sweep evaluates: every
// entry loses a share of its best rival's score, so a close call drops
// more than a clear winner and the order is kept.
func TestPenaliseRivals(t *testing.T) {
	ix := &Index{p: params{rivalPenalty: 0.5}}
	ms := []Match{{EntryID: "b", Score: 0.4}, {EntryID: "a", Score: 0.8}, {EntryID: "c", Score: 0.1}}
	ix.penaliseRivals(ms)
	want := map[string]float64{"a": 0.8 - 0.5*0.4, "b": 0.4 - 0.5*0.8, "c": 0}
	for _, m := range ms {
		if d := m.Score - want[m.EntryID]; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: score %.3f, want %.3f", m.EntryID, m.Score, want[m.EntryID])
		}
	}
	tie := []Match{{EntryID: "a", Score: 0.6}, {EntryID: "b", Score: 0.6}}
	ix.penaliseRivals(tie)
	if tie[0].Score != 0.3 || tie[1].Score != 0.3 {
		t.Errorf("tied entries: scores %.3f and %.3f, want 0.3 each (a tie is as ambiguous as it gets)", tie[0].Score, tie[1].Score)
	}
	off := &Index{p: params{}}
	one := []Match{{EntryID: "a", Score: 0.6}, {EntryID: "b", Score: 0.5}}
	off.penaliseRivals(one)
	if one[0].Score != 0.6 || one[1].Score != 0.5 {
		t.Errorf("penalty off changed scores: %+v", one)
	}
}
