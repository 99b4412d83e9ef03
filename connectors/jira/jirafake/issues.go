package jirafake

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (f *Fake) handleGetIssue(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "fields", "fieldsByKeys", "expand", "properties", "updateHistory", "failFast") {
		return
	}
	q := r.URL.Query()
	sel := parseFieldSel(splitList(q["fields"]), true)
	f.mu.RLock()
	defer f.mu.RUnlock()
	is := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if is == nil {
		issueNotFound(w)
		return
	}
	if sel.idOnly {
		// GET issue always carries the envelope, even for fields=id.
		sel = fieldSel{fields: map[string]bool{}}
	}
	writeJSON(w, http.StatusOK, f.renderIssueLocked(is, sel, f.baseURL(r), apiVersion(r), splitList(q["properties"])))
}

// issueInput is IssueUpdateDetails as the fake reads it.
type issueInput struct {
	Fields     map[string]any              `json:"fields"`
	Update     map[string][]map[string]any `json:"update"`
	Properties []struct {
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	} `json:"properties"`
	Transition *struct {
		ID string `json:"id"`
	} `json:"transition"`
}

func (f *Fake) handleCreateIssue(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "updateHistory") {
		return
	}
	var in issueInput
	if !decodeBody(w, r, &in) {
		return
	}
	ver := apiVersion(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	errs := map[string]string{}
	var p *project
	if ref, ok := in.Fields["project"]; ok {
		key, id := refOf(ref)
		p = f.projects[strings.ToUpper(key)]
		if p == nil && id != "" {
			p = f.projectsByID[id]
		}
	}
	if p == nil {
		errs["project"] = "Specify a valid project ID or key"
	}
	it, ok := issueTypeDef{}, false
	if ref, present := in.Fields["issuetype"]; present {
		key, id := refOf(ref)
		it, ok = findIssueType(orDefault(key, id))
		if !ok {
			errs["issuetype"] = "The issue type selected is invalid."
		}
	} else {
		errs["issuetype"] = "Specify an issue type"
	}
	if s, _ := in.Fields["summary"].(string); strings.TrimSpace(s) == "" {
		errs["summary"] = "You must specify a summary of the issue."
	}
	now := f.clock.Now()
	is := &issue{id: f.nextIssueID, project: p, issueType: it, created: now, updated: now, props: map[string]json.RawMessage{}}
	is.status, _ = findStatus("To Do")
	is.reporter = f.currentUserLocked(r).AccountID
	for name, v := range in.Fields {
		if name == "project" || name == "issuetype" {
			continue
		}
		f.setField(is, name, v, ver, errs)
	}
	f.applyUpdates(is, in, ver, errs)
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, nil, errs)
		return
	}
	f.nextIssueID++
	is.key = p.key + "-" + strconv.Itoa(p.nextNum)
	p.nextNum++
	for _, pr := range in.Properties {
		is.props[pr.Key] = pr.Value
	}
	f.issues[is.id] = is
	f.byKey[is.key] = is
	p.issues[is.id] = is
	f.appendIndexedLocked(is)
	f.markWrittenLocked()
	writeJSON(w, http.StatusCreated, map[string]any{"id": itoa(is.id), "key": is.key, "self": f.baseURL(r) + "/rest/api/" + ver + "/issue/" + itoa(is.id)})
}

func (f *Fake) handleEditIssue(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "notifyUsers", "overrideScreenSecurity", "overrideEditableFlag", "returnIssue", "expand") {
		return
	}
	var in issueInput
	if !decodeBody(w, r, &in) {
		return
	}
	ver := apiVersion(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	cur := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if cur == nil {
		issueNotFound(w)
		return
	}
	// Edit a copy so that a rejected request changes nothing.
	next := *cur
	next.labels = append([]string(nil), cur.labels...)
	errs := map[string]string{}
	for name, v := range in.Fields {
		if _, both := in.Update[name]; both {
			errs[name] = "Field '" + name + "' cannot be set in both 'fields' and 'update'."
			continue
		}
		if name == "project" || name == "issuetype" {
			errs[name] = cannotSet(name)
			continue
		}
		f.setField(&next, name, v, ver, errs)
	}
	f.applyUpdates(&next, in, ver, errs)
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, nil, errs)
		return
	}
	if changed(cur, &next) {
		*cur = next
		f.touchLocked(cur)
	}
	for _, pr := range in.Properties {
		cur.props[pr.Key] = pr.Value
	}
	if ok, _ := parseBoolParam(r.URL.Query().Get("returnIssue")); ok {
		writeJSON(w, http.StatusOK, f.renderIssueLocked(cur, selectAll(true), f.baseURL(r), ver, nil))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func changed(a, b *issue) bool {
	return a.summary != b.summary || string(a.description) != string(b.description) || a.assignee != b.assignee ||
		a.reporter != b.reporter || a.due != b.due || strings.Join(a.labels, "\x00") != strings.Join(b.labels, "\x00") ||
		a.parentID != b.parentID || !eqPtr(a.origEst, b.origEst) || !eqPtr(a.remEst, b.remEst)
}

func eqPtr(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func cannotSet(name string) string {
	return "Field '" + name + "' cannot be set. It is not on the appropriate screen, or unknown."
}

// refOf reads {"key"|"name": ..., "id": ...} references.
func refOf(v any) (keyOrName, id string) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", ""
	}
	if s, ok := m["key"].(string); ok {
		keyOrName = s
	} else if s, ok := m["name"].(string); ok {
		keyOrName = s
	}
	switch x := m["id"].(type) {
	case string:
		id = x
	case json.Number:
		id = x.String()
	}
	return keyOrName, id
}

