package jirafake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	changedWorklogsPage = 1000
	worklogListMax      = 1000
)

// AddWorklog logs time on an issue: TimeSpent grows, the remaining estimate
// shrinks (Jira's adjustEstimate=auto) and the issue's Updated moves to now.
func (f *Fake) AddWorklog(in Worklog) (Worklog, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	is, ok := f.byKey[in.IssueKey]
	if !ok {
		return Worklog{}, fmt.Errorf("adding worklog: issue %q: %w", in.IssueKey, ErrNotFound)
	}
	author := orDefault(in.Author, DefaultAccountID)
	if f.userLocked(author) == nil {
		return Worklog{}, fmt.Errorf("adding worklog: unknown author %q", author)
	}
	if in.TimeSpentSeconds <= 0 {
		return Worklog{}, fmt.Errorf("adding worklog: TimeSpentSeconds must be positive")
	}
	now := f.clock.Now()
	if in.Started.IsZero() {
		in.Started = now
	}
	wl := &worklog{id: f.nextWorklog, issueID: is.id, author: author, started: in.Started, seconds: in.TimeSpentSeconds,
		comment: adfFromText(in.Comment), created: now, updated: now}
	f.insertWorklogLocked(is, wl, true)
	return f.worklogSnapshotLocked(wl), nil
}

func (f *Fake) insertWorklogLocked(is *issue, wl *worklog, autoAdjust bool) {
	f.nextWorklog++
	f.worklogs[wl.id] = wl
	f.adjustSpentLocked(is, wl.seconds, autoAdjust)
}

func (f *Fake) adjustSpentLocked(is *issue, delta int64, autoAdjust bool) {
	spent := delta
	if is.spent != nil {
		spent += *is.spent
	}
	if spent <= 0 {
		is.spent = nil
	} else {
		is.spent = &spent
	}
	if autoAdjust && is.remEst != nil {
		rem := max(*is.remEst-delta, 0)
		is.remEst = &rem
	}
	f.touchLocked(is)
}

// UpdateWorklog edits a worklog through fn; its Updated moves to now, so it
// shows up again in /worklog/updated.
func (f *Fake) UpdateWorklog(id string, fn func(*Worklog)) (Worklog, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	wl := f.worklogByIDLocked(id)
	if wl == nil {
		return Worklog{}, fmt.Errorf("updating worklog %s: %w", id, ErrNotFound)
	}
	snap := f.worklogSnapshotLocked(wl)
	fn(&snap)
	if snap.TimeSpentSeconds <= 0 {
		return Worklog{}, fmt.Errorf("updating worklog %s: TimeSpentSeconds must be positive", id)
	}
	is := f.issues[wl.issueID]
	f.adjustSpentLocked(is, snap.TimeSpentSeconds-wl.seconds, false)
	wl.seconds, wl.started, wl.comment = snap.TimeSpentSeconds, snap.Started, adfFromText(snap.Comment)
	wl.updated = f.clock.Now()
	return f.worklogSnapshotLocked(wl), nil
}

// DeleteWorklog removes a worklog; it shows up in /worklog/deleted.
func (f *Fake) DeleteWorklog(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	wl := f.worklogByIDLocked(id)
	if wl == nil {
		return fmt.Errorf("deleting worklog %s: %w", id, ErrNotFound)
	}
	delete(f.worklogs, wl.id)
	f.deletedWL = append(f.deletedWL, deletedWorklog{id: wl.id, deleted: f.clock.Now()})
	f.adjustSpentLocked(f.issues[wl.issueID], -wl.seconds, false)
	return nil
}

// Worklogs returns a snapshot of every worklog, ordered by id.
func (f *Fake) Worklogs() []Worklog {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]Worklog, 0, len(f.worklogs))
	for _, wl := range f.worklogs {
		out = append(out, f.worklogSnapshotLocked(wl))
	}
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].ID, out[j].ID) })
	return out
}

func (f *Fake) worklogByIDLocked(id string) *worklog {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil
	}
	return f.worklogs[n]
}

