package jirafake

import (
	"encoding/json"
	"strings"
)

// allFields lists the issue fields the fake renders; navigable ones are what
// *navigable selects (comment is not navigable, as in Jira).
func allFields() []string {
	return []string{
		"summary", "status", "assignee", "reporter", "duedate", "timeoriginalestimate", "timeestimate",
		"timespent", "labels", "resolution", "resolutiondate", "updated", "created", "project",
		"issuetype", "parent", "description", "comment",
	}
}

func isKnownField(name string) bool {
	for _, f := range allFields() {
		if f == name {
			return true
		}
	}
	return false
}

// fieldSel is the outcome of a fields parameter.
type fieldSel struct {
	fields map[string]bool
	idOnly bool // render {"id": ...} and nothing else
}

// parseFieldSel applies Jira's fields grammar: *all, *navigable, id, names and
// -name exclusions; unknown names are ignored as Jira ignores them. With no
// list, search returns ids only and issue GET returns every field.
func parseFieldSel(list []string, emptyMeansAll bool) fieldSel {
	if len(list) == 0 {
		if emptyMeansAll {
			return selectAll(true)
		}
		return fieldSel{idOnly: true}
	}
	sel := fieldSel{fields: map[string]bool{}}
	var excluded []string
	onlyExclusions, keyAsked := true, false
	for _, name := range list {
		switch n := strings.ToLower(name); {
		case n == "*all":
			onlyExclusions = false
			for k := range selectAll(true).fields {
				sel.fields[k] = true
			}
		case n == "*navigable":
			onlyExclusions = false
			for k := range selectAll(false).fields {
				sel.fields[k] = true
			}
		case strings.HasPrefix(n, "-"):
			excluded = append(excluded, n[1:])
		case n == "id":
			onlyExclusions = false
		case n == "key":
			onlyExclusions = false
			keyAsked = true
		default:
			onlyExclusions = false
			if isKnownField(n) {
				sel.fields[n] = true
			}
		}
	}
	if onlyExclusions {
		sel = selectAll(false)
	}
	for _, x := range excluded {
		delete(sel.fields, x)
	}
	sel.idOnly = len(sel.fields) == 0 && !keyAsked
	return sel
}

func selectAll(withComment bool) fieldSel {
	sel := fieldSel{fields: map[string]bool{}}
	for _, f := range allFields() {
		if f != "comment" || withComment {
			sel.fields[f] = true
		}
	}
	return sel
}

// onlyKeys reports whether the selection asks for nothing beyond id/key, the
// case where Jira allows pages of up to 5000 issues.
func (s fieldSel) onlyKeys() bool { return len(s.fields) == 0 }

// renderIssueLocked builds the issue JSON as Jira returns it; callers hold f.mu.
func (f *Fake) renderIssueLocked(is *issue, sel fieldSel, base, ver string, props []string) map[string]any {
	if sel.idOnly {
		return map[string]any{"id": itoa(is.id)}
	}
	api := base + "/rest/api/" + ver
	out := map[string]any{
		"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		"id":     itoa(is.id),
		"key":    is.key,
		"self":   api + "/issue/" + itoa(is.id),
	}
	fields := map[string]any{}
	for name := range sel.fields {
		if v, ok := f.fieldValueLocked(is, name, api, ver); ok {
			fields[name] = v
		}
	}
	out["fields"] = fields
	if len(props) > 0 {
		pm := map[string]any{}
		for _, k := range props {
			if v, ok := is.props[k]; ok {
				pm[k] = v
			}
		}
		out["properties"] = pm
	}
	return out
}

