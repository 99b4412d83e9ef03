package sheets_test

import (
	"fmt"
	"testing"

	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
	"github.com/liaisonhq/liaison/connectors/table"
)

// TestPartialWorkbooksShareOneSpreadsheet: a client's spreadsheet holds
// the current period's tabs and a tab per earlier period, each written by
// its own partial workbook. Writing one part leaves the other's tabs as
// they are, adds new tabs after them, and an unchanged part sends nothing.
func TestPartialWorkbooksShareOneSpreadsheet(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	var stored []byte
	current := reportWorkbook(5)
	current.Partial = true
	loc, _ := publish(t, c, &stored, current)

	archive := reportWorkbook(30)
	archive.Partial = true
	archive.Tabs = []table.Tab{table.Stack("period/2026-11", "November 2026", archive.Tabs)}
	e.fake.ResetCounts()
	_, res := publish(t, c, &stored, archive)
	if len(res.RemovedTabs) != 0 || len(res.NewTabs) != 1 || e.fake.Traffic().Writes != 2 {
		t.Errorf("adding the November tab: %+v, %+v", res.Plan, e.fake.Traffic())
	}
	titles := func() string {
		snap, _ := e.fake.Spreadsheet(loc.SpreadsheetID)
		var out []string
		for _, s := range snap.Sheets {
			out = append(out, s.Title)
		}
		return fmt.Sprint(out)
	}
	want := "[Сводка Google Ads Search Console Работы November 2026]"
	if got := titles(); got != want {
		t.Errorf("tabs %s, want %s", got, want)
	}

	// The current period moves on a day: its values only, November untouched.
	e.fake.ResetCounts()
	next := reportWorkbook(6)
	next.Partial = true
	_, res = publish(t, c, &stored, next)
	if tr := e.fake.Traffic(); tr.Writes != 1 || len(res.RemovedTabs) != 0 {
		t.Errorf("a new day of the current period sent %+v (%+v)", tr, res.Plan)
	}
	if got := titles(); got != want {
		t.Errorf("after a new day the tabs are %s, want %s", got, want)
	}
	e.fake.ResetCounts()
	if _, res = publish(t, c, &stored, archive); e.fake.Traffic().Writes != 0 {
		t.Errorf("an unchanged November tab sent %+v", res.Plan)
	}
}
