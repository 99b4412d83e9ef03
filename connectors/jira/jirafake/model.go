package jirafake

import (
	"encoding/json"
	"strings"
	"time"
)

// Project is a Jira project as seeded into the fake.
type Project struct {
	ID   string `json:"id,omitempty"`   // numeric id; assigned when empty
	Key  string `json:"key,omitempty"`  // "ACME"
	Name string `json:"name,omitempty"` // defaults to Key
}

// User is an Atlassian account. Users with an APIToken can authenticate
// with basic auth (email:token); the others exist only to be assigned.
type User struct {
	AccountID   string `json:"accountId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Email       string `json:"email,omitempty"`
	APIToken    string `json:"apiToken,omitempty"`
	TimeZone    string `json:"timeZone,omitempty"` // IANA name; the fake's TimeZone when empty
	Inactive    bool   `json:"inactive,omitempty"`
}

// Issue is the seeding and snapshot form of an issue. Descriptions and
// comments are plain text here; the API renders them as ADF in v3.
type Issue struct {
	ID                string                     `json:"id,omitempty"`      // numeric; assigned when empty
	Key               string                     `json:"key,omitempty"`     // "ACME-12"; the next number in Project when empty
	Project           string                     `json:"project,omitempty"` // project key
	Summary           string                     `json:"summary,omitempty"`
	Description       string                     `json:"description,omitempty"`
	Status            string                     `json:"status,omitempty"`            // "To Do" (default), "In Progress", "In Review", "Done"
	IssueType         string                     `json:"issueType,omitempty"`         // "Task" (default), "Sub-task", "Bug", "Story", "Epic"
	Assignee          string                     `json:"assignee,omitempty"`          // account id; empty when unassigned
	Reporter          string                     `json:"reporter,omitempty"`          // account id
	DueDate           string                     `json:"dueDate,omitempty"`           // "2006-01-02"; empty when unset
	OriginalEstimate  *int64                     `json:"originalEstimate,omitempty"`  // seconds
	RemainingEstimate *int64                     `json:"remainingEstimate,omitempty"` // seconds
	TimeSpent         *int64                     `json:"timeSpent,omitempty"`         // seconds; maintained from worklogs
	Labels            []string                   `json:"labels,omitempty"`
	Parent            string                     `json:"parent,omitempty"` // parent issue key
	Created           time.Time                  `json:"created,omitzero"`
	Updated           time.Time                  `json:"updated,omitzero"`
	ResolutionDate    time.Time                  `json:"resolutionDate,omitzero"` // zero while unresolved
	Properties        map[string]json.RawMessage `json:"properties,omitempty"`
}

// Worklog is the seeding and snapshot form of a worklog.
type Worklog struct {
	ID               string    `json:"id,omitempty"` // numeric; assigned
	IssueKey         string    `json:"issueKey,omitempty"`
	Author           string    `json:"author,omitempty"` // account id; the default user when empty
	Started          time.Time `json:"started,omitzero"`
	TimeSpentSeconds int64     `json:"timeSpentSeconds,omitempty"`
	Comment          string    `json:"comment,omitempty"`
	Created          time.Time `json:"created,omitzero"`
	Updated          time.Time `json:"updated,omitzero"`
}

// statusDef is one workflow status. The fake has one workflow shared by all
// projects: To Do → In Progress → In Review → Done, with global transitions.
type statusDef struct {
	id, name, category, transitionID string
}

type categoryDef struct {
	id            int64
	key, name     string
	colorName     string
	defaultStatus string
}

func statusTable() []statusDef {
	return []statusDef{
		{id: "10000", name: "To Do", category: "new", transitionID: "11"},
		{id: "3", name: "In Progress", category: "indeterminate", transitionID: "21"},
		{id: "10001", name: "In Review", category: "indeterminate", transitionID: "41"},
		{id: "10002", name: "Done", category: "done", transitionID: "31"},
	}
}

func categoryTable() []categoryDef {
	return []categoryDef{
		{id: 2, key: "new", name: "To Do", colorName: "blue-gray"},
		{id: 4, key: "indeterminate", name: "In Progress", colorName: "yellow"},
		{id: 3, key: "done", name: "Done", colorName: "green"},
	}
}

func findStatus(name string) (statusDef, bool) {
	for _, s := range statusTable() {
		if strings.EqualFold(s.name, name) || s.id == name {
			return s, true
		}
	}
	return statusDef{}, false
}

// findCategory accepts what JQL accepts for statusCategory: key, name or id.
func findCategory(v string) (categoryDef, bool) {
	for _, c := range categoryTable() {
		if strings.EqualFold(c.key, v) || strings.EqualFold(c.name, v) || v == itoa(c.id) {
			return c, true
		}
	}
	return categoryDef{}, false
}

type issueTypeDef struct {
	id, name string
	subtask  bool
}

func issueTypeTable() []issueTypeDef {
	return []issueTypeDef{
		{id: "10001", name: "Task"},
		{id: "10002", name: "Sub-task", subtask: true},
		{id: "10003", name: "Bug"},
		{id: "10004", name: "Story"},
		{id: "10000", name: "Epic"},
	}
}

func findIssueType(v string) (issueTypeDef, bool) {
	for _, t := range issueTypeTable() {
		if strings.EqualFold(t.name, v) || t.id == v {
			return t, true
		}
	}
	return issueTypeDef{}, false
}

// issue is the stored form. Descriptions and comment bodies are kept as ADF
// because v3 round-trips them; v2 renders their text.
type issue struct {
	id          int64
	key         string
	project     *project
	summary     string
	description json.RawMessage
	status      statusDef
	issueType   issueTypeDef
	assignee    string
	reporter    string
	due         string
	origEst     *int64
	remEst      *int64
	spent       *int64
	labels      []string
	parentID    int64
	created     time.Time
	updated     time.Time
	resolved    time.Time
	comments    []*comment
	props       map[string]json.RawMessage
	deleted     bool
}

type project struct {
	id      string
	key     string
	name    string
	nextNum int
	issues  map[int64]*issue
}

type comment struct {
	id      int64
	author  string
	body    json.RawMessage
	created time.Time
	updated time.Time
}

type worklog struct {
	id      int64
	issueID int64
	author  string
	started time.Time
	seconds int64
	comment json.RawMessage
	created time.Time
	updated time.Time
}

type deletedWorklog struct {
	id      int64
	deleted time.Time
}

func (i *issue) category() categoryDef {
	c, _ := findCategory(i.status.category)
	return c
}

func (i *issue) hasLabel(l string) bool {
	for _, x := range i.labels {
		if x == l {
			return true
		}
	}
	return false
}
