package jirafake

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// compiledQuery is a JQL query resolved against the site: values looked up,
// dates read in the user's zone, and hints that narrow the candidate set.
type compiledQuery struct {
	match       func(*issue) bool
	order       []sortField
	projects    map[*project]bool // non-nil: the top level requires one of these projects
	updatedFrom time.Time         // non-zero: the top level requires updated >= this
	timeBound   bool              // result depends on now (relative dates, functions)
}

// jqlEnv is what compilation reads; the caller holds f.mu.
type jqlEnv struct {
	f   *Fake
	now time.Time
	tz  *time.Location
	me  *User
}

type fieldKind int

const (
	kindSet fieldKind = iota
	kindTime
	kindDate
)

// fieldSpec describes a searchable field: its kind, the operators Jira allows
// on it, how to read an issue's values and how to resolve a JQL operand.
type fieldSpec struct {
	name    string // as Jira spells it in messages
	kind    fieldKind
	ops     string // space-separated allowed operators
	values  func(*issue) []string
	resolve func(env *jqlEnv, v jqlValue) (string, error)
	when    func(*issue) (time.Time, bool)
}

const (
	setOps  = "= != IN NOT_IN IS IS_NOT"
	timeOps = "= != < <= > >= IS IS_NOT"
)

func (e *jqlEnv) fieldSpec(c *jqlClause) (*fieldSpec, error) {
	f := e.f
	switch c.field {
	case "project":
		return &fieldSpec{name: "project", ops: setOps, values: func(i *issue) []string { return []string{i.project.id} },
			resolve: func(_ *jqlEnv, v jqlValue) (string, error) {
				if p, ok := f.projects[strings.ToUpper(v.text)]; ok {
					return p.id, nil // by key, without a scan: queries list 2,000 projects
				}
				for _, p := range f.projects {
					if strings.EqualFold(p.key, v.text) || strings.EqualFold(p.name, v.text) || p.id == v.text {
						return p.id, nil
					}
				}
				return "", semanticErr("The value '%s' does not exist for the field 'project'.", v.text)
			}}, nil
	case "key", "issuekey", "issue", "id":
		return &fieldSpec{name: "key", ops: setOps, values: func(i *issue) []string { return []string{itoa(i.id)} },
			resolve: func(_ *jqlEnv, v jqlValue) (string, error) {
				if is := f.lookupLocked(v.text); is != nil {
					return itoa(is.id), nil
				}
				return "", semanticErr("An issue with key '%s' does not exist for field '%s'.", v.text, c.rawField)
			}}, nil
	case "labels":
		return &fieldSpec{name: "labels", ops: setOps, values: func(i *issue) []string { return i.labels },
			resolve: literal}, nil
	case "statuscategory":
		return &fieldSpec{name: "statusCategory", ops: setOps, values: func(i *issue) []string { return []string{i.status.category} },
			resolve: func(_ *jqlEnv, v jqlValue) (string, error) {
				if cat, ok := findCategory(v.text); ok {
					return cat.key, nil
				}
				return "", semanticErr("The value '%s' does not exist for the field 'statusCategory'.", v.text)
			}}, nil
	case "status":
		return &fieldSpec{name: "status", ops: setOps, values: func(i *issue) []string { return []string{i.status.id} },
			resolve: func(_ *jqlEnv, v jqlValue) (string, error) {
				if s, ok := findStatus(v.text); ok {
					return s.id, nil
				}
				return "", semanticErr("The value '%s' does not exist for the field 'status'.", v.text)
			}}, nil
	case "issuetype", "type":
		return &fieldSpec{name: "issuetype", ops: setOps, values: func(i *issue) []string { return []string{i.issueType.id} },
			resolve: func(_ *jqlEnv, v jqlValue) (string, error) {
				if t, ok := findIssueType(v.text); ok {
					return t.id, nil
				}
				return "", semanticErr("The value '%s' does not exist for the field 'issuetype'.", v.text)
			}}, nil
	case "assignee", "reporter":
		get := func(i *issue) []string { return nonEmpty(i.assignee) }
		if c.field == "reporter" {
			get = func(i *issue) []string { return nonEmpty(i.reporter) }
		}
		return &fieldSpec{name: c.field, ops: setOps, values: get, resolve: func(env *jqlEnv, v jqlValue) (string, error) {
			if v.fn == "currentuser" {
				return env.me.AccountID, nil
			}
			for _, u := range f.users {
				if u.AccountID == v.text || (u.Email != "" && strings.EqualFold(u.Email, v.text)) {
					return u.AccountID, nil
				}
			}
			return "", semanticErr("The value '%s' does not exist for the field '%s'.", v.text, c.field)
		}}, nil
	case "parent":
		return &fieldSpec{name: "parent", ops: "= != IN NOT_IN", values: func(i *issue) []string {
			if i.parentID == 0 {
				return nil
			}
			return []string{itoa(i.parentID)}
		}, resolve: func(_ *jqlEnv, v jqlValue) (string, error) {
			if is := f.lookupLocked(v.text); is != nil {
				return itoa(is.id), nil
			}
			return "", semanticErr("An issue with key '%s' does not exist for field 'parent'.", v.text)
		}}, nil
	case "issue.property":
		return &fieldSpec{name: "issue.property", ops: setOps, values: func(i *issue) []string {
			return propertyValues(i.props[c.propKey], c.propPath)
		}, resolve: literal}, nil
	case "updated", "updateddate":
		return timeField("updated", func(i *issue) (time.Time, bool) { return i.updated, true }), nil
	case "created", "createddate":
		return timeField("created", func(i *issue) (time.Time, bool) { return i.created, true }), nil
	case "resolutiondate", "resolved":
		return timeField("resolutiondate", func(i *issue) (time.Time, bool) { return i.resolved, !i.resolved.IsZero() }), nil
	case "duedate", "due":
		fs := timeField("duedate", func(i *issue) (time.Time, bool) {
			if i.due == "" {
				return time.Time{}, false
			}
			d, err := time.ParseInLocation(time.DateOnly, i.due, e.tz)
			return d, err == nil
		})
		fs.kind = kindDate
		return fs, nil
	case "summary", "description", "text", "comment", "priority", "sprint", "component", "fixversion", "resolution", "creator", "watcher":
		// Real Jira fields that Liaison never searches on; fail loudly so a
		// connector change that needs one also extends the fake.
		return nil, semanticErr("Field '%s' is not supported by the Jira fake; extend connectors/jira/jirafake to search on it.", c.rawField)
	}
	return nil, semanticErr("Field '%s' does not exist or you do not have permission to view it.", c.rawField)
}

