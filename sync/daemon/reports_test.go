package daemon

import (
	"strings"
	"testing"
	"time"
)

// TestSyncOnceWritesReportsToSheets: a cycle against the sandbox writes
// each client's report to the Sheets fake, shares it with the client's
// recipients, and an immediate second cycle writes nothing to Sheets.
func TestSyncOnceWritesReportsToSheets(t *testing.T) {
	app, sb, _ := sandboxApp(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	if app.Publisher() == nil {
		t.Fatal("no publisher built from the sandbox's google connection")
	}
	if err := syncOnce(app); err != nil {
		t.Fatalf("first cycle: %v", err)
	}
	f := sb.Sheets()
	files := f.Files()
	clients := 0
	for _, fl := range files {
		if fl.AppProperties["liaison_client"] != "" {
			clients++
		}
		if fl.DriveID == "" {
			t.Errorf("file %s (%s) outside the shared drive", fl.ID, fl.Name)
		}
	}
	if clients == 0 {
		t.Fatalf("no client report written; files %+v", files)
	}
	shared := false
	for _, p := range f.Permissions() {
		if p.Type != "user" {
			t.Errorf("permission of type %s", p.Type)
		}
		shared = shared || strings.EqualFold(p.Email, "petro@acme.example") && p.Role == "reader"
	}
	if !shared {
		t.Errorf("acme's report not shared with its recipient: %+v", f.Permissions())
	}
	if v := f.Violations(); len(v) > 0 {
		t.Fatal(v)
	}
	f.ResetCounts()
	if err := syncOnce(app); err != nil {
		t.Fatalf("second cycle: %v", err)
	}
	if tr := f.Traffic(); tr.Writes+tr.Sharing != 0 {
		t.Errorf("second cycle wrote %+v to Sheets and Drive; want nothing", tr)
	}
}
