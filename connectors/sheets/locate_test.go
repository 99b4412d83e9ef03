package sheets_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
)

func TestServiceAccountWithoutSharedDrive(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, false), sheets.Options{})
	var st sheets.State
	_, err := c.Locate(context.Background(), &st, target("acme"), false)
	var sq *sheets.StorageQuotaError
	if !errors.As(err, &sq) || !sq.ServiceAccount {
		t.Fatalf("err = %v; want a StorageQuotaError for a service account", err)
	}
	if msg := err.Error(); !containsAll(msg, "connections.google.drive.shared_drive_id", "connections.google.oauth") || strings.Contains(msg, "PRIVATE KEY") {
		t.Errorf("error %q does not name the fix (or leaks the key)", msg)
	}
	if n := e.fake.Counts()["drive.files.create"]; n != 1 {
		t.Errorf("%d create attempts; want exactly 1 (storage quota is not a rate limit)", n)
	}
	if st.SpreadsheetID != "" || len(e.fake.Files()) != 1 { // the folder only
		t.Errorf("state %+v, files %+v", st, e.fake.Files())
	}
}

func TestSharedDriveHoldsTheFiles(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	var st sheets.State
	loc, err := c.Locate(context.Background(), &st, target("acme"), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range e.fake.Files() {
		if f.ID != loc.SpreadsheetID {
			continue
		}
		if f.DriveID != sharedDrive || len(f.Parents) != 1 || f.Parents[0] != folder || f.Owner != "" || f.AppProperties["liaison_client"] != "acme" {
			t.Errorf("file %+v; want it in folder %s of shared drive %s, tagged liaison_client=acme", f, folder, sharedDrive)
		}
		return
	}
	t.Fatalf("file %s not in the fake", loc.SpreadsheetID)
}

func TestOAuthUserOwnsTheFiles(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.oauthConfig(), sheets.Options{})
	var st sheets.State
	loc, err := c.Locate(context.Background(), &st, target("acme"), false)
	if err != nil {
		t.Fatal(err)
	}
	files := e.fake.Files()
	if f := files[len(files)-1]; f.ID != loc.SpreadsheetID || f.Owner != agencyUser || f.DriveID != "" {
		t.Errorf("file %+v; want it owned by %s in My Drive", f, agencyUser)
	}
}

// TestCrashBetweenCreateAndStore loses the state after every create, as a
// process killed before storing the id would: the file is found again by
// its app properties each time.
func TestCrashBetweenCreateAndStore(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	ctx := context.Background()
	var first string
	for run := range 4 {
		var st sheets.State // nothing was stored
		loc, err := c.Locate(ctx, &st, target("acme"), false)
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			first = loc.SpreadsheetID
		} else if !loc.Found || loc.SpreadsheetID != first {
			t.Fatalf("run %d: %+v; want the first file found again", run, loc)
		}
		if run == 3 {
			if _, err := c.Write(ctx, &st, reportWorkbook(3)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ids := e.fake.SpreadsheetIDs(); len(ids) != 1 {
		t.Fatalf("%d spreadsheets: %v", len(ids), ids)
	}
	if n := e.fake.Counts()["drive.files.create"]; n != 1 {
		t.Errorf("%d creates", n)
	}
	// Another client's spreadsheet is a different file.
	var other sheets.State
	loc, err := c.Locate(ctx, &other, target("globex"), false)
	if err != nil || !loc.Created {
		t.Fatalf("globex: %+v %v", loc, err)
	}
}

// TestAdoptedSpreadsheetIsRewritten: a file found again after its state
// was lost is read once and brought to the workbook, blank sheet gone.
func TestAdoptedSpreadsheetIsRewritten(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	ctx := context.Background()
	var st sheets.State
	if _, err := c.Locate(ctx, &st, target("acme"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(ctx, &st, reportWorkbook(9)); err != nil {
		t.Fatal(err)
	}
	id := st.SpreadsheetID
	st = sheets.State{}
	if _, err := c.Locate(ctx, &st, target("acme"), false); err != nil {
		t.Fatal(err)
	}
	e.fake.ResetCounts()
	res, err := c.Write(ctx, &st, reportWorkbook(4))
	if err != nil {
		t.Fatal(err)
	}
	if res.Reads != 1 || res.Writes != 2 {
		t.Errorf("adopting wrote %d and read %d; want 1 read, 2 writes", res.Writes, res.Reads)
	}
	snap, _ := e.fake.Spreadsheet(id)
	gsc := snap.Sheet("Search Console")
	if len(snap.Sheets) != 4 || gsc == nil || len(gsc.Values) != 5 {
		t.Fatalf("after adoption: %d sheets, search console rows %v", len(snap.Sheets), gsc)
	}
}

func TestTrashedSpreadsheetIsRecreated(t *testing.T) {
	for _, how := range []string{"trash", "delete"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t, sheetsfake.Options{})
			c := e.client(t, e.robotConfig(t, true), sheets.Options{})
			ctx := context.Background()
			var st sheets.State
			if _, err := c.Locate(ctx, &st, target("acme"), false); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Write(ctx, &st, reportWorkbook(3)); err != nil {
				t.Fatal(err)
			}
			old := st.SpreadsheetID
			if how == "trash" {
				e.fake.Trash(old)
			} else {
				e.fake.Delete(old)
			}
			// Within VerifyEvery an unchanged run does not look; a
			// check (as every run with something to write makes) does.
			loc, err := c.Locate(ctx, &st, target("acme"), false)
			if err != nil || loc.Recreated {
				t.Fatalf("unverified run: %+v %v", loc, err)
			}
			loc, err = c.Locate(ctx, &st, target("acme"), true)
			if err != nil {
				t.Fatal(err)
			}
			if !loc.Recreated || !loc.Created || loc.Previous != old || loc.SpreadsheetID == old {
				t.Fatalf("%+v; want a new file replacing %s", loc, old)
			}
			res, err := c.Write(ctx, &st, reportWorkbook(3))
			if err != nil || res.Writes != 2 {
				t.Fatalf("writing the new file: %d writes, %v", res.Writes, err)
			}
			if snap, ok := e.fake.Spreadsheet(loc.SpreadsheetID); !ok || len(snap.Sheets) != 4 {
				t.Errorf("new spreadsheet %+v", snap)
			}
		})
	}
}