func (f *Fake) fieldValueLocked(is *issue, name, api, ver string) (any, bool) {
	switch name {
	case "summary":
		return is.summary, true
	case "status":
		return f.renderStatus(is.status, api), true
	case "assignee":
		return f.renderUserRef(is.assignee, api), true
	case "reporter":
		return f.renderUserRef(is.reporter, api), true
	case "duedate":
		if is.due == "" {
			return nil, true
		}
		return is.due, true
	case "timeoriginalestimate":
		return secondsOrNil(is.origEst), true
	case "timeestimate":
		return secondsOrNil(is.remEst), true
	case "timespent":
		return secondsOrNil(is.spent), true
	case "labels":
		if is.labels == nil {
			return []string{}, true
		}
		return is.labels, true
	case "resolution":
		if is.resolved.IsZero() {
			return nil, true
		}
		return map[string]any{"self": api + "/resolution/10000", "id": "10000", "name": "Done", "description": "Work has been completed on this issue."}, true
	case "resolutiondate":
		if is.resolved.IsZero() {
			return nil, true
		}
		return f.fmtTime(is.resolved), true
	case "updated":
		return f.fmtTime(is.updated), true
	case "created":
		return f.fmtTime(is.created), true
	case "project":
		return map[string]any{"self": api + "/project/" + is.project.id, "id": is.project.id, "key": is.project.key,
			"name": is.project.name, "projectTypeKey": "software", "simplified": false}, true
	case "issuetype":
		return renderIssueType(is.issueType, api), true
	case "parent":
		p := f.issues[is.parentID]
		if p == nil {
			return nil, false
		}
		return map[string]any{"id": itoa(p.id), "key": p.key, "self": api + "/issue/" + itoa(p.id),
			"fields": map[string]any{"summary": p.summary, "status": f.renderStatus(p.status, api), "issuetype": renderIssueType(p.issueType, api)}}, true
	case "description":
		return richText(is.description, ver), true
	case "comment":
		cs := make([]any, 0, len(is.comments))
		for _, c := range is.comments {
			cs = append(cs, f.renderComment(is, c, api, ver))
		}
		return map[string]any{"comments": cs, "self": api + "/issue/" + itoa(is.id) + "/comment",
			"maxResults": len(cs), "total": len(cs), "startAt": 0}, true
	}
	return nil, false
}

// richText renders a stored ADF document as v3 (the document) or v2 (its text).
func richText(doc json.RawMessage, ver string) any {
	if len(doc) == 0 {
		return nil
	}
	if ver == "2" {
		return adfText(doc)
	}
	return doc
}

func secondsOrNil(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func (f *Fake) renderStatus(s statusDef, api string) map[string]any {
	c, _ := findCategory(s.category)
	return map[string]any{
		"self": api + "/status/" + s.id, "id": s.id, "name": s.name, "description": "", "iconUrl": api + "/images/icons/status.png",
		"statusCategory": map[string]any{"self": api + "/statuscategory/" + itoa(c.id), "id": c.id, "key": c.key, "colorName": c.colorName, "name": c.name},
	}
}

func renderIssueType(t issueTypeDef, api string) map[string]any {
	level := 0
	switch {
	case t.subtask:
		level = -1
	case t.name == "Epic":
		level = 1
	}
	return map[string]any{"self": api + "/issuetype/" + t.id, "id": t.id, "name": t.name, "subtask": t.subtask,
		"description": "", "hierarchyLevel": level}
}

// renderUserRef renders a user as Jira embeds one (UserDetails), or nil.
func (f *Fake) renderUserRef(accountID, api string) any {
	u := f.userLocked(accountID)
	if u == nil {
		return nil
	}
	return f.renderUserDetails(u, api)
}

func (f *Fake) renderUserDetails(u *User, api string) map[string]any {
	m := map[string]any{
		"self": api + "/user?accountId=" + u.AccountID, "accountId": u.AccountID, "displayName": u.DisplayName,
		"active": !u.Inactive, "timeZone": f.userTZ(u), "accountType": "atlassian",
	}
	if u.Email != "" {
		m["emailAddress"] = u.Email
	}
	return m
}

func (f *Fake) userTZ(u *User) string {
	if u.TimeZone != "" {
		return u.TimeZone
	}
	return f.tz.String()
}

func (f *Fake) renderComment(is *issue, c *comment, api, ver string) map[string]any {
	author := f.renderUserRef(c.author, api)
	return map[string]any{
		"self": api + "/issue/" + itoa(is.id) + "/comment/" + itoa(c.id), "id": itoa(c.id),
		"author": author, "updateAuthor": author, "body": richText(c.body, ver),
		"created": f.fmtTime(c.created), "updated": f.fmtTime(c.updated), "jsdPublic": true,
	}
}
