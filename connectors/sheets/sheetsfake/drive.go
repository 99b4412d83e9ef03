package sheetsfake

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/drive/v3"
)

// Drive MIME types the fake knows.
const (
	MimeSpreadsheet = "application/vnd.google-apps.spreadsheet"
	MimeFolder      = "application/vnd.google-apps.folder"
)

// storageQuotaMessage is Drive's answer to a service account creating a
// file outside a shared drive.
const storageQuotaMessage = "Service Accounts do not have storage quota. Leverage shared drives (https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth delegation (http://support.google.com/a/answer/7281227) instead."

type file struct {
	meta    drive.File
	owner   string // My Drive owner; "" in a shared drive
	perms   []*drive.Permission
	deleted bool
}

type sharedDrive struct {
	id, name string
	members  map[string]string // email → role
}

// AddSharedDrive adds a shared drive with its members (email → role:
// organizer, fileOrganizer, writer, commenter or reader).
func (f *Fake) AddSharedDrive(id, name string, members map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]string{}
	for e, r := range members {
		m[strings.ToLower(e)] = r
	}
	f.drives[id] = &sharedDrive{id: id, name: name, members: m}
}

// AddFolder adds a folder: in shared drive driveID (parent "" for its
// root), or, with driveID "", in owner's My Drive.
func (f *Fake) AddFolder(id, name, driveID, parent, owner string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := &file{meta: drive.File{Id: id, Name: name, MimeType: MimeFolder, DriveId: driveID, Kind: "drive#file"}}
	switch {
	case parent != "":
		fl.meta.Parents = []string{parent}
	case driveID != "":
		fl.meta.Parents = []string{driveID}
	}
	if driveID == "" {
		fl.owner = strings.ToLower(owner)
		fl.perms = []*drive.Permission{{Kind: "drive#permission", Id: permissionID(owner), Type: "user", Role: "owner", EmailAddress: owner}}
	}
	f.files[id] = fl
	f.order = append(f.order, id)
}

// Trash moves a file to the trash, as a person does in Drive.
func (f *Fake) Trash(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.files[id]
	if fl == nil || fl.deleted {
		return false
	}
	fl.meta.Trashed = true
	return true
}

// Delete deletes a file for good, as a person emptying the trash does.
func (f *Fake) Delete(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.files[id]
	if fl == nil || fl.deleted {
		return false
	}
	fl.deleted = true
	delete(f.books, id)
	return true
}

// Share adds a permission by hand, as a person using Drive's Share dialog.
func (f *Fake) Share(fileID, email, role string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.files[fileID]
	if fl == nil || fl.deleted {
		return false
	}
	fl.perms = append(fl.perms, &drive.Permission{Kind: "drive#permission", Id: permissionID(email), Type: "user", Role: role, EmailAddress: email})
	return true
}

// FileView is a file as tests and the sandbox see it.
type FileView struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	MimeType      string            `json:"mimeType"`
	Parents       []string          `json:"parents,omitempty"`
	DriveID       string            `json:"driveId,omitempty"`
	Owner         string            `json:"owner,omitempty"`
	Trashed       bool              `json:"trashed"`
	AppProperties map[string]string `json:"appProperties,omitempty"`
}

// Files lists the files that exist (trashed ones included), oldest first.
func (f *Fake) Files() []FileView {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []FileView
	for _, id := range f.order {
		fl := f.files[id]
		if fl.deleted {
			continue
		}
		out = append(out, FileView{ID: id, Name: fl.meta.Name, MimeType: fl.meta.MimeType, Parents: fl.meta.Parents,
			DriveID: fl.meta.DriveId, Owner: fl.owner, Trashed: fl.meta.Trashed, AppProperties: fl.meta.AppProperties})
	}
	return out
}

// PermissionView is one permission on one file.
type PermissionView struct {
	FileID string `json:"fileId"`
	ID     string `json:"id"`
	Type   string `json:"type"`
	Role   string `json:"role"`
	Email  string `json:"emailAddress,omitempty"`
	Domain string `json:"domain,omitempty"`
}

// Permissions lists every explicit permission on every existing file.
func (f *Fake) Permissions() []PermissionView {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []PermissionView{}
	for _, id := range f.order {
		fl := f.files[id]
		if fl.deleted {
			continue
		}
		for _, p := range fl.perms {
			out = append(out, PermissionView{FileID: id, ID: p.Id, Type: p.Type, Role: p.Role, Email: p.EmailAddress, Domain: p.Domain})
		}
	}
	return out
}

