package sheets

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"google.golang.org/api/drive/v3"
)

// Roles a grant may have.
const (
	RoleReader = "reader"
	RoleWriter = "writer"
)

// Grant is one person the spreadsheet is to be shared with.
type Grant struct {
	Email string
	Role  string // RoleReader or RoleWriter
	// Notify sends Drive's notification email with the message; without
	// it the person finds the file under "Shared with me".
	Notify bool
}

// Permission is a permission on the file that Liaison did not make.
type Permission struct {
	ID, Type, Role, Email, Domain string
}

// ShareResult is what Share changed and saw.
type ShareResult struct {
	Granted []GrantState
	Revoked []GrantState
	// HandAdded are permissions someone added in Drive: left alone.
	HandAdded []Permission
	// NotifiedAnyway lists addresses shared with the notification email
	// although none was asked for: they have no Google account, and Drive
	// shares with such addresses only by email.
	NotifiedAnyway []string
	// Failed are grants Drive refused; the others went ahead.
	Failed        []*SharingError
	Reads, Writes int
}

// normalize lower-cases and dedupes grants, the stronger role winning.
func normalize(wanted []Grant) ([]Grant, error) {
	byEmail := map[string]Grant{}
	var order []string
	for _, g := range wanted {
		g.Email = strings.ToLower(strings.TrimSpace(g.Email))
		if g.Email == "" || !strings.Contains(g.Email, "@") {
			return nil, fmt.Errorf("sharing: %q is not an email address", g.Email)
		}
		if g.Role != RoleReader && g.Role != RoleWriter {
			return nil, fmt.Errorf("sharing with %s: role %q is not reader or writer", g.Email, g.Role)
		}
		old, ok := byEmail[g.Email]
		if !ok {
			order = append(order, g.Email)
		} else if old.Role == RoleWriter {
			g.Role = RoleWriter
		}
		g.Notify = g.Notify || old.Notify
		byEmail[g.Email] = g
	}
	out := make([]Grant, len(order))
	for i, e := range order {
		out[i] = byEmail[e]
	}
	return out, nil
}

// InSync reports whether st's grants are exactly wanted, so that a run
// may skip Drive.
func InSync(st State, wanted []Grant) bool {
	w, err := normalize(wanted)
	if err != nil || len(w) != len(st.Grants)+len(st.Covered) {
		return false
	}
	for _, g := range w {
		if !slices.ContainsFunc(st.Grants, func(s GrantState) bool { return s.Email == g.Email && s.Role == g.Role }) &&
			!slices.Contains(st.Covered, g.Email+":"+g.Role) {
			return false
		}
	}
	return true
}

// Share brings the file's permissions to wanted: it creates the missing
// ones (type user only), deletes the ones Liaison made that are no longer
// wanted, and leaves alone and reports the ones someone added by hand. A
// hand-added permission already giving the wanted access is not
// duplicated. message is the notification email's text, in the reader's
// language. st.Grants is updated after each change.
func (c *Client) Share(ctx context.Context, st *State, wanted []Grant, message string) (ShareResult, error) {
	var res ShareResult
	if st.SpreadsheetID == "" {
		return res, errors.New("sharing: no spreadsheet located")
	}
	want, err := normalize(wanted)
	if err != nil {
		return res, err
	}
	existing, err := c.listPermissions(ctx, st.SpreadsheetID, &res)
	if err != nil {
		return res, err
	}
	ours := map[string]bool{}
	for _, g := range st.Grants {
		ours[g.PermissionID] = true
	}
	present := map[string]*drive.Permission{}
	for _, p := range existing {
		present[p.Id] = p
	}
	// Revoke what Liaison granted and no longer wants (or wants with
	// another role: Drive then gets a fresh grant).
	keep := st.Grants[:0:0]
	for _, g := range st.Grants {
		wantedRole := ""
		for _, w := range want {
			if w.Email == g.Email {
				wantedRole = w.Role
			}
		}
		if wantedRole == g.Role && present[g.PermissionID] != nil {
			keep = append(keep, g)
			continue
		}
		if present[g.PermissionID] != nil {
			err := c.writeDrive(ctx, func() error {
				return c.drive.Permissions.Delete(st.SpreadsheetID, g.PermissionID).SupportsAllDrives(true).Context(ctx).Do()
			})
			res.Writes++
			if err != nil && !errors.Is(c.classify(err), ErrNotFound) {
				st.Grants = append(keep, st.Grants[len(keep):]...)
				return res, fmt.Errorf("revoking %s's access: %w", g.Email, c.classify(err))
			}
			delete(present, g.PermissionID)
			res.Revoked = append(res.Revoked, g)
		}
	}
	st.Grants = keep
	for _, p := range present {
		if ours[p.Id] || p.Role == "owner" || inherited(p) {
			continue
		}
		res.HandAdded = append(res.HandAdded, Permission{ID: p.Id, Type: p.Type, Role: p.Role, Email: strings.ToLower(p.EmailAddress), Domain: p.Domain})
	}
	slices.SortFunc(res.HandAdded, func(a, b Permission) int { return strings.Compare(a.Email+a.ID, b.Email+b.ID) })
	st.Covered = nil
	for _, w := range want {
		if slices.ContainsFunc(st.Grants, func(g GrantState) bool { return g.Email == w.Email }) {
			continue
		}
		if covered(existing, present, w) {
			st.Covered = append(st.Covered, w.Email+":"+w.Role)
			continue
		}
		g, notified, err := c.grant(ctx, st.SpreadsheetID, w, message, &res)
		if err != nil {
			var se *SharingError
			if errors.As(err, &se) {
				res.Failed = append(res.Failed, se)
				continue
			}
			return res, err
		}
		if notified {
			res.NotifiedAnyway = append(res.NotifiedAnyway, w.Email)
		}
		st.Grants = append(st.Grants, g)
		res.Granted = append(res.Granted, g)
	}
	st.SharedAt = c.clk.Now()
	return res, nil
}

