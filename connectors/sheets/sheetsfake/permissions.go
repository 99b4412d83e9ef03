package sheetsfake

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/api/drive/v3"
)

var (
	permTypes = []string{"user", "group", "domain", "anyone"}
	permRoles = []string{"owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"}
)

func (f *Fake) permissionsCreate(c *call) {
	var in drive.Permission
	if !c.decode(&in) {
		return
	}
	id := c.r.PathValue("fileId")
	switch {
	case !slices.Contains(permTypes, in.Type):
		writeErrorAt(c.w, http.StatusBadRequest, "The permission type field is required.", "required", "permission.type")
		return
	case !slices.Contains(permRoles, in.Role):
		writeErrorAt(c.w, http.StatusBadRequest, "The permission role field is required.", "required", "permission.role")
		return
	case (in.Type == "user" || in.Type == "group") && in.EmailAddress == "":
		writeErrorAt(c.w, http.StatusBadRequest, "The permission emailAddress field is required for type "+in.Type+".", "required", "permission.emailAddress")
		return
	case in.Type == "domain" && in.Domain == "":
		writeErrorAt(c.w, http.StatusBadRequest, "The permission domain field is required for type domain.", "required", "permission.domain")
		return
	case in.Role == "owner" && !c.boolParam("transferOwnership"):
		writeErrorAt(c.w, http.StatusForbidden, "The transferOwnership parameter must be enabled when the permission role is 'owner'.", "forbidden", "transferOwnership")
		return
	}
	notify := in.Type == "user" || in.Type == "group"
	if v, ok := c.q["sendNotificationEmail"]; ok {
		notify = v == "true"
	}
	f.mu.Lock()
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
	if in.Type == "anyone" || in.Type == "domain" {
		v := fmt.Sprintf("permission of type %s (role %s) created on %s by %s", in.Type, in.Role, id, c.principal)
		f.violations = append(f.violations, v)
		f.log.Error("sheetsfake: forbidden permission", "violation", v)
	}
	email := strings.ToLower(in.EmailAddress)
	if in.Type == "user" && f.noAccount[email] && !notify {
		f.mu.Unlock()
		writeErrorAt(c.w, http.StatusBadRequest, fmt.Sprintf("Bad Request. User message: \"You are trying to invite %s. Since there is no Google account associated with this email address, you must check the \"Notify people\" box to invite this recipient.\"", in.EmailAddress), "invalidSharingRequest", "")
		return
	}
	p := &drive.Permission{Kind: "drive#permission", Type: in.Type, Role: in.Role, EmailAddress: in.EmailAddress, Domain: in.Domain}
	switch in.Type {
	case "anyone":
		p.Id = "anyoneWithLink"
	case "domain":
		p.Id = permissionID("domain:" + in.Domain)
	default:
		p.Id = permissionID(email)
	}
	replaced := false
	for i, old := range fl.perms {
		if old.Id == p.Id {
			if old.Role == "owner" {
				f.mu.Unlock()
				writeErrorAt(c.w, http.StatusForbidden, "The owner's role cannot be changed this way.", "forbidden", "")
				return
			}
			fl.perms[i], replaced = p, true
		}
	}
	if !replaced {
		fl.perms = append(fl.perms, p)
	}
	if notify && (in.Type == "user" || in.Type == "group") {
		f.emails = append(f.emails, Email{To: in.EmailAddress, FileID: id, Role: in.Role, Message: c.q["emailMessage"]})
	}
	out := *p
	f.mu.Unlock()
	c.writeJSON(&out)
}

func (f *Fake) permissionsList(c *call) {
	size := 100
	if s := c.q["pageSize"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			writeErrorAt(c.w, http.StatusBadRequest, "Invalid value '"+s+"'. Values must be within the range: [1, 100]", "invalidParameter", "pageSize")
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
	id := c.r.PathValue("fileId")
	f.mu.Lock()
	fl := f.visibleLocked(c, id)
	if fl == nil {
		f.mu.Unlock()
		notFound(c, id)
		return
	}
	var all []*drive.Permission
	d := f.drives[fl.meta.DriveId]
	for _, p := range fl.perms {
		q := *p
		if d != nil {
			q.PermissionDetails = []*drive.PermissionPermissionDetails{{PermissionType: "file", Role: p.Role, Inherited: false}}
		}
		all = append(all, &q)
	}
	if d != nil {
		emails := make([]string, 0, len(d.members))
		for e := range d.members {
			emails = append(emails, e)
		}
		slices.Sort(emails)
		for _, e := range emails {
			all = append(all, &drive.Permission{Kind: "drive#permission", Id: permissionID(e), Type: "user", Role: d.members[e], EmailAddress: e,
				PermissionDetails: []*drive.PermissionPermissionDetails{{PermissionType: "member", Role: d.members[e], Inherited: true, InheritedFrom: d.id}}})
		}
	}
	f.mu.Unlock()
	out := &permissionList{Kind: "drive#permissionList", Permissions: []*drive.Permission{}}
	if offset < len(all) {
		out.Permissions = all[offset:min(len(all), offset+size)]
	}
	if offset+size < len(all) {
		out.NextPageToken = "p" + strconv.Itoa(offset+size)
	}
	c.writeJSON(out)
}

func (f *Fake) permissionsDelete(c *call) {
	id, pid := c.r.PathValue("fileId"), c.r.PathValue("permissionId")
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := f.visibleLocked(c, id)
	if fl == nil {
		notFound(c, id)
		return
	}
	if !canWrite(f.roleLocked(fl, c.principal)) {
		writeErrorAt(c.w, http.StatusForbidden, "The user does not have sufficient permissions for this file.", "insufficientFilePermissions", "")
		return
	}
	for i, p := range fl.perms {
		if p.Id != pid {
			continue
		}
		if p.Role == "owner" {
			writeErrorAt(c.w, http.StatusForbidden, "The owner of a file cannot be removed.", "cannotRemoveOwner", "")
			return
		}
		fl.perms = slices.Delete(fl.perms, i, i+1)
		c.w.WriteHeader(http.StatusNoContent)
		return
	}
	if d := f.drives[fl.meta.DriveId]; d != nil && d.members[strings.ToLower(c.principal)] != "" {
		for e := range d.members {
			if permissionID(e) == pid {
				writeErrorAt(c.w, http.StatusForbidden, "The permission is inherited from the shared drive and cannot be deleted from the file.", "cannotDeleteInheritedPermission", "")
				return
			}
		}
	}
	writeErrorAt(c.w, http.StatusNotFound, "Permission not found: "+pid+".", "notFound", "permissionId")
}

type permissionList struct {
	Kind          string              `json:"kind"`
	Permissions   []*drive.Permission `json:"permissions"`
	NextPageToken string              `json:"nextPageToken,omitempty"`
}