// visibleLocked returns the file when principal may see it through this
// request: it exists, and a shared-drive item needs supportsAllDrives.
func (f *Fake) visibleLocked(c *call, id string) *file {
	fl := f.files[id]
	if fl == nil || fl.deleted {
		return nil
	}
	if fl.meta.DriveId != "" && !c.boolParam("supportsAllDrives") {
		return nil
	}
	if f.roleLocked(fl, c.principal) == "" {
		return nil
	}
	return fl
}

// roleLocked is principal's role on the file, "" for none.
func (f *Fake) roleLocked(fl *file, principal string) string {
	principal = strings.ToLower(principal)
	if fl.owner != "" && fl.owner == principal {
		return "owner"
	}
	if d := f.drives[fl.meta.DriveId]; d != nil {
		if r := d.members[principal]; r != "" {
			return r
		}
	}
	for _, p := range fl.perms {
		if p.Type == "anyone" || p.Type == "user" && strings.EqualFold(p.EmailAddress, principal) {
			return p.Role
		}
	}
	return ""
}

func canWrite(role string) bool {
	return role == "owner" || role == "organizer" || role == "fileOrganizer" || role == "writer"
}

func notFound(c *call, id string) {
	writeErrorAt(c.w, http.StatusNotFound, "File not found: "+id+".", "notFound", "fileId")
}

func (f *Fake) webViewLink(fl *file) string {
	if fl.meta.MimeType == MimeSpreadsheet {
		return f.baseURL + "/spreadsheets/d/" + fl.meta.Id + "/edit?usp=drivesdk"
	}
	return f.baseURL + "/file/d/" + fl.meta.Id + "/view?usp=drivesdk"
}

func (f *Fake) fileJSON(fl *file) *drive.File {
	m := fl.meta
	m.Kind = "drive#file"
	m.WebViewLink = f.webViewLink(fl)
	if fl.owner != "" {
		m.Owners = []*drive.User{{Kind: "drive#user", EmailAddress: fl.owner, Me: false}}
	}
	return &m
}