// setField applies one entry of "fields", recording Jira's per-field errors.
func (f *Fake) setField(is *issue, name string, v any, ver string, errs map[string]string) {
	switch name {
	case "summary":
		s, ok := v.(string)
		switch {
		case !ok || strings.TrimSpace(s) == "":
			errs[name] = "You must specify a summary of the issue."
		case len([]rune(s)) > 255:
			errs[name] = "Summary must be less than 255 characters."
		default:
			is.summary = s
		}
	case "description":
		doc, err := richTextInput(v, ver)
		if err != nil {
			errs[name] = err.Error()
			return
		}
		is.description = doc
	case "assignee", "reporter":
		acc := ""
		if v != nil {
			m, _ := v.(map[string]any)
			acc, _ = m["accountId"].(string)
			if u := f.userLocked(acc); u == nil || u.Inactive {
				errs[name] = "User '" + acc + "' cannot be assigned issues."
				return
			}
		}
		if name == "assignee" {
			is.assignee = acc
		} else {
			is.reporter = acc
		}
	case "duedate":
		if v == nil {
			is.due = ""
			return
		}
		s, _ := v.(string)
		if _, err := parseDate(s); err != nil {
			errs[name] = "Error parsing date string: " + s
			return
		}
		is.due = s
	case "labels":
		arr, ok := v.([]any)
		if !ok && v != nil {
			errs[name] = "data was not an array"
			return
		}
		is.labels = nil
		for _, x := range arr {
			if !addLabel(is, x, errs) {
				return
			}
		}
	case "parent":
		key, id := refOf(v)
		p := f.lookupLocked(orDefault(key, id))
		if p == nil || p == is {
			errs[name] = "Could not find issue by id or key."
			return
		}
		is.parentID = p.id
	case "timetracking":
		m, _ := v.(map[string]any)
		for k, dst := range map[string]**int64{"originalEstimate": &is.origEst, "remainingEstimate": &is.remEst} {
			s, ok := m[k].(string)
			if !ok {
				continue
			}
			secs, err := parseJiraDuration(s)
			if err != nil {
				errs[name] = "The " + k + " '" + s + "' is invalid. Use a format like '2w 4d 6h 45m'."
				return
			}
			*dst = &secs
		}
	default:
		errs[name] = cannotSet(name)
	}
}

func addLabel(is *issue, x any, errs map[string]string) bool {
	s, ok := x.(string)
	if !ok || s == "" || strings.ContainsAny(s, " \t") {
		errs["labels"] = "The label '" + strings.TrimSpace(asString(x)) + "' contains spaces which is invalid."
		return false
	}
	if !is.hasLabel(s) {
		is.labels = append(is.labels, s)
	}
	return true
}

func asString(x any) string {
	b, _ := json.Marshal(x)
	return strings.Trim(string(b), `"`)
}

// applyUpdates applies the "update" operations: labels add/remove/set and set elsewhere.
func (f *Fake) applyUpdates(is *issue, in issueInput, ver string, errs map[string]string) {
	for name, ops := range in.Update {
		for _, op := range ops {
			for verb, v := range op {
				switch {
				case name == "labels" && verb == "add":
					addLabel(is, v, errs)
				case name == "labels" && verb == "remove":
					s, _ := v.(string)
					out := is.labels[:0]
					for _, l := range is.labels {
						if l != s {
							out = append(out, l)
						}
					}
					is.labels = out
				case verb == "set":
					f.setField(is, name, v, ver, errs)
				case name == "labels" || name == "summary" || name == "description" || name == "duedate" || name == "assignee":
					errs[name] = "Operation '" + verb + "' is not supported for field '" + name + "'."
				default:
					errs[name] = cannotSet(name)
				}
			}
		}
	}
}

// richTextInput accepts ADF in v3 and a string in v2, as Jira does.
func richTextInput(v any, ver string) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	if ver == "2" {
		s, ok := v.(string)
		if !ok {
			return nil, errOperationString
		}
		return adfFromText(s), nil
	}
	return validateADF(v)
}

