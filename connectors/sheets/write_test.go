package sheets_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
	"github.com/liaisonhq/liaison/connectors/table"
)

// publish is what a caller does: locate, write, and keep the state as
// JSON between runs, as the store does.
func publish(t *testing.T, c *sheets.Client, stored *[]byte, wb *table.Workbook) (sheets.Located, sheets.WriteResult) {
	t.Helper()
	var st sheets.State
	if len(*stored) > 0 {
		if err := json.Unmarshal(*stored, &st); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	loc, err := c.Locate(ctx, &st, target("acme"), false)
	if err != nil {
		t.Fatalf("locate: %v", err)
	}
	res, err := c.Write(ctx, &st, wb)
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	*stored, _ = json.Marshal(st)
	return loc, res
}

func TestWritesCostFewestRequests(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	var stored []byte

	loc, res := publish(t, c, &stored, reportWorkbook(20))
	tr := e.fake.Traffic()
	if !loc.Created || tr.Writes > 4 || tr.Writes != res.Writes+loc.Writes {
		t.Fatalf("first run: created %v, %d writes at the fake (client says %d+%d); want a new file in ≤ 4",
			loc.Created, tr.Writes, loc.Writes, res.Writes)
	}
	if n := len(e.fake.SpreadsheetIDs()); n != 1 {
		t.Fatalf("%d spreadsheets after the first run", n)
	}
	t.Logf("first run: %d writes, %d reads", tr.Writes, tr.Reads)

	e.fake.ResetCounts()
	_, res = publish(t, c, &stored, reportWorkbook(20))
	if tr := e.fake.Traffic(); tr.Writes != 0 || tr.Reads != 0 || res.Writes != 0 {
		t.Fatalf("unchanged re-run sent %+v; want nothing", tr)
	}

	e.fake.ResetCounts()
	_, res = publish(t, c, &stored, reportWorkbook(21))
	counts := e.fake.Counts()
	if tr := e.fake.Traffic(); tr.Writes != 1 || counts["sheets.spreadsheets.values.batchUpdate"] != 1 {
		t.Fatalf("a new day sent %+v (%v); want exactly one values write", tr, counts)
	}
	if len(res.ValueTabs) != 3 || len(res.LayoutTabs) != 0 {
		t.Errorf("a new day changed values of %v and layout of %v; want summary, ads, gsc values only", res.ValueTabs, res.LayoutTabs)
	}

	// The same workbook in English: titles, locale and formats change,
	// still one layout write and one values write.
	e.fake.ResetCounts()
	wb := reportWorkbook(21)
	wb.Locale, wb.Currency = "en_US", "USD"
	wb.Tabs[0].Name = "Summary"
	_, res = publish(t, c, &stored, wb)
	if tr := e.fake.Traffic(); tr.Writes != 2 || res.Writes != 2 {
		t.Fatalf("relabelled workbook sent %+v; want one layout and one values write", tr)
	}
	snap, _ := e.fake.Spreadsheet(loc.SpreadsheetID)
	if snap.Sheet("Summary") == nil || snap.Sheet("Сводка") != nil || snap.Locale != "en_US" {
		t.Errorf("after relabelling the sheets are %+v", snap.Sheets)
	}
	for i, tab := range wb.Tabs {
		if snap.Sheets[i].Title != tab.Name || snap.Sheets[i].Index != int64(i) {
			t.Errorf("sheet %d is %q (index %d), want %q", i, snap.Sheets[i].Title, snap.Sheets[i].Index, tab.Name)
		}
	}
	if f := snap.Sheet("Summary").Formats["B2"]; f == nil || f.NumberFormat.Pattern != `"$"#,##0.00` {
		t.Errorf("currency format after switching to USD: %+v", f)
	}

	// A tab dropped from the workbook is deleted; one added goes in.
	e.fake.ResetCounts()
	wb.Tabs = append(wb.Tabs[:2], wb.Tabs[3], table.Tab{Key: "queries", Name: "Queries", Rows: [][]table.Cell{{table.B("Query")}, {table.T("seo kyiv")}}})
	if _, res = publish(t, c, &stored, wb); res.Writes != 2 || len(res.RemovedTabs) != 1 || len(res.NewTabs) != 1 {
		t.Fatalf("reshaped workbook: %+v", res)
	}
	snap, _ = e.fake.Spreadsheet(loc.SpreadsheetID)
	var titles []string
	for _, sh := range snap.Sheets {
		titles = append(titles, sh.Title)
	}
	if got := strings.Join(titles, ","); got != "Summary,Google Ads,Работы,Queries" {
		t.Errorf("sheets now %s", got)
	}

	// Reordered: the last tab first, the first last.
	wb.Tabs = []table.Tab{wb.Tabs[3], wb.Tabs[1], wb.Tabs[2], wb.Tabs[0]}
	publish(t, c, &stored, wb)
	snap, _ = e.fake.Spreadsheet(loc.SpreadsheetID)
	titles = nil
	for _, sh := range snap.Sheets {
		titles = append(titles, sh.Title)
	}
	if got := strings.Join(titles, ","); got != "Queries,Google Ads,Работы,Summary" {
		t.Errorf("reordered sheets now %s", got)
	}
}

func TestStoredSpreadsheetEqualsWorkbook(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	var stored []byte
	wb := reportWorkbook(5)
	loc, _ := publish(t, c, &stored, wb)
	snap, ok := e.fake.Spreadsheet(loc.SpreadsheetID)
	if !ok {
		t.Fatal("spreadsheet missing")
	}
	if snap.Title != wb.Title || snap.Locale != "ru_RU" || snap.TimeZone != "Europe/Kyiv" {
		t.Errorf("properties %q %q %q", snap.Title, snap.Locale, snap.TimeZone)
	}
	if len(snap.Sheets) != len(wb.Tabs) {
		t.Fatalf("%d sheets, want %d (the blank first sheet removed)", len(snap.Sheets), len(wb.Tabs))
	}
	for i, tab := range wb.Tabs {
		sh := snap.Sheets[i]
		if sh.Title != tab.Name || sh.FrozenRows != int64(tab.FrozenRows) {
			t.Errorf("sheet %d is %q frozen %d; want %q frozen %d", i, sh.Title, sh.FrozenRows, tab.Name, tab.FrozenRows)
		}
		for r, row := range tab.Rows {
			for col, cell := range row {
				got := cellAt(sh.Values, r, col)
				if want := expected(cell); got != want {
					t.Errorf("%s!R%dC%d = %#v, want %#v", tab.Name, r+1, col+1, got, want)
				}
			}
		}
		for col, w := range tab.Columns {
			if w.Width > 0 && sh.ColumnWidths[int64(col)] != int64(w.Width) {
				t.Errorf("%s column %d width %d, want %d", tab.Name, col, sh.ColumnWidths[int64(col)], w.Width)
			}
		}
	}
	sum := snap.Sheet("Сводка")
	checkFormat := func(ref, typ, pattern string, bold bool) {
		t.Helper()
		f := sum.Formats[ref]
		if f == nil {
			t.Errorf("%s has no format", ref)
			return
		}
		if typ != "" && (f.NumberFormat == nil || f.NumberFormat.Type != typ || f.NumberFormat.Pattern != pattern) {
			t.Errorf("%s number format %+v, want %s %q", ref, f.NumberFormat, typ, pattern)
		}
		if bold != (f.TextFormat != nil && f.TextFormat.Bold) {
			t.Errorf("%s bold = %v", ref, !bold)
		}
	}
	checkFormat("A1", "", "", true)
	checkFormat("B2", "CURRENCY", `#,##0.00 "₴"`, false)
	checkFormat("B3", "NUMBER", "#,##0", false)
	checkFormat("B5", "NUMBER", "#,##0.0", false)
	checkFormat("D2", "PERCENT", "0.0%", false)
	checkFormat("A8", "DATE", "dd.mm.yyyy", false)
	checkFormat("A12", "DATE", "dd.mm.yyyy", false) // the open-ended run covers days to come
	if v := snap.Sheet("Работы").Formulas["A2"]; v != `=HYPERLINK("https://agency.atlassian.net/browse/ACME-12","ACME-12")` {
		t.Errorf("link formula %q", v)
	}
	// Conditional colours: spend (row 2), cost per conversion and
	// position are better down; clicks (row 3) up.
	if len(sum.ConditionalFormats) != 4 {
		t.Fatalf("%d conditional rules, want 4", len(sum.ConditionalFormats))
	}
	for _, r := range sum.ConditionalFormats {
		cond := r.BooleanRule.Condition.Type
		green := r.BooleanRule.Format.TextFormat.ForegroundColor.Green > 0.4
		var rows []int64
		for _, g := range r.Ranges {
			if g.StartColumnIndex != 3 || g.EndColumnIndex != 4 {
				t.Errorf("rule on columns [%d,%d)", g.StartColumnIndex, g.EndColumnIndex)
			}
			rows = append(rows, g.StartRowIndex)
		}
		clicks := len(rows) == 1 && rows[0] == 2
		if want := (cond == "NUMBER_GREATER") == clicks; green != want {
			t.Errorf("rule %s on rows starting %v: green %v", cond, rows, green)
		}
	}
	if len(sum.Charts) != 1 {
		t.Fatalf("%d charts", len(sum.Charts))
	}
	bc := sum.Charts[0].Spec.BasicChart
	if bc.ChartType != "LINE" || len(bc.Series) != 2 || bc.Series[0].TargetAxis != "LEFT_AXIS" || bc.Series[1].TargetAxis != "RIGHT_AXIS" {
		t.Errorf("chart %+v", bc)
	}
	dom := bc.Domains[0].Domain.SourceRange.Sources[0]
	if dom.StartRowIndex != 6 || dom.EndRowIndex != 0 || dom.StartColumnIndex != 0 {
		t.Errorf("chart domain %+v: want from the header row, open-ended", dom)
	}
}

func cellAt(vals [][]any, r, c int) any {
	if r >= len(vals) || c >= len(vals[r]) {
		return ""
	}
	return vals[r][c]
}

// expected is what a cell holds in Sheets, computed from the table
// model independently of the connector.
func expected(c table.Cell) any {
	switch c.Kind {
	case table.Integer, table.Number, table.Percent, table.Currency:
		if c.Blank {
			return ""
		}
		return c.Num
	case table.Date:
		var y, m, d int
		_, _ = fmtSscanf(c.Text, &y, &m, &d)
		return float64(daysFrom1899(y, m, d))
	}
	return c.Text
}

func TestPerCellCurrencyAndSignedFormats(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	var stored []byte
	wb := &table.Workbook{Title: "Finance", Locale: "uk_UA", Currency: "UAH", Tabs: []table.Tab{{Key: "2026-11", Name: "2026-11",
		Rows: [][]table.Cell{{table.C(100), table.CC(250, "USD"), table.CC(80, "KZT"), table.Change(110, 100), table.Change(5, 0)}}}}}
	loc, _ := publish(t, c, &stored, wb)
	snap, _ := e.fake.Spreadsheet(loc.SpreadsheetID)
	sh := snap.Sheet("2026-11")
	for ref, want := range map[string]string{"A1": `#,##0.00 "₴"`, "B1": `"$"#,##0.00`, "C1": `#,##0.00 "₸"`, "D1": "+0.0%;-0.0%;0.0%", "E1": "0.0%"} {
		if f := sh.Formats[ref]; f == nil || f.NumberFormat.Pattern != want {
			t.Errorf("%s format %+v, want %q", ref, f, want)
		}
	}
	if v := sh.Value("E1"); v != nil && v != "" {
		t.Errorf("blank change holds %v", v)
	}
}