func timeField(name string, when func(*issue) (time.Time, bool)) *fieldSpec {
	return &fieldSpec{name: name, kind: kindTime, ops: timeOps, when: when}
}

func literal(_ *jqlEnv, v jqlValue) (string, error) { return v.text, nil }

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// propertyValues reads a dotted path inside an issue property as JQL
// compares it: strings as they are, numbers and booleans in JSON form.
func propertyValues(raw json.RawMessage, path string) []string {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	if path != "" {
		for _, part := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[part]
		}
	}
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	default:
		b, _ := json.Marshal(x)
		return []string{string(b)}
	}
}

func (e *jqlEnv) compile(q *jqlQuery) (*compiledQuery, error) {
	cq := &compiledQuery{}
	if q.where != nil {
		m, err := e.compileNode(q.where, cq)
		if err != nil {
			return nil, err
		}
		cq.match = m
		e.narrow(q.where, cq)
	} else {
		cq.match = func(*issue) bool { return true }
	}
	var err error
	cq.order, err = compileOrder(q.order)
	if err != nil {
		return nil, err
	}
	return cq, nil
}

// narrow records top-level AND restrictions that let search skip most issues.
func (e *jqlEnv) narrow(n jqlNode, cq *compiledQuery) {
	parts := []jqlNode{n}
	if a, ok := n.(jqlAnd); ok {
		parts = a.parts
	}
	for _, p := range parts {
		c, ok := p.(*jqlClause)
		if !ok {
			continue
		}
		switch {
		case c.field == "project" && (c.op == "=" || c.op == "IN") && c.list == (c.op == "IN"):
			// A value names a project by key, id or name: keys and ids by
			// map lookup, names through an index built once per query, so
			// a query listing every project costs their number, not its
			// square.
			set := map[*project]bool{}
			byName := make(map[string][]*project, len(e.f.projects))
			for _, pr := range e.f.projects {
				byName[strings.ToLower(pr.name)] = append(byName[strings.ToLower(pr.name)], pr)
			}
			for _, v := range c.values {
				if pr, ok := e.f.projects[strings.ToUpper(v.text)]; ok && strings.EqualFold(pr.key, v.text) {
					set[pr] = true
				}
				if pr, ok := e.f.projectsByID[v.text]; ok {
					set[pr] = true
				}
				for _, pr := range byName[strings.ToLower(v.text)] {
					set[pr] = true
				}
			}
			if cq.projects == nil || len(set) < len(cq.projects) {
				cq.projects = set
			}
		case (c.field == "updated" || c.field == "updateddate") && (c.op == ">=" || c.op == ">"):
			if t, _, err := e.parseTime(c.values[0], "updated"); err == nil && t.After(cq.updatedFrom) {
				cq.updatedFrom = t
			}
		}
	}
}

