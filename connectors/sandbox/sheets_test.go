package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
	"github.com/liaisonhq/liaison/connectors/table"
)

// TestSheetsAndDriveThroughTheSandbox writes and shares a workbook
// through the sandbox with the config GoogleConfig writes, reads it back
// from the inspection routes, trashes it through the admin route, and
// checks the recording: upstreams named, paths as sent, no credentials.
func TestSheetsAndDriveThroughTheSandbox(t *testing.T) {
	e := start(t, SampleScenario(), nil)
	ctx := context.Background()
	cfg := GoogleConfig(e.base)
	if cfg.Drive.SharedDriveID != SandboxSharedDrive || !strings.HasSuffix(cfg.DriveBaseURL, "/drive/v3/") {
		t.Fatalf("google config %+v", cfg)
	}
	hc := httpx.NewClient(httpx.Options{RetryMax: -1})
	ts, err := google.TokenSource(ctx, cfg, hc, e.clk, google.ScopeSpreadsheets, google.ScopeDrive)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sheets.New(ctx, cfg, sheets.Options{HTTPClient: hc, TokenSource: ts, Clock: e.clk})
	if err != nil {
		t.Fatal(err)
	}
	var st sheets.State
	if _, err := c.Locate(ctx, &st, sheets.Target{Title: "ACME", AppProperties: map[string]string{"liaison_client": "acme"}}, false); err != nil {
		t.Fatal(err)
	}
	wb := &table.Workbook{Title: "ACME", Locale: "uk_UA", TimeZone: "Europe/Kyiv", Currency: "UAH", Tabs: []table.Tab{{
		Key: "summary", Name: "Зведення 'листопад'", Rows: [][]table.Cell{{table.B("Витрати"), table.C(1200.5)}}}}}
	if _, err := c.Write(ctx, &st, wb); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Share(ctx, &st, []sheets.Grant{{Email: "petro@acme.example", Role: sheets.RoleReader, Notify: true}}, "Звіт"); err != nil {
		t.Fatal(err)
	}

	var snap sheetsfake.Snapshot
	getJSON(t, e.base+"/_sandbox/sheets/"+st.SpreadsheetID, &snap)
	if sh := snap.Sheet("Зведення 'листопад'"); sh == nil || sh.Value("B1") != 1200.5 || sh.Formats["B1"] == nil {
		t.Fatalf("inspected spreadsheet %+v", snap)
	}
	var perms struct {
		Permissions []sheetsfake.PermissionView `json:"permissions"`
		Violations  []string                    `json:"violations"`
	}
	getJSON(t, e.base+"/_sandbox/drive/permissions", &perms)
	if len(perms.Permissions) != 1 || perms.Permissions[0].Email != "petro@acme.example" || len(perms.Violations) != 0 {
		t.Fatalf("permissions %+v", perms)
	}
	req, _ := http.NewRequest(http.MethodPost, e.base+"/_fake/drive/files/"+st.SpreadsheetID+"/trash", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("trash: %v %v", resp, err)
	}
	resp.Body.Close()
	loc, err := c.Locate(ctx, &st, sheets.Target{Title: "ACME", AppProperties: map[string]string{"liaison_client": "acme"}}, true)
	if err != nil || !loc.Recreated {
		t.Fatalf("after trashing: %+v %v", loc, err)
	}

	// A path goes into the recording as sent, escapes kept.
	resp, err = http.Get(e.base + "/drive/v3/files/odd%2Fid%20x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	seen := map[string]bool{}
	escaped := false
	for _, r := range e.rec.records(t) {
		seen[r.Upstream] = true
		escaped = escaped || r.Upstream == "drive" && r.Path == "/drive/v3/files/odd%2Fid%20x"
	}
	if !seen["sheets"] || !seen["drive"] || !escaped {
		t.Errorf("recorded upstreams %v, escaped path recorded: %v", seen, escaped)
	}
	out := e.rec.String()
	for _, secret := range []string{GoogleClientSecret, GoogleRefreshToken, "ya29."} {
		if strings.Contains(out, secret) {
			t.Errorf("recording carries secret %q", secret)
		}
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
}
