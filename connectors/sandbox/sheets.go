package sandbox

import (
	"net/http"

	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
)

// SandboxSharedDrive is the shared drive report spreadsheets are created
// in; the agency user is its organizer.
const SandboxSharedDrive = "0ASandboxReportsDrive"

// newSheetsFake builds the Sheets and Drive fake behind the Google OAuth
// fake's tokens, with the agency's shared drive.
func newSheetsFake(s *Sandbox, g googleUpstream) *sheetsfake.Fake {
	f := sheetsfake.New(sheetsfake.Options{Auth: g.oauth, Clock: s.clk, Logger: s.log.With("upstream", "sheets")})
	f.AddSharedDrive(SandboxSharedDrive, "Client reports", map[string]string{GoogleUser: "organizer"})
	return f
}

// sheetsUpstream mounts the Sheets API and GET /_sandbox/sheets/{id}:
// a spreadsheet's values, formats and charts as JSON (without an id, the
// list of spreadsheets).
type sheetsUpstream struct{ f *sheetsfake.Fake }

func (sheetsUpstream) Name() string { return "sheets" }

func (u sheetsUpstream) Mount(m *Mux) {
	m.API("/v4/", u.f.Handler())
	m.Inspect("{$}", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		out := []string{}
		out = append(out, u.f.SpreadsheetIDs()...)
		writeJSON(w, http.StatusOK, out)
	}))
	m.Inspect("{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		snap, ok := u.f.Spreadsheet(r.PathValue("id"))
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no spreadsheet " + r.PathValue("id")})
			return
		}
		writeJSON(w, http.StatusOK, snap)
	}))
}

// driveUpstream mounts the Drive API, the admin routes that stand for a
// person in Drive's web interface (/_fake/drive/...: trash, delete,
// share by hand), GET /_sandbox/drive/permissions (every permission on
// every file) and GET /_sandbox/drive/files.
type driveUpstream struct{ f *sheetsfake.Fake }

func (driveUpstream) Name() string { return "drive" }

func (u driveUpstream) Mount(m *Mux) {
	m.API("/drive/v3/", u.f.Handler())
	m.API("/_fake/drive/", u.f.AdminHandler())
	m.Inspect("permissions", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"permissions": u.f.Permissions(), "violations": nonNil(u.f.Violations()),
			"emails": u.f.Emails()})
	}))
	m.Inspect("files", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, u.f.Files())
	}))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