// covered reports whether someone else's permission (hand-added,
// inherited from the shared drive, the owner) already gives w's access.
func covered(all []*drive.Permission, present map[string]*drive.Permission, w Grant) bool {
	for _, p := range all {
		if present[p.Id] == nil || p.Type != "user" || !strings.EqualFold(p.EmailAddress, w.Email) {
			continue
		}
		if p.Role != "reader" && p.Role != "commenter" || w.Role == RoleReader {
			return true
		}
	}
	return false
}

func inherited(p *drive.Permission) bool {
	for _, d := range p.PermissionDetails {
		if d.Inherited {
			return true
		}
	}
	return false
}

func (c *Client) listPermissions(ctx context.Context, fileID string, res *ShareResult) ([]*drive.Permission, error) {
	var out []*drive.Permission
	token := ""
	for {
		call := c.drive.Permissions.List(fileID).SupportsAllDrives(true).PageSize(100).
			Fields("permissions(id,type,role,emailAddress,domain,permissionDetails(inherited)),nextPageToken")
		if token != "" {
			call = call.PageToken(token)
		}
		pl, err := call.Context(ctx).Do()
		res.Reads++
		if err != nil {
			return nil, fmt.Errorf("listing the permissions of %s: %w", fileID, c.classify(err))
		}
		out = append(out, pl.Permissions...)
		if pl.NextPageToken == "" {
			return out, nil
		}
		token = pl.NextPageToken
	}
}

// grant creates one user permission. Drive refuses to share with an
// address that has no Google account unless it sends the notification
// email: then the grant is retried with the email, and notified is true.
func (c *Client) grant(ctx context.Context, fileID string, w Grant, message string, res *ShareResult) (GrantState, bool, error) {
	create := func(notify bool) (*drive.Permission, error) {
		var p *drive.Permission
		err := c.writeDrive(ctx, func() error {
			call := c.drive.Permissions.Create(fileID, &drive.Permission{Type: "user", Role: w.Role, EmailAddress: w.Email}).
				SupportsAllDrives(true).SendNotificationEmail(notify).Fields("id,type,role,emailAddress")
			if notify && message != "" {
				call = call.EmailMessage(message)
			}
			var err error
			p, err = call.Context(ctx).Do()
			return err
		})
		res.Writes++
		return p, err
	}
	p, err := create(w.Notify)
	notified := false
	if a, ok := asAPIError(err); ok && a.code == http.StatusBadRequest && a.has("invalidSharingRequest") && !w.Notify {
		c.log.Info("address has no Google account; sharing with the notification email", "email", w.Email)
		p, err = create(true)
		notified = true
	}
	if err != nil {
		if a, ok := asAPIError(err); ok && a.code >= 400 && a.code < 500 && a.code != http.StatusTooManyRequests && a.code != http.StatusNotFound {
			reason := ""
			if len(a.reasons) > 0 {
				reason = a.reasons[0]
			}
			return GrantState{}, false, &SharingError{Email: w.Email, Role: w.Role, Reason: reason, Err: errors.New(a.message)}
		}
		return GrantState{}, false, fmt.Errorf("sharing with %s: %w", w.Email, c.classify(err))
	}
	return GrantState{Email: w.Email, Role: w.Role, PermissionID: p.Id}, notified, nil
}
