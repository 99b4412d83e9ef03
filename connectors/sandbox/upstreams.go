package sandbox

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/liaisonhq/liaison/connectors/slack/slackfake"
)

// jiraUpstream mounts the Jira fake: the REST API, its admin API and the
// issues as the sandbox shows them.
type jiraUpstream struct{ s *Sandbox }

func (jiraUpstream) Name() string { return "jira" }

func (u jiraUpstream) Mount(m *Mux) {
	h := u.s.jira.Handler()
	m.API("/rest/", h)
	m.API("/_fake/jira/", h)
	m.Inspect("issues", http.HandlerFunc(u.serveIssues))
}

// issueView is an issue in /_sandbox/jira/issues.
type issueView struct {
	Key         string        `json:"key"`
	Project     string        `json:"project"`
	Type        string        `json:"type"`
	Summary     string        `json:"summary"`
	Status      string        `json:"status"`
	Assignee    string        `json:"assignee,omitempty"`
	AssigneeID  string        `json:"assignee_person,omitempty"`
	DueDate     string        `json:"duedate,omitempty"`
	Labels      []string      `json:"labels"`
	Description string        `json:"description,omitempty"`
	Estimate    *int64        `json:"estimate_seconds,omitempty"`
	Remaining   *int64        `json:"remaining_seconds,omitempty"`
	Spent       *int64        `json:"spent_seconds,omitempty"`
	Created     time.Time     `json:"created"`
	Updated     time.Time     `json:"updated"`
	Resolved    time.Time     `json:"resolved,omitzero"`
	Comments    []commentView `json:"comments"`
}

type commentView struct {
	Author  string    `json:"author"`
	Body    string    `json:"body"`
	Created time.Time `json:"created"`
}

// serveIssues answers GET /_sandbox/jira/issues[?project=KEY] with every
// issue as it is now, comments included, ordered by id.
func (u jiraUpstream) serveIssues(w http.ResponseWriter, r *http.Request) {
	project := r.URL.Query().Get("project")
	person := map[string]string{}
	for _, p := range u.s.sc.People {
		person[p.JiraAccountID] = p.ID
	}
	out := []issueView{}
	for _, is := range u.s.jira.Issues() {
		if project != "" && is.Project != project {
			continue
		}
		v := issueView{Key: is.Key, Project: is.Project, Type: is.IssueType, Summary: is.Summary, Status: is.Status,
			Assignee: is.Assignee, AssigneeID: person[is.Assignee], DueDate: is.DueDate, Labels: is.Labels,
			Description: is.Description, Estimate: is.OriginalEstimate, Remaining: is.RemainingEstimate, Spent: is.TimeSpent,
			Created: is.Created.UTC(), Updated: is.Updated.UTC(), Resolved: is.ResolutionDate.UTC(), Comments: []commentView{}}
		if v.Labels == nil {
			v.Labels = []string{}
		}
		cs, _ := u.s.jira.Comments(is.Key)
		for _, c := range cs {
			v.Comments = append(v.Comments, commentView{Author: c.Author, Body: c.Body, Created: c.Created.UTC()})
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, out)
}

// slackUpstream mounts the Slack fake: the Web API, the Socket Mode
// websocket, response_url posts, the messages as the sandbox shows them,
// and routes to act as a person.
type slackUpstream struct{ s *Sandbox }

func (slackUpstream) Name() string { return "slack" }

func (u slackUpstream) Mount(m *Mux) {
	h := u.s.slack.Handler()
	m.API("/api/", h)
	m.API("/link/", h)
	m.API("/_fake/slack/", h)
	m.Inspect("messages", http.HandlerFunc(u.serveMessages))
	u.mountActions(m)
}

// messageView is a message in /_sandbox/slack/messages.
type messageView struct {
	Channel       string              `json:"channel"`
	User          string              `json:"user"`
	TS            string              `json:"ts"`
	ThreadTS      string              `json:"thread_ts,omitempty"`
	Text          string              `json:"text"`
	Blocks        json.RawMessage     `json:"blocks,omitempty"`
	Metadata      *slackfake.Metadata `json:"metadata,omitempty"`
	Edits         []editView          `json:"edits"`
	Reactions     []reactionView      `json:"reactions,omitempty"`
	Ephemeral     bool                `json:"ephemeral"`
	EphemeralUser string              `json:"ephemeral_user,omitempty"`
}

// editView is an earlier version of a message, replaced by chat.update at
// ReplacedAt.
type editView struct {
	Text       string              `json:"text"`
	Blocks     json.RawMessage     `json:"blocks,omitempty"`
	Metadata   *slackfake.Metadata `json:"metadata,omitempty"`
	ReplacedAt string              `json:"replaced_at"`
}

type reactionView struct {
	Name  string   `json:"name"`
	Users []string `json:"users"`
}

// serveMessages answers GET /_sandbox/slack/messages[?channel=ID|name|client]
// with every message, thread replies and ephemerals included, in channel
// then ts order.
func (u slackUpstream) serveMessages(w http.ResponseWriter, r *http.Request) {
	channel := r.URL.Query().Get("channel")
	if id := u.s.sc.channels[channel]; id != "" {
		channel = id
	} else if channel == "general" {
		channel = generalChannelID
	}
	out := []messageView{}
	add := func(m slackfake.Message) {
		if channel != "" && m.Channel != channel {
			return
		}
		v := messageView{Channel: m.Channel, User: m.User, TS: m.TS, ThreadTS: m.ThreadTS, Text: m.Text, Blocks: m.Blocks,
			Metadata: m.Metadata, Edits: []editView{}, Ephemeral: m.Ephemeral, EphemeralUser: m.EphemeralUser}
		for _, e := range m.Revisions {
			v.Edits = append(v.Edits, editView{Text: e.Text, Blocks: e.Blocks, Metadata: e.Metadata, ReplacedAt: e.ReplacedAt})
		}
		for _, re := range m.Reactions {
			v.Reactions = append(v.Reactions, reactionView{Name: re.Name, Users: re.Users})
		}
		out = append(out, v)
	}
	for _, m := range u.s.slack.AllMessages() {
		add(m)
	}
	for _, m := range u.s.slack.Ephemerals() {
		add(m)
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