func (f *Fake) filesCreate(c *call) {
	var in drive.File
	if !c.decode(&in) {
		return
	}
	if in.Id != "" || in.DriveId != "" || in.Trashed || in.WebViewLink != "" {
		writeErrorAt(c.w, http.StatusForbidden, "The resource body includes fields which are not directly writable.", "fieldNotWritable", "")
		return
	}
	if msg := checkAppProperties(in.AppProperties); msg != "" {
		writeErrorAt(c.w, http.StatusBadRequest, msg, "invalid", "appProperties")
		return
	}
	if len(in.Parents) > 1 {
		writeErrorAt(c.w, http.StatusForbidden, "Increasing the number of parents is not allowed.", "cannotAddParent", "")
		return
	}
	if in.MimeType == "" {
		in.MimeType = "application/octet-stream"
	}
	if in.Name == "" {
		in.Name = "Untitled"
	}
	f.mu.Lock()
	driveID := ""
	if len(in.Parents) == 1 {
		p := in.Parents[0]
		if d := f.drives[p]; d != nil {
			if !c.boolParam("supportsAllDrives") || d.members[strings.ToLower(c.principal)] == "" {
				f.mu.Unlock()
				notFound(c, p)
				return
			}
			driveID = d.id
		} else {
			pf := f.visibleLocked(c, p)
			if pf == nil || pf.meta.MimeType != MimeFolder {
				f.mu.Unlock()
				notFound(c, p)
				return
			}
			if !canWrite(f.roleLocked(pf, c.principal)) {
				f.mu.Unlock()
				writeErrorAt(c.w, http.StatusForbidden, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions", "")
				return
			}
			driveID = pf.meta.DriveId
		}
	}
	if driveID == "" && isServiceAccount(c.principal) {
		f.mu.Unlock()
		f.log.Debug("service account has no drive storage", "principal", c.principal)
		writeErrorAt(c.w, http.StatusForbidden, storageQuotaMessage, "storageQuotaExceeded", "")
		return
	}
	id := f.newIDLocked("1sf")
	now := f.clk.Now().UTC().Format(time.RFC3339Nano)
	fl := &file{meta: drive.File{Id: id, Name: in.Name, MimeType: in.MimeType, Parents: in.Parents, DriveId: driveID,
		AppProperties: in.AppProperties, Description: in.Description, CreatedTime: now, ModifiedTime: now}}
	if driveID == "" {
		fl.owner = strings.ToLower(c.principal)
		fl.perms = []*drive.Permission{{Kind: "drive#permission", Id: permissionID(c.principal), Type: "user", Role: "owner", EmailAddress: c.principal}}
		if len(fl.meta.Parents) == 0 {
			fl.meta.Parents = []string{"root-" + permissionID(c.principal)}
		}
	}
	f.files[id] = fl
	f.order = append(f.order, id)
	if in.MimeType == MimeSpreadsheet {
		f.books[id] = newSpreadsheet(id, in.Name)
	}
	hook := f.createHook
	out := f.fileJSON(fl)
	f.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	c.writeJSON(out)
}

func checkAppProperties(p map[string]string) string {
	if len(p) > 30 {
		return "A file may have at most 30 appProperties per application."
	}
	for k, v := range p {
		if len(k)+len(v) > 124 {
			return fmt.Sprintf("The appProperty %q is too long: key and value together may have at most 124 bytes.", k)
		}
	}
	return ""
}

func (f *Fake) filesGet(c *call) {
	f.mu.Lock()
	fl := f.visibleLocked(c, c.r.PathValue("fileId"))
	if fl == nil {
		f.mu.Unlock()
		notFound(c, c.r.PathValue("fileId"))
		return
	}
	out := f.fileJSON(fl)
	f.mu.Unlock()
	c.writeJSON(out)
}

func (f *Fake) filesUpdate(c *call) {
	var in drive.File
	if !c.decode(&in) {
		return
	}
	if len(in.Parents) > 0 {
		writeErrorAt(c.w, http.StatusForbidden, "The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.", "fieldNotWritable", "")
		return
	}
	if in.Id != "" || in.DriveId != "" || in.MimeType != "" {
		writeErrorAt(c.w, http.StatusForbidden, "The resource body includes fields which are not directly writable.", "fieldNotWritable", "")
		return
	}
	f.mu.Lock()
	id := c.r.PathValue("fileId")
	fl := f.visibleLocked(c, id)
	if fl == nil {
		f.mu.Unlock()
		notFound(c, id)
		return
	}
	if !canWrite(f.roleLocked(fl, c.principal)) {
		f.mu.Unlock()
		writeErrorAt(c.w, http.StatusForbidden, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions", "")
		return
	}
	if in.Name != "" {
		fl.meta.Name = in.Name
		if b := f.books[id]; b != nil {
			b.props.Title = in.Name
		}
	}
	if in.Description != "" {
		fl.meta.Description = in.Description
	}
	// Trashed is a plain bool: the client sends it only when set, so an
	// absent field and false are the same here; restoring is done by
	// people in the Drive UI.
	if in.Trashed {
		fl.meta.Trashed = true
	}
	if len(in.AppProperties) > 0 {
		merged := map[string]string{}
		for k, v := range fl.meta.AppProperties {
			merged[k] = v
		}
		for k, v := range in.AppProperties {
			merged[k] = v
		}
		if msg := checkAppProperties(merged); msg != "" {
			f.mu.Unlock()
			writeErrorAt(c.w, http.StatusBadRequest, msg, "invalid", "appProperties")
			return
		}
		fl.meta.AppProperties = merged
	}
	fl.meta.ModifiedTime = f.clk.Now().UTC().Format(time.RFC3339Nano)
	out := f.fileJSON(fl)
	f.mu.Unlock()
	c.writeJSON(out)
}

func (f *Fake) filesDelete(c *call) {
	f.mu.Lock()
	id := c.r.PathValue("fileId")
	fl := f.visibleLocked(c, id)
	if fl == nil {
		f.mu.Unlock()
		notFound(c, id)
		return
	}
	if r := f.roleLocked(fl, c.principal); r != "owner" && r != "organizer" {
		f.mu.Unlock()
		writeErrorAt(c.w, http.StatusForbidden, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions", "")
		return
	}
	fl.deleted = true
	delete(f.books, id)
	f.mu.Unlock()
	c.w.WriteHeader(http.StatusNoContent)
}

func (f *Fake) filesList(c *call) {
	var terms []term
	if q := c.q["q"]; q != "" {
		var err error
		if terms, err = parseQuery(q); err != nil {
			f.log.Debug("drive query refused", "q", q, "err", err)
			writeErrorAt(c.w, http.StatusBadRequest, "Invalid Value", "invalid", "q")
			return
		}
	}
	corpora := c.q["corpora"]
	if corpora == "" {
		corpora = "user"
	}
	all, supports := c.boolParam("includeItemsFromAllDrives"), c.boolParam("supportsAllDrives")
	switch {
	case !slices.Contains([]string{"user", "drive", "allDrives", "domain"}, corpora):
		writeErrorAt(c.w, http.StatusBadRequest, "Invalid Value", "invalid", "corpora")
		return
	case (corpora == "drive") != (c.q["driveId"] != ""):
		writeErrorAt(c.w, http.StatusBadRequest, "The driveId parameter must be specified if and only if corpora is set to drive.", "invalid", "driveId")
		return
	case all && !supports:
		writeErrorAt(c.w, http.StatusForbidden, "The includeItemsFromAllDrives parameter can only be set to true if supportsAllDrives is also set to true.", "teamDrivesParameterRequiresSupportsTeamDrives", "includeItemsFromAllDrives")
		return
	case (corpora == "drive" || corpora == "allDrives") && !all:
		writeErrorAt(c.w, http.StatusBadRequest, "The includeItemsFromAllDrives parameter must be set to true when corpora is set to drive or allDrives.", "invalid", "includeItemsFromAllDrives")
		return
	case c.q["orderBy"] != "" && c.q["orderBy"] != "createdTime":
		// Files are kept in creation order, the one order the fake serves.
		writeErrorAt(c.w, http.StatusBadRequest, "sheetsfake serves orderBy=createdTime only", "invalid", "orderBy")
		return
	case c.q["spaces"] != "" && c.q["spaces"] != "drive":
		writeErrorAt(c.w, http.StatusBadRequest, "Invalid Value", "invalid", "spaces")
		return
	}
	size := 100
	if s := c.q["pageSize"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			writeErrorAt(c.w, http.StatusBadRequest, "Invalid value '"+s+"'. Values must be within the range: [1, 1000]", "invalidParameter", "pageSize")
			return
		}
		size = n
	}
	offset := 0
	if t := c.q["pageToken"]; t != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(t, "p"))
		if err != nil || !strings.HasPrefix(t, "p") {
			writeErrorAt(c.w, http.StatusBadRequest, "Invalid Value", "invalid", "pageToken")
			return
		}
		offset = n
	}
	f.mu.Lock()
	if corpora == "drive" {
		d := f.drives[c.q["driveId"]]
		if d == nil || d.members[strings.ToLower(c.principal)] == "" {
			f.mu.Unlock()
			writeErrorAt(c.w, http.StatusNotFound, "Shared drive not found: "+c.q["driveId"], "notFound", "driveId")
			return
		}
	}
	var match []*drive.File
	for _, id := range f.order {
		fl := f.files[id]
		if fl.deleted || f.roleLocked(fl, c.principal) == "" {
			continue
		}
		inDrive := fl.meta.DriveId != ""
		switch corpora {
		case "user", "domain":
			if inDrive && !all {
				continue
			}
		case "drive":
			if fl.meta.DriveId != c.q["driveId"] {
				continue
			}
		}
		if !matchAll(terms, fl) {
			continue
		}
		match = append(match, f.fileJSON(fl))
	}
	f.mu.Unlock()
	// Drive sends files (even empty) and incompleteSearch, which the
	// client library's type would leave out.
	out := &fileList{Kind: "drive#fileList", Files: []*drive.File{}}
	if offset < len(match) {
		out.Files = match[offset:min(len(match), offset+size)]
	}
	if offset+size < len(match) {
		out.NextPageToken = "p" + strconv.Itoa(offset+size)
	}
	c.writeJSON(out)
}

// writeErrorAt answers with Drive's error envelope, which names the
// offending parameter.
func writeErrorAt(w http.ResponseWriter, status int, msg, reason, location string) {
	domain := "global"
	if reason == "storageQuotaExceeded" {
		domain = "usageLimits"
	}
	e := map[string]string{"message": msg, "domain": domain, "reason": reason}
	if location != "" {
		e["locationType"], e["location"] = "parameter", location
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = jsonEncode(w, map[string]any{"error": map[string]any{"code": status, "message": msg, "errors": []map[string]string{e}}})
}

type fileList struct {
	Kind             string        `json:"kind"`
	IncompleteSearch bool          `json:"incompleteSearch"`
	Files            []*drive.File `json:"files"`
	NextPageToken    string        `json:"nextPageToken,omitempty"`
}
