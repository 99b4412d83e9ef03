package jirafake

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound is returned by seeding methods for an unknown issue, project or worklog.
var ErrNotFound = errors.New("not found")

var projectKeyRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,9}$`)

// AddProject creates a project. Keys follow Jira's default rule: an
// upper-case letter then up to nine upper-case letters, digits or '_'.
func (f *Fake) AddProject(p Project) (Project, error) {
	if !projectKeyRE.MatchString(p.Key) {
		return Project{}, fmt.Errorf("adding project %q: key must match %s", p.Key, projectKeyRE)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, dup := f.projects[p.Key]; dup {
		return Project{}, fmt.Errorf("adding project %q: already exists", p.Key)
	}
	if p.ID == "" {
		p.ID = itoa(f.nextProject)
		f.nextProject++
	}
	if p.Name == "" {
		p.Name = p.Key
	}
	pr := &project{id: p.ID, key: p.Key, name: p.Name, nextNum: 1, issues: map[int64]*issue{}}
	f.projects[p.Key] = pr
	f.projectsByID[p.ID] = pr
	f.version++
	return p, nil
}

// AddUser adds an account. An APIToken lets it authenticate.
func (f *Fake) AddUser(u User) error {
	if u.AccountID == "" || u.DisplayName == "" {
		return errors.New("adding user: AccountID and DisplayName are required")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.users {
		if x.AccountID == u.AccountID || (u.Email != "" && x.Email == u.Email) {
			return fmt.Errorf("adding user %q: account id or email already exists", u.AccountID)
		}
	}
	f.users = append(f.users, &u)
	f.markWrittenLocked() // user names in cached compilations resolve anew
	return nil
}

// PutIssue creates an issue, or replaces every field of the issue with the
// same Key. Zero Created/Updated default to the clock's now.
func (f *Fake) PutIssue(in Issue) (Issue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	if in.Created.IsZero() {
		in.Created = now
	}
	if in.Updated.IsZero() {
		in.Updated = now
	}
	if in.Key != "" {
		if cur, ok := f.byKey[in.Key]; ok {
			if in.Project != "" && in.Project != cur.project.key {
				return Issue{}, fmt.Errorf("putting issue %s: use MoveIssue to change its project", in.Key)
			}
			if err := f.applyLocked(cur, in); err != nil {
				return Issue{}, fmt.Errorf("putting issue %s: %w", in.Key, err)
			}
			return f.snapshotLocked(cur), nil
		}
	}
	p, ok := f.projects[in.Project]
	if !ok {
		return Issue{}, fmt.Errorf("putting issue: project %q: %w", in.Project, ErrNotFound)
	}
	num := p.nextNum
	if in.Key != "" {
		pk, n, ok := splitKey(in.Key)
		if !ok || pk != p.key {
			return Issue{}, fmt.Errorf("putting issue: key %q does not belong to project %s", in.Key, p.key)
		}
		num = n
	}
	id := f.nextIssueID
	if in.ID != "" {
		n, err := strconv.ParseInt(in.ID, 10, 64)
		if err != nil || f.issues[n] != nil {
			return Issue{}, fmt.Errorf("putting issue: id %q is not numeric or is taken", in.ID)
		}
		id = n
	}
	is := &issue{id: id, key: p.key + "-" + strconv.Itoa(num), project: p}
	if err := f.applyLocked(is, in); err != nil {
		return Issue{}, fmt.Errorf("putting issue %s: %w", is.key, err)
	}
	if id >= f.nextIssueID {
		f.nextIssueID = id + 1
	}
	if num >= p.nextNum {
		p.nextNum = num + 1
	}
	f.issues[id] = is
	f.byKey[is.key] = is
	p.issues[id] = is
	f.appendIndexedLocked(is)
	return f.snapshotLocked(is), nil
}

// applyLocked copies a seed onto a stored issue after validating it.
func (f *Fake) applyLocked(is *issue, in Issue) error {
	st, ok := findStatus(orDefault(in.Status, "To Do"))
	if !ok {
		return fmt.Errorf("unknown status %q", in.Status)
	}
	it, ok := findIssueType(orDefault(in.IssueType, "Task"))
	if !ok {
		return fmt.Errorf("unknown issue type %q", in.IssueType)
	}
	if in.DueDate != "" {
		if _, err := time.Parse(time.DateOnly, in.DueDate); err != nil {
			return fmt.Errorf("due date %q is not yyyy-MM-dd", in.DueDate)
		}
	}
	for _, who := range []string{in.Assignee, in.Reporter} {
		if who != "" && f.userLocked(who) == nil {
			return fmt.Errorf("unknown account %q", who)
		}
	}
	var parentID int64
	if in.Parent != "" {
		p, ok := f.byKey[in.Parent]
		if !ok || p == is {
			return fmt.Errorf("parent %q: %w", in.Parent, ErrNotFound)
		}
		parentID = p.id
	}
	is.summary = in.Summary
	is.description = adfFromText(in.Description)
	is.status = st
	is.issueType = it
	is.assignee = in.Assignee
	is.reporter = in.Reporter
	is.due = in.DueDate
	is.origEst, is.remEst, is.spent = in.OriginalEstimate, in.RemainingEstimate, in.TimeSpent
	is.labels = slices.Clone(in.Labels)
	is.parentID = parentID
	is.created = in.Created
	f.setUpdatedLocked(is, in.Updated)
	is.resolved = in.ResolutionDate
	if st.category == "done" && is.resolved.IsZero() {
		is.resolved = in.Updated
	}
	is.props = map[string]json.RawMessage{}
	for k, v := range in.Properties {
		is.props[k] = v
	}
	f.markWrittenLocked()
	return nil
}

// UpdateIssue edits an issue through fn and stamps Updated with the clock's
// now, as any edit in Jira does. fn must not change Key or Project.
func (f *Fake) UpdateIssue(key string, fn func(*Issue)) (Issue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	is, ok := f.byKey[key]
	if !ok {
		return Issue{}, fmt.Errorf("updating issue %s: %w", key, ErrNotFound)
	}
	snap := f.snapshotLocked(is)
	fn(&snap)
	if snap.Key != is.key || snap.Project != is.project.key {
		return Issue{}, fmt.Errorf("updating issue %s: key and project cannot change; use MoveIssue", key)
	}
	snap.Updated = f.clock.Now()
	if err := f.applyLocked(is, snap); err != nil {
		return Issue{}, fmt.Errorf("updating issue %s: %w", key, err)
	}
	return f.snapshotLocked(is), nil
}

// DeleteIssue removes an issue; its worklogs show up in /worklog/deleted.
func (f *Fake) DeleteIssue(key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	is, ok := f.byKey[key]
	if !ok {
		return fmt.Errorf("deleting issue %s: %w", key, ErrNotFound)
	}
	now := f.clock.Now()
	for id, wl := range f.worklogs {
		if wl.issueID == is.id {
			delete(f.worklogs, id)
			f.deletedWL = append(f.deletedWL, deletedWorklog{id: id, deleted: now})
		}
	}
	for k, v := range f.byKey {
		if v == is {
			delete(f.byKey, k)
		}
	}
	delete(f.issues, is.id)
	delete(is.project.issues, is.id)
	is.deleted = true
	f.byUpdated = slices.DeleteFunc(f.byUpdated, func(x *issue) bool { return x == is })
	f.markWrittenLocked()
	return nil
}

// MoveIssue moves an issue to another project. It gets the next key there;
// the old key keeps resolving to it, as in Jira.
func (f *Fake) MoveIssue(key, toProject string) (Issue, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	is, ok := f.byKey[key]
	if !ok {
		return Issue{}, fmt.Errorf("moving issue %s: %w", key, ErrNotFound)
	}
	p, ok := f.projects[toProject]
	if !ok {
		return Issue{}, fmt.Errorf("moving issue %s: project %q: %w", key, toProject, ErrNotFound)
	}
	if p == is.project {
		return f.snapshotLocked(is), nil
	}
	delete(is.project.issues, is.id)
	is.project = p
	is.key = p.key + "-" + strconv.Itoa(p.nextNum)
	p.nextNum++
	p.issues[is.id] = is
	f.byKey[is.key] = is
	f.touchLocked(is)
	return f.snapshotLocked(is), nil
}

// Issue returns a snapshot of one issue by current or former key.
func (f *Fake) Issue(key string) (Issue, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	is, ok := f.byKey[key]
	if !ok {
		return Issue{}, false
	}
	return f.snapshotLocked(is), true
}

// Issues returns a snapshot of every issue, ordered by id.
func (f *Fake) Issues() []Issue {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]Issue, 0, len(f.issues))
	for _, is := range f.issues {
		out = append(out, f.snapshotLocked(is))
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].ID, out[j].ID) })
	return out
}

func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (f *Fake) snapshotLocked(is *issue) Issue {
	out := Issue{
		ID: itoa(is.id), Key: is.key, Project: is.project.key, Summary: is.summary,
		Description: adfText(is.description), Status: is.status.name, IssueType: is.issueType.name,
		Assignee: is.assignee, Reporter: is.reporter, DueDate: is.due,
		OriginalEstimate: is.origEst, RemainingEstimate: is.remEst, TimeSpent: is.spent,
		Labels: slices.Clone(is.labels), Created: is.created, Updated: is.updated,
		ResolutionDate: is.resolved, Properties: map[string]json.RawMessage{},
	}
	if p := f.issues[is.parentID]; p != nil {
		out.Parent = p.key
	}
	for k, v := range is.props {
		out.Properties[k] = v
	}
	return out
}

// markWrittenLocked invalidates cached searches.
func (f *Fake) markWrittenLocked() { f.version++ }

// touchLocked records an API edit: Updated becomes now.
func (f *Fake) touchLocked(is *issue) {
	f.setUpdatedLocked(is, f.clock.Now())
	f.markWrittenLocked()
}

func lessUpdated(a, b *issue) bool {
	c := a.updated.Compare(b.updated)
	return c < 0 || c == 0 && a.id < b.id
}

func (f *Fake) indexPosLocked(is *issue) int {
	return sort.Search(len(f.byUpdated), func(i int) bool { return !lessUpdated(f.byUpdated[i], is) })
}

// setUpdatedLocked changes Updated and keeps the updated index sorted: a
// single edit moves one entry instead of resorting 200,000.
func (f *Fake) setUpdatedLocked(is *issue, t time.Time) {
	if f.updatedDirty || f.issues[is.id] != is {
		is.updated = t
		return
	}
	i := f.indexPosLocked(is)
	if i >= len(f.byUpdated) || f.byUpdated[i] != is {
		is.updated = t
		f.updatedDirty = true
		return
	}
	f.byUpdated = slices.Delete(f.byUpdated, i, i+1)
	is.updated = t
	f.byUpdated = slices.Insert(f.byUpdated, f.indexPosLocked(is), is)
}

// appendIndexedLocked adds a new issue to the updated index; bulk seeding
// out of order marks it for one sort before the next search.
func (f *Fake) appendIndexedLocked(is *issue) {
	if n := len(f.byUpdated); n > 0 && lessUpdated(is, f.byUpdated[n-1]) {
		f.updatedDirty = true
	}
	f.byUpdated = append(f.byUpdated, is)
}

func (f *Fake) userLocked(accountID string) *User {
	for _, u := range f.users {
		if u.AccountID == accountID {
			return u
		}
	}
	return nil
}

// lookupLocked finds an issue by key (current or former) or numeric id.
func (f *Fake) lookupLocked(idOrKey string) *issue {
	if is, ok := f.byKey[strings.ToUpper(idOrKey)]; ok {
		return is
	}
	if n, err := strconv.ParseInt(idOrKey, 10, 64); err == nil {
		return f.issues[n]
	}
	return nil
}

func splitKey(key string) (string, int, bool) {
	i := strings.LastIndexByte(key, '-')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(key[i+1:])
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return key[:i], n, true
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
