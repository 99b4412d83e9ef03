package reports_test

import (
	"bytes"
	"context"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors/table"
	"github.com/liaisonhq/liaison/sync/reports"
)

// commentaryTarget is acme's report with text as its commentary in
// Summary!A2, the cell the account manager may rewrite.
func commentaryTarget(text string, days int) reports.Target {
	t := clientTarget(acme(), days)
	sum := t.Workbook.Tab("summary")
	c := table.T(text)
	c.Keep = true
	sum.Rows = append(sum.Rows[:1], append([][]table.Cell{{c}}, sum.Rows[1:]...)...)
	sum.Columns = []table.Column{{Width: 260}, {Width: 140}, {Width: 100}}
	return t
}

// TestHandEditedCommentaryIsKept: Liaison writes the commentary cell only
// while it holds Liaison's last text. A person's edit survives the next
// refreshes and is logged; once the cell holds Liaison's last text again,
// Liaison writes there again. The cell is read only when the commentary
// changed; an unchanged refresh sends nothing.
func TestHandEditedCommentaryIsKept(t *testing.T) {
	e := newEnv(t)
	var logs bytes.Buffer
	p, err := reports.New(reports.Options{Sheets: e.sheet, Store: e.st, Clock: e.clk,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := p.Publish(ctx, commentaryTarget("Clicks rose by 10%.", 10))
	if err != nil {
		t.Fatal(err)
	}
	id := res.SpreadsheetID
	cell := func() any {
		t.Helper()
		snap, ok := e.fake.Spreadsheet(id)
		if !ok || snap.Sheet("Summary") == nil {
			t.Fatalf("no Summary tab in %s", id)
		}
		return snap.Sheet("Summary").Value("A2")
	}
	type step struct {
		name       string
		edit       *string // a person types this into A2 first
		text       string
		days       int
		wantCell   string
		wantGets   int // values.get requests
		wantWrites int
		wantKept   bool
	}
	str := func(s string) *string { return &s }
	steps := []step{
		{name: "first write", text: "Clicks rose by 10%.", days: 10, wantCell: "Clicks rose by 10%."},
		{name: "unchanged refresh", text: "Clicks rose by 10%.", days: 10, wantCell: "Clicks rose by 10%."},
		{name: "new commentary over Liaison's own text", text: "Clicks rose by 12%.", days: 11, wantCell: "Clicks rose by 12%.", wantGets: 1, wantWrites: 1},
		{name: "the AM rewrites it; other figures change, the commentary does not", edit: str("Our own words for the client."),
			text: "Clicks rose by 12%.", days: 12, wantCell: "Our own words for the client.", wantWrites: 1},
		{name: "new commentary over the AM's text", text: "Clicks rose by 15%.", days: 13, wantCell: "Our own words for the client.",
			wantGets: 1, wantWrites: 1, wantKept: true},
		{name: "unchanged refresh after keeping", text: "Clicks rose by 15%.", days: 13, wantCell: "Our own words for the client."},
		{name: "the AM puts Liaison's text back: Liaison resumes", edit: str("Clicks rose by 12%."),
			text: "Clicks rose by 20%.", days: 14, wantCell: "Clicks rose by 20%.", wantGets: 1, wantWrites: 1},
		{name: "the AM clears the cell: Liaison resumes", edit: str(""),
			text: "Clicks rose by 21%.", days: 15, wantCell: "Clicks rose by 21%.", wantGets: 1, wantWrites: 1},
	}
	for i, s := range steps {
		if i == 0 {
			if got := cell(); got != s.wantCell {
				t.Fatalf("%s: A2 = %v, want %q", s.name, got, s.wantCell)
			}
			// The paragraph spans the tab's columns and wraps.
			snap, _ := e.fake.Spreadsheet(id)
			sum := snap.Sheet("Summary")
			if f := sum.Formats["A2"]; !reflect.DeepEqual(sum.Merges, []string{"A2:C2"}) || f == nil || f.WrapStrategy != "WRAP" {
				t.Errorf("A2 merges %v, format %+v; want A2:C2 wrapped", sum.Merges, f)
			}
			continue
		}
		if s.edit != nil && !e.fake.Edit(id, "Summary!A2", *s.edit) {
			t.Fatalf("%s: the fake refused the edit", s.name)
		}
		logs.Reset()
		e.fake.ResetCounts()
		r, err := p.Publish(ctx, commentaryTarget(s.text, s.days))
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		n, tr := e.fake.Counts(), e.fake.Traffic()
		if got := cell(); got != s.wantCell {
			t.Errorf("%s: A2 = %v, want %q", s.name, got, s.wantCell)
		}
		if n["sheets.spreadsheets.values.get"] != s.wantGets || tr.Writes != s.wantWrites {
			t.Errorf("%s: %d values.get and %d writes (%v), want %d and %d", s.name, n["sheets.spreadsheets.values.get"], tr.Writes, n, s.wantGets, s.wantWrites)
		}
		if s.wantGets == 0 && s.wantWrites == 0 && tr != (sheetsfakeTraffic{}) {
			t.Errorf("%s: an unchanged refresh sent %+v", s.name, tr)
		}
		logged := strings.Contains(logs.String(), "report commentary kept: the cell was edited by hand")
		if logged != s.wantKept || (len(r.Kept) > 0) != s.wantKept {
			t.Errorf("%s: kept %v, logged %v, want %v; log:\n%s", s.name, r.Kept, logged, s.wantKept, logs.String())
		}
		if s.wantKept && (!strings.Contains(logs.String(), "client=acme") || !strings.Contains(logs.String(), "cell='Summary'!A2")) {
			t.Errorf("%s: the log line names no client or cell:\n%s", s.name, logs.String())
		}
		// The rest of the tab is written whatever happens to A2.
		snap, _ := e.fake.Spreadsheet(id)
		if got := snap.Sheet("Summary").Value("B3"); got != float64(s.days) {
			t.Errorf("%s: B3 = %v, want %d", s.name, got, s.days)
		}
	}

	// A layout change (wider columns) unmerges and merges again: still one
	// merge, and the account manager's text untouched.
	if !e.fake.Edit(id, "Summary!A2", "Our own words for the client.") {
		t.Fatal("the fake refused the edit")
	}
	tg := commentaryTarget("Clicks rose by 22%.", 16)
	tg.Workbook.Tab("summary").Columns[0].Width = 300
	if _, err := p.Publish(ctx, tg); err != nil {
		t.Fatal(err)
	}
	snap, _ := e.fake.Spreadsheet(id)
	if sum := snap.Sheet("Summary"); !reflect.DeepEqual(sum.Merges, []string{"A2:C2"}) || sum.Value("A2") != "Our own words for the client." {
		t.Errorf("after a layout change: merges %v, A2 %v", sum.Merges, sum.Value("A2"))
	}
}