// constErr is an error whose text is a Jira wire message, quoted verbatim.
type constErr string

func (e constErr) Error() string { return string(e) }

const errOperationString = constErr("Operation value must be a string")

func (f *Fake) handleGetComments(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "startAt", "maxResults", "orderBy", "expand") {
		return
	}
	startAt, maxResults, ok := pageParams(w, r, 5000)
	if !ok {
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	is := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if is == nil {
		issueNotFound(w)
		return
	}
	api := f.baseURL(r) + "/rest/api/" + apiVersion(r)
	list := make([]any, 0)
	n := len(is.comments)
	for k := startAt; k < n && len(list) < maxResults; k++ {
		idx := k
		if r.URL.Query().Get("orderBy") == "-created" {
			idx = n - 1 - k
		}
		list = append(list, f.renderComment(is, is.comments[idx], api, apiVersion(r)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"startAt": startAt, "maxResults": maxResults, "total": n, "comments": list})
}

func (f *Fake) handleAddComment(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "expand") {
		return
	}
	var in map[string]any
	if !decodeBody(w, r, &in) {
		return
	}
	ver := apiVersion(r)
	body, err := richTextInput(in["body"], ver)
	if err == nil && len(body) == 0 {
		err = constErr("Comment body can not be empty!")
	}
	if err != nil {
		writeErrors(w, http.StatusBadRequest, nil, map[string]string{"comment": err.Error()})
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
	c := &comment{id: f.nextComment, author: f.currentUserLocked(r).AccountID, body: body, created: now, updated: now}
	f.nextComment++
	is.comments = append(is.comments, c)
	f.touchLocked(is)
	writeJSON(w, http.StatusCreated, f.renderComment(is, c, f.baseURL(r)+"/rest/api/"+ver, ver))
}

func (f *Fake) handleGetProperty(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r) {
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	is := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if is == nil {
		issueNotFound(w)
		return
	}
	key := r.PathValue("propertyKey")
	v, ok := is.props[key]
	if !ok {
		writeErrors(w, http.StatusNotFound, []string{"The property with key '" + key + "' does not exist."}, nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"key": key, "value": v})
}

func (f *Fake) handleSetProperty(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r) {
		return
	}
	key := r.PathValue("propertyKey")
	raw, err := io.ReadAll(io.LimitReader(r.Body, 32769))
	switch {
	case err != nil || len(strings.TrimSpace(string(raw))) == 0 || !json.Valid(raw):
		badRequest(w, "The property value must be a valid, non-empty JSON value.")
		return
	case len(raw) > 32768:
		badRequest(w, "The property value is longer than 32768 bytes.")
		return
	case len(key) > 255:
		badRequest(w, "The property key can't be longer than 255 characters.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	is := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if is == nil {
		issueNotFound(w)
		return
	}
	_, existed := is.props[key]
	is.props[key] = json.RawMessage(raw)
	// Properties do not change "updated" in Jira, but they are searchable.
	f.version++
	if existed {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (f *Fake) handleGetTransitions(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r, "expand", "transitionId", "skipRemoteOnlyCondition", "includeUnavailableTransitions", "sortByOpsBarAndStatus") {
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	is := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if is == nil {
		issueNotFound(w)
		return
	}
	api := f.baseURL(r) + "/rest/api/" + apiVersion(r)
	list := []any{}
	for _, s := range statusTable() {
		if s.id == is.status.id {
			continue
		}
		list = append(list, map[string]any{"id": s.transitionID, "name": s.name, "to": f.renderStatus(s, api),
			"hasScreen": false, "isGlobal": true, "isInitial": false, "isAvailable": true, "isConditional": false, "isLooped": false})
	}
	writeJSON(w, http.StatusOK, map[string]any{"transitions": list})
}

func (f *Fake) handleDoTransition(w http.ResponseWriter, r *http.Request) {
	if !checkParams(w, r) {
		return
	}
	var in issueInput
	if !decodeBody(w, r, &in) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	is := f.lookupLocked(r.PathValue("issueIdOrKey"))
	if is == nil {
		issueNotFound(w)
		return
	}
	if in.Transition == nil || in.Transition.ID == "" {
		badRequest(w, "Missing 'transition' identifier")
		return
	}
	var to *statusDef
	for _, s := range statusTable() {
		if s.transitionID == in.Transition.ID && s.id != is.status.id {
			to = &s
		}
	}
	if to == nil {
		badRequest(w, "Transition id '"+in.Transition.ID+"' is not valid for this issue.")
		return
	}
	is.status = *to
	now := f.clock.Now()
	if to.category == "done" {
		is.resolved = now
	} else {
		is.resolved = time.Time{}
	}
	f.touchLocked(is)
	w.WriteHeader(http.StatusNoContent)
}
