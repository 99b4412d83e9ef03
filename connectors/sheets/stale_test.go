package sheets_test

import (
	"context"
	"testing"

	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
)

// TestWriteAfterACrashBeforeTheStateWasStored: a process writes the tabs
// and dies before storing what it wrote, so the next one starts from the
// state it had before the write. Sheets refuses the stale plan (a sheet id
// that already exists); the writer reads the tabs, takes them over and
// writes the workbook, with no second spreadsheet and no error.
func TestWriteAfterACrashBeforeTheStateWasStored(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	ctx := context.Background()
	var st sheets.State
	if _, err := c.Locate(ctx, &st, target("acme"), true); err != nil {
		t.Fatal(err)
	}
	stale := st // what the dead process had stored
	if _, err := c.Write(ctx, &st, reportWorkbook(5)); err != nil {
		t.Fatal(err)
	}
	st = stale
	res, err := c.Write(ctx, &st, reportWorkbook(6))
	if err != nil {
		t.Fatalf("writing from the stale state: %v", err)
	}
	if res.Reads != 1 {
		t.Errorf("%d reads, want 1 (the tabs, once the stale plan was refused)", res.Reads)
	}
	if n := len(e.fake.SpreadsheetIDs()); n != 1 {
		t.Errorf("%d spreadsheets, want 1", n)
	}
	snap, _ := e.fake.Spreadsheet(st.SpreadsheetID)
	if len(snap.Sheets) != len(reportWorkbook(6).Tabs) {
		t.Errorf("%d tabs, want %d", len(snap.Sheets), len(reportWorkbook(6).Tabs))
	}
	// And from here on the state is true again: nothing to write.
	e.fake.ResetCounts()
	if _, err := c.Write(ctx, &st, reportWorkbook(6)); err != nil || e.fake.Traffic().Writes != 0 {
		t.Errorf("re-write: %v, %+v", err, e.fake.Traffic())
	}
}
