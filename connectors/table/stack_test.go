package table

import "testing"

// TestStack: the second tab's rows, colour ranges and chart follow the
// first tab's rows and a blank line; widths take the widest.
func TestStack(t *testing.T) {
	a := Tab{Key: "summary", Name: "Summary", FrozenRows: 1, Rows: [][]Cell{{T("a")}, {T("b")}},
		Columns: []Column{{Width: 100}}, Changes: []ChangeColumn{{Column: 1, FirstRow: 1, LastRow: 1}}}
	b := Tab{Key: "ads", Name: "Ads", Rows: [][]Cell{{T("c")}, {T("d")}, {T("e")}},
		Columns: []Column{{Width: 80}, {Width: 120}},
		Charts:  []Chart{{HeaderRow: 0, LastRow: 2, AnchorRow: 0, AnchorColumn: 3}}}
	s := Stack("2026-11", "November 2026", []Tab{a, b})
	if s.Key != "2026-11" || s.Name != "November 2026" || s.FrozenRows != 0 {
		t.Errorf("stacked tab %q %q frozen %d", s.Key, s.Name, s.FrozenRows)
	}
	var texts []string
	for _, r := range s.Rows {
		if len(r) == 0 {
			texts = append(texts, "")
			continue
		}
		texts = append(texts, r[0].Text)
	}
	if got := len(texts); got != 6 || texts[2] != "" || texts[3] != "c" || texts[5] != "e" {
		t.Errorf("rows %q", texts)
	}
	if len(s.Columns) != 2 || s.Columns[0].Width != 100 || s.Columns[1].Width != 120 {
		t.Errorf("columns %+v", s.Columns)
	}
	if s.Changes[0].FirstRow != 1 || len(s.Charts) != 1 || s.Charts[0].HeaderRow != 3 || s.Charts[0].LastRow != 5 || s.Charts[0].AnchorRow != 3 {
		t.Errorf("changes %+v charts %+v", s.Changes, s.Charts)
	}
	if a.Changes[0].FirstRow != 1 || b.Charts[0].HeaderRow != 0 {
		t.Error("Stack changed its input")
	}
}
