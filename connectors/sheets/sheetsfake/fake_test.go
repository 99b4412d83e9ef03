package sheetsfake

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

type tokens map[string]string

func (t tokens) Principal(tok string) (string, bool) { p, ok := t[tok]; return p, ok }

const robot = "r@p.iam.gserviceaccount.com"

func TestDriveRules(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	f := New(Options{Clock: clk, Auth: tokens{"user": "am@agency.example", "robot": robot}, WritesPerMinute: 3})
	f.AddSharedDrive("0ADrive", "Reports", map[string]string{robot: "fileOrganizer"})
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	do := func(method, path, token, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After") + string(b)
	}
	sheet := `{"name":"R","mimeType":"application/vnd.google-apps.spreadsheet","appProperties":{"liaison_client":"acme"},"parents":["0ADrive"]}`
	q := func(s string) string { return url.QueryEscape(s) }
	for _, tc := range []struct {
		name, method, path, token, body string
		status                          int
		want                            string
	}{
		{"no token", "GET", "/drive/v3/files", "", "", 401, "UNAUTHENTICATED"},
		{"robot in my drive", "POST", "/drive/v3/files", "robot", `{"name":"R"}`, 403, `"domain":"usageLimits","message":"Service Accounts do not have storage quota. Leverage shared drives`},
		{"shared drive without supportsAllDrives", "POST", "/drive/v3/files", "robot", sheet, 404, "File not found: 0ADrive."},
		{"shared drive", "POST", "/drive/v3/files?supportsAllDrives=true&fields=id,driveId", "robot", sheet, 200, `"driveId":"0ADrive"`},
		{"unknown field", "POST", "/drive/v3/files", "user", `{"title":"R"}`, 400, "unknown field"},
		{"unknown parameter", "GET", "/drive/v3/files?foo=1", "user", "", 400, `Unknown name \"foo\"`},
		{"hidden without includeItemsFromAllDrives", "GET", "/drive/v3/files?supportsAllDrives=true&q=" + q("appProperties has { key='liaison_client' and value='acme' }"), "robot", "", 200, `"files":[]`},
		{"found in the drive", "GET", "/drive/v3/files?corpora=drive&driveId=0ADrive&includeItemsFromAllDrives=true&supportsAllDrives=true&q=" + q("appProperties has { key='liaison_client' and value='acme' } and trashed = false"), "robot", "", 200, `"appProperties":{"liaison_client":"acme"}`},
		{"corpora drive without driveId", "GET", "/drive/v3/files?corpora=drive&includeItemsFromAllDrives=true&supportsAllDrives=true", "robot", "", 400, "driveId"},
		{"includeItems without supports", "GET", "/drive/v3/files?includeItemsFromAllDrives=true", "robot", "", 403, "supportsAllDrives"},
		{"or is not served", "GET", "/drive/v3/files?q=" + q("trashed = false or trashed = true"), "user", "", 400, `"location":"q"`},
		{"fullText is not served", "GET", "/drive/v3/files?q=" + q("fullText contains 'x'"), "user", "", 400, "Invalid Value"},
		{"unknown route", "GET", "/drive/v3/about", "user", "", 404, "no route"},
		{"sheets create by a user", "POST", "/v4/spreadsheets", "user", `{"properties":{"title":"T"}}`, 200, `"title":"T"`},
		{"values without option", "POST", "/v4/spreadsheets/x/values:batchUpdate", "user", `{"data":[]}`, 400, "valueInputOption"},
	} {
		status, body := do(tc.method, tc.path, tc.token, tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s; want %d with %q", tc.name, status, body, tc.status, tc.want)
		}
	}
	// The user's spreadsheet: write quota, grid limits, sharing rules.
	ids := f.SpreadsheetIDs()
	id := ids[len(ids)-1]
	f.WithoutGoogleAccount("nobody@client.example")
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"first write", "POST", "/v4/spreadsheets/" + id + "/values:batchUpdate", `{"valueInputOption":"USER_ENTERED","data":[{"range":"Sheet1!A1","values":[["'x"]]}]}`, 200, `"updatedCells":1`},
		{"over quota", "POST", "/v4/spreadsheets/" + id + "/values:batchUpdate", `{"valueInputOption":"USER_ENTERED","data":[{"range":"Sheet1!A1","values":[["x"]]}]}`, 429, "60{\"error\":{\"code\":429"},
		{"no account, no email", "POST", "/drive/v3/files/" + id + "/permissions?sendNotificationEmail=false", `{"type":"user","role":"reader","emailAddress":"nobody@client.example"}`, 400, "invalidSharingRequest"},
		{"no account, email", "POST", "/drive/v3/files/" + id + "/permissions?emailMessage=hi", `{"type":"user","role":"reader","emailAddress":"nobody@client.example"}`, 200, `"role":"reader"`},
		{"anyone", "POST", "/drive/v3/files/" + id + "/permissions", `{"type":"anyone","role":"reader"}`, 200, "anyoneWithLink"},
	} {
		status, body := do(tc.method, tc.path, "user", tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s; want %d with %q", tc.name, status, body, tc.status, tc.want)
		}
	}
	clk.Advance(time.Minute)
	if status, body := do("POST", "/v4/spreadsheets/"+id+"/values:batchUpdate", "user", `{"valueInputOption":"RAW","data":[{"range":"Sheet1!A1001","values":[["x"]]}]}`); status != 400 || !strings.Contains(body, "exceeds grid limits") {
		t.Errorf("beyond the grid: %d %s", status, body)
	}
	if v := f.Violations(); len(v) != 1 || !strings.Contains(v[0], "anyone") {
		t.Errorf("violations %v; want the anyone permission", v)
	}
	if e := f.Emails(); len(e) != 1 || e[0].Message != "hi" {
		t.Errorf("emails %+v", e)
	}
}

func TestMaskAndQuery(t *testing.T) {
	m, err := parseMask("files(id,appProperties),nextPageToken")
	if err != nil {
		t.Fatal(err)
	}
	got := m.apply(map[string]any{"files": []any{map[string]any{"id": "1", "name": "n"}}, "kind": "k"})
	if g := got.(map[string]any); len(g) != 1 || len(g["files"].([]any)[0].(map[string]any)) != 1 {
		t.Errorf("masked %v", got)
	}
	if _, err := parseMask("files(id"); err == nil {
		t.Error("unbalanced mask accepted")
	}
	terms, err := parseQuery(`appProperties has { key='liaison_kind' and value='it\'s' } and '1F' in parents and trashed = false`)
	if err != nil || len(terms) != 3 || terms[0].value != "it's" || terms[1].value != "1F" {
		t.Errorf("terms %+v %v", terms, err)
	}
	for _, bad := range []string{"name contains 'x'", "not trashed = true", "(trashed = false)", "trashed = maybe", "appProperties has { key='a' }"} {
		if _, err := parseQuery(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	r, err := parseA1("'It''s'!B2:C")
	if err != nil || r.title != "It's" || r.r0 != 1 || r.c0 != 1 || r.c1 != 3 || r.boundR {
		t.Errorf("parseA1 %+v %v", r, err)
	}
}
