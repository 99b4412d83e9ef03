package sheetsfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/sheets/v4"
)

func sheetsError(c *call, status int, msg string) {
	grpc := map[int]string{400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}[status]
	reason := map[int]string{400: "badRequest", 403: "forbidden", 404: "notFound"}[status]
	writeError(c.w, status, grpc, msg, "global", reason)
}

// bookLocked returns the spreadsheet behind a Sheets request, after the
// access check Drive's permissions imply. Sheets needs no
// supportsAllDrives and still serves trashed files.
func (f *Fake) bookLocked(c *call, write bool) *spreadsheet {
	id := c.r.PathValue("id")
	fl := f.files[id]
	b := f.books[id]
	if fl == nil || fl.deleted || b == nil {
		sheetsError(c, http.StatusNotFound, "Requested entity was not found.")
		return nil
	}
	role := f.roleLocked(fl, c.principal)
	if role == "" || write && !canWrite(role) {
		sheetsError(c, http.StatusForbidden, "The caller does not have permission")
		return nil
	}
	return b
}

func (f *Fake) sheetsCreate(c *call) {
	var in sheets.Spreadsheet
	if !c.decode(&in) {
		return
	}
	if isServiceAccount(c.principal) {
		// The file would live in the service account's own Drive, which
		// has no storage.
		sheetsError(c, http.StatusForbidden, "The caller does not have permission")
		return
	}
	title := "Untitled spreadsheet"
	f.mu.Lock()
	id := f.newIDLocked("1ss")
	b := newSpreadsheet(id, title)
	if in.Properties != nil {
		if in.Properties.Title != "" {
			b.props.Title = in.Properties.Title
		}
		if in.Properties.Locale != "" {
			b.props.Locale = in.Properties.Locale
		}
		if in.Properties.TimeZone != "" {
			b.props.TimeZone = in.Properties.TimeZone
		}
	}
	if len(in.Sheets) > 0 {
		b.sheets = nil
		for i, s := range in.Sheets {
			if s.Properties == nil {
				s.Properties = &sheets.SheetProperties{}
			}
			t := s.Properties.Title
			if t == "" {
				t = "Sheet" + strconv.Itoa(i+1)
			}
			b.sheets = append(b.sheets, newSheet(s.Properties.SheetId, t, int64(i)))
		}
	}
	now := f.clk.Now().UTC().Format(time.RFC3339Nano)
	fl := &file{meta: drive.File{Id: id, Name: b.props.Title, MimeType: MimeSpreadsheet, CreatedTime: now, ModifiedTime: now,
		Parents: []string{"root-" + permissionID(c.principal)}}, owner: strings.ToLower(c.principal),
		perms: []*drive.Permission{{Kind: "drive#permission", Id: permissionID(c.principal), Type: "user", Role: "owner", EmailAddress: c.principal}}}
	f.files[id] = fl
	f.order = append(f.order, id)
	f.books[id] = b
	out := b.json(f.baseURL)
	hook := f.createHook
	f.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	c.writeJSON(out)
}

func (f *Fake) sheetsGet(c *call) {
	if c.boolParam("includeGridData") || c.q["ranges"] != "" {
		sheetsError(c, http.StatusBadRequest, "sheetsfake: includeGridData and ranges are not served; read values with values.get")
		return
	}
	f.mu.Lock()
	b := f.bookLocked(c, false)
	if b == nil {
		f.mu.Unlock()
		return
	}
	out := b.json(f.baseURL)
	f.mu.Unlock()
	c.writeJSON(out)
}

func (f *Fake) sheetsBatchUpdate(c *call) {
	body, err := io.ReadAll(c.r.Body)
	if err != nil {
		sheetsError(c, http.StatusBadRequest, "reading body: "+err.Error())
		return
	}
	c.r.Body = io.NopCloser(bytes.NewReader(body))
	var in sheets.BatchUpdateSpreadsheetRequest
	if !c.decode(&in) {
		return
	}
	// Absent and zero differ for a new sheet's index (absent appends),
	// which the decoded struct cannot tell.
	var raw struct {
		Requests []struct {
			AddSheet *struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"addSheet"`
		} `json:"requests"`
	}
	_ = json.Unmarshal(body, &raw)
	if in.IncludeSpreadsheetInResponse || len(in.ResponseRanges) > 0 || in.ResponseIncludeGridData {
		sheetsError(c, http.StatusBadRequest, "sheetsfake: includeSpreadsheetInResponse is not served")
		return
	}
	if len(in.Requests) == 0 {
		sheetsError(c, http.StatusBadRequest, "Must specify at least one request.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.bookLocked(c, true)
	if b == nil {
		return
	}
	work := b.clone()
	replies := make([]*sheets.Response, len(in.Requests))
	for i, req := range in.Requests {
		indexGiven := false
		if i < len(raw.Requests) && raw.Requests[i].AddSheet != nil {
			_, indexGiven = raw.Requests[i].AddSheet.Properties["index"]
		}
		reply, err := work.apply(req, indexGiven)
		if err != nil {
			sheetsError(c, http.StatusBadRequest, fmt.Sprintf("Invalid requests[%d].%v", i, err))
			return
		}
		replies[i] = reply
	}
	f.books[b.id] = work
	if fl := f.files[b.id]; fl != nil {
		fl.meta.Name = work.props.Title
		fl.meta.ModifiedTime = f.clk.Now().UTC().Format(time.RFC3339Nano)
	}
	c.writeJSON(&sheets.BatchUpdateSpreadsheetResponse{SpreadsheetId: b.id, Replies: replies})
}