func (e *jqlEnv) compileNode(n jqlNode, cq *compiledQuery) (func(*issue) bool, error) {
	switch x := n.(type) {
	case jqlAnd, jqlOr:
		var parts []jqlNode
		and := false
		if a, ok := x.(jqlAnd); ok {
			parts, and = a.parts, true
		} else {
			parts = x.(jqlOr).parts
		}
		preds := make([]func(*issue) bool, 0, len(parts))
		for _, p := range parts {
			m, err := e.compileNode(p, cq)
			if err != nil {
				return nil, err
			}
			preds = append(preds, m)
		}
		if and {
			return func(i *issue) bool {
				for _, p := range preds {
					if !p(i) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(i *issue) bool {
			for _, p := range preds {
				if p(i) {
					return true
				}
			}
			return false
		}, nil
	case jqlNot:
		m, err := e.compileNode(x.x, cq)
		if err != nil {
			return nil, err
		}
		return func(i *issue) bool { return !m(i) }, nil
	case *jqlClause:
		return e.compileClause(x, cq)
	}
	return nil, fmt.Errorf("compiling jql: unexpected node %T", n)
}

func (e *jqlEnv) compileClause(c *jqlClause, cq *compiledQuery) (func(*issue) bool, error) {
	fs, err := e.fieldSpec(c)
	if err != nil {
		return nil, err
	}
	op := c.op
	if len(c.values) == 1 && c.values[0].empty && !c.list {
		switch op {
		case "=":
			op = "IS"
		case "!=":
			op = "IS NOT"
		}
	}
	if !strings.Contains(" "+fs.ops+" ", " "+strings.ReplaceAll(op, " ", "_")+" ") {
		return nil, semanticErr("The operator '%s' is not supported by the '%s' field.", c.op, fs.name)
	}
	if op == "IS" || op == "IS NOT" {
		if !c.values[0].empty {
			return nil, syntaxErr("Expecting 'EMPTY' or 'NULL' but got '%s'. (line 1, character %d)", c.values[0].text, c.values[0].pos)
		}
		want := op == "IS NOT"
		if fs.kind != kindSet {
			return func(i *issue) bool { _, ok := fs.when(i); return ok == want }, nil
		}
		return func(i *issue) bool { return (len(fs.values(i)) > 0) == want }, nil
	}
	if fs.kind != kindSet {
		return e.compileTime(c, fs, op, cq)
	}
	set := map[string]bool{}
	for _, v := range c.values {
		if v.empty {
			continue
		}
		if v.fn != "" && !(v.fn == "currentuser" && (fs.name == "assignee" || fs.name == "reporter")) {
			return nil, semanticErr("Unable to find JQL function '%s()'.", v.text)
		}
		r, err := fs.resolve(e, v)
		if err != nil {
			return nil, err
		}
		set[r] = true
	}
	positive := op == "=" || op == "IN"
	return func(i *issue) bool {
		vals := fs.values(i)
		hit := false
		for _, v := range vals {
			if set[v] {
				hit = true
				break
			}
		}
		if positive {
			return hit
		}
		// Jira's != and NOT IN never match an empty field.
		return len(vals) > 0 && !hit
	}, nil
}

func (e *jqlEnv) compileTime(c *jqlClause, fs *fieldSpec, op string, cq *compiledQuery) (func(*issue) bool, error) {
	if c.list {
		return nil, semanticErr("The operator '%s' is not supported by the '%s' field.", c.op, fs.name)
	}
	at, relative, err := e.parseTime(c.values[0], fs.name)
	if err != nil {
		return nil, err
	}
	cq.timeBound = cq.timeBound || relative
	return func(i *issue) bool {
		t, ok := fs.when(i)
		if !ok {
			return false
		}
		switch op {
		case "=":
			return t.Equal(at)
		case "!=":
			return !t.Equal(at)
		case "<":
			return t.Before(at)
		case "<=":
			return !t.After(at)
		case ">":
			return t.After(at)
		default:
			return !t.Before(at)
		}
	}, nil
}

var periodRE = regexp.MustCompile(`^([+-]?)((?:\d+[wdhm]\s*)+)$`)
var periodPartRE = regexp.MustCompile(`(\d+)([wdhm])`)

// parseTime reads a JQL date operand in the user's zone. relative reports a
// value that depends on now.
func (e *jqlEnv) parseTime(v jqlValue, field string) (time.Time, bool, error) {
	switch v.fn {
	case "":
	case "now":
		return e.now, true, nil
	case "startofday":
		y, m, d := e.now.In(e.tz).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, e.tz), true, nil
	case "endofday":
		y, m, d := e.now.In(e.tz).Date()
		return time.Date(y, m, d, 23, 59, 59, 999e6, e.tz), true, nil
	default:
		return time.Time{}, false, semanticErr("Unable to find JQL function '%s()'.", v.text)
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006/01/02 15:04", "2006-01-02", "2006/01/02"} {
		if t, err := time.ParseInLocation(layout, v.text, e.tz); err == nil {
			return t, false, nil
		}
	}
	if m := periodRE.FindStringSubmatch(strings.TrimSpace(v.text)); m != nil {
		var d time.Duration
		for _, p := range periodPartRE.FindAllStringSubmatch(m[2], -1) {
			n, _ := strconv.Atoi(p[1])
			unit := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[p[2]]
			d += time.Duration(n) * unit
		}
		if m[1] == "-" {
			d = -d
		}
		return e.now.Add(d), true, nil
	}
	return time.Time{}, false, semanticErr("Date value '%s' for field '%s' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", v.text, field)
}