func (f *Fake) worklogSnapshotLocked(wl *worklog) Worklog {
	key := ""
	if is := f.issues[wl.issueID]; is != nil {
		key = is.key
	}
	return Worklog{ID: itoa(wl.id), IssueKey: key, Author: wl.author, Started: wl.started, TimeSpentSeconds: wl.seconds,
		Comment: adfText(wl.comment), Created: wl.created, Updated: wl.updated}
}

func (f *Fake) renderWorklog(wl *worklog, api, ver string) map[string]any {
	author := f.renderUserRef(wl.author, api)
	m := map[string]any{
		"self": api + "/issue/" + itoa(wl.issueID) + "/worklog/" + itoa(wl.id), "id": itoa(wl.id), "issueId": itoa(wl.issueID),
		"author": author, "updateAuthor": author, "created": f.fmtTime(wl.created), "updated": f.fmtTime(wl.updated),
		"started": f.fmtTime(wl.started), "timeSpent": formatJiraDuration(wl.seconds), "timeSpentSeconds": wl.seconds,
	}
	if c := richText(wl.comment, ver); c != nil {
		m["comment"] = c
	}
	return m
}

// formatJiraDuration renders seconds as Jira does ("1d 2h 30m"; 8h days, 5d weeks).
func formatJiraDuration(secs int64) string {
	var parts []string
	for _, u := range []struct {
		n    int64
		name string
	}{{5 * 8 * 3600, "w"}, {8 * 3600, "d"}, {3600, "h"}, {60, "m"}} {
		if secs >= u.n {
			parts = append(parts, strconv.FormatInt(secs/u.n, 10)+u.name)
			secs %= u.n
		}
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}

func (f *Fake) handleGetIssueWorklogs(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "startAt", "maxResults", "startedAfter", "startedBefore", "expand") {
		return
	}
	startAt, maxResults, ok := pageParams(w, r, 5000)
	if !ok {
		return
	}
	after, before := int64(0), int64(1<<62)
	for name, dst := range map[string]*int64{"startedAfter": &after, "startedBefore": &before} {
		if s := r.URL.Query().Get(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				badRequest(w, "The value '"+s+"' is invalid for the '"+name+"' parameter.")
				return
			}
			*dst = n
		}
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	is := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if is == nil {
		issueNotFound(w)
		return
	}
	var list []*worklog
	for _, wl := range f.worklogs {
		ms := wl.started.UnixMilli()
		if wl.issueID == is.id && ms >= after && ms <= before {
			list = append(list, wl)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].started.Equal(list[j].started) {
			return list[i].started.Before(list[j].started)
		}
		return list[i].id < list[j].id
	})
	api, ver := f.baseURL(r)+"/rest/api/"+apiVersion(r), apiVersion(r)
	out := []any{}
	for k := startAt; k < len(list) && len(out) < maxResults; k++ {
		out = append(out, f.renderWorklog(list[k], api, ver))
	}
	writeJSON(w, http.StatusOK, map[string]any{"startAt": startAt, "maxResults": maxResults, "total": len(list), "worklogs": out})
}

func (f *Fake) handleAddWorklog(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "notifyUsers", "adjustEstimate", "newEstimate", "reduceBy", "expand", "overrideEditableFlag") {
		return
	}
	var in map[string]any
	if !decodeBody(w, r, &in) {
		return
	}
	ver := apiVersion(r)
	errs := map[string]string{}
	var secs int64
	if n, ok := in["timeSpentSeconds"].(json.Number); ok {
		secs, _ = n.Int64()
		if _, both := in["timeSpent"]; both {
			errs["timeLogged"] = "You cannot specify both timeSpent and timeSpentSeconds."
		}
	} else if s, ok := in["timeSpent"].(string); ok {
		secs, _ = parseJiraDuration(s)
	}
	if secs <= 0 && errs["timeLogged"] == "" {
		errs["timeLogged"] = "You must indicate the time spent working."
	}
	started, err := time.Parse(jiraTimeLayout, asString(in["started"]))
	if err != nil {
		errs["started"] = "You must specify a valid start date, in the format 'yyyy-MM-dd'T'HH:mm:ss.SSSZ'."
	}
	comment, err := richTextInput(in["comment"], ver)
	if err != nil {
		errs["comment"] = err.Error()
	}
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, nil, errs)
		return
	}
	adjust := orDefault(r.URL.Query().Get("adjustEstimate"), "auto")
	if adjust != "auto" && adjust != "leave" {
		badRequest(w, "The fake supports adjustEstimate 'auto' and 'leave' only.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	is := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if is == nil {
		issueNotFound(w)
		return
	}
	now := f.clock.Now()
	wl := &worklog{id: f.nextWorklog, issueID: is.id, author: f.currentUserLocked(r).AccountID, started: started,
		seconds: secs, comment: comment, created: now, updated: now}
	f.insertWorklogLocked(is, wl, adjust == "auto")
	writeJSON(w, http.StatusCreated, f.renderWorklog(wl, f.baseURL(r)+"/rest/api/"+ver, ver))
}

type change struct {
	ms int64
	id int64
}

func (f *Fake) handleWorklogsUpdated(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "since", "expand") {
		return
	}
	f.changedFeed(w, r, "updated", func() []change {
		out := make([]change, 0, len(f.worklogs))
		for _, wl := range f.worklogs {
			out = append(out, change{wl.updated.UnixMilli(), wl.id})
		}
		return out
	})
}

func (f *Fake) handleWorklogsDeleted(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "since") {
		return
	}
	f.changedFeed(w, r, "deleted", func() []change {
		out := make([]change, 0, len(f.deletedWL))
		for _, d := range f.deletedWL {
			out = append(out, change{d.deleted.UnixMilli(), d.id})
		}
		return out
	})
}

// changedFeed serves ChangedWorklogs: changes at or after since, older than
// the change delay, oldest first, pages cut between milliseconds.
func (f *Fake) changedFeed(w http.ResponseWriter, r *http.Request, kind string, collect func() []change) {
	since := int64(0)
	if s := r.URL.Query().Get("since"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			badRequest(w, "The value '"+s+"' is invalid for the 'since' parameter.")
			return
		}
		since = n
	}
	cutoff := int64(1 << 62)
	if f.opts.WorklogChangeDelay > 0 {
		cutoff = f.clock.Now().Add(-f.opts.WorklogChangeDelay).UnixMilli()
	}
	f.mu.RLock()
	all := collect()
	f.mu.RUnlock()
	var items []change
	for _, c := range all {
		if c.ms >= since && c.ms <= cutoff {
			items = append(items, c)
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].ms != items[j].ms {
			return items[i].ms < items[j].ms
		}
		return items[i].id < items[j].id
	})
	n := len(items)
	if n > changedWorklogsPage {
		n = changedWorklogsPage
		for n > 0 && items[n].ms == items[n-1].ms {
			n--
		}
		if n == 0 {
			for n < len(items) && items[n].ms == items[0].ms {
				n++
			}
		}
	}
	page := items[:n]
	values := make([]any, 0, len(page))
	until := since
	for _, c := range page {
		values = append(values, map[string]any{"worklogId": c.id, "updatedTime": c.ms, "properties": []any{}})
		until = c.ms
	}
	self := f.baseURL(r) + "/rest/api/" + apiVersion(r) + "/worklog/" + kind + "?since="
	out := map[string]any{"values": values, "since": since, "until": until, "self": self + strconv.FormatInt(since, 10),
		"lastPage": n == len(items)}
	if n < len(items) {
		out["nextPage"] = self + strconv.FormatInt(until+1, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) handleWorklogList(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "expand") {
		return
	}
	var in struct {
		IDs *[]int64 `json:"ids"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || in.IDs == nil {
		badRequest(w, "The request body must be {\"ids\": [worklog ids]}.")
		return
	}
	if len(*in.IDs) > worklogListMax {
		badRequest(w, "The number of worklog ids must not exceed 1000.")
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	api, ver := f.baseURL(r)+"/rest/api/"+apiVersion(r), apiVersion(r)
	out := []any{}
	seen := map[int64]bool{}
	for _, id := range *in.IDs {
		// Unknown and deleted ids are skipped silently, as Jira does.
		if wl := f.worklogs[id]; wl != nil && !seen[id] {
			seen[id] = true
			out = append(out, f.renderWorklog(wl, api, ver))
		}
	}
	writeJSON(w, http.StatusOK, out)
}
