package jira

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// IdempotencyProperty is the issue property where EnsureIssue records the
// idempotency key of the issues it creates.
const IdempotencyProperty = "liaison.idempotency"

// ErrNoTransition means the issue's workflow offers no transition to the
// requested status from where the issue stands.
var ErrNoTransition = errors.New("no such transition")

// IssueSpec describes an issue that rules want to exist exactly once.
type IssueSpec struct {
	Project           string   // project key
	IssueType         string   // "Task", "Sub-task"...
	Summary           string   // at most 255 characters
	Description       string   // plain text; sent as ADF
	Labels            []string // no spaces
	DueDate           string   // "2006-01-02"; empty for none
	AssigneeAccountID string   // empty leaves the project's default
	// IdempotencyKey identifies the issue across retries and restarts, e.g.
	// "questions:acme:anna:2026-W48". Required.
	IdempotencyKey string
	// Fields are extra fields as Jira's create API takes them, e.g. custom
	// fields ("customfield_10020": ...). They must be on the create screen.
	Fields map[string]any
}

// IdempotencyLabel is the label EnsureIssue puts on the issue it creates for
// key: a short hash, because labels are searchable and must not contain
// spaces, while keys are free text.
func IdempotencyLabel(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "liaison-" + hex.EncodeToString(sum[:8])
}

// EnsureIssue creates the issue described by spec unless one with the same
// idempotency key exists, and returns its key; created reports whether this
// call created it. It searches by the idempotency label first, so that a
// retry after a crash between creating the issue and recording its property
// finds it instead of creating a second one. In dry-run mode nothing is
// created and key is empty.
func (c *Client) EnsureIssue(ctx context.Context, spec IssueSpec) (key string, created bool, err error) {
	if spec.Project == "" || spec.IssueType == "" || strings.TrimSpace(spec.Summary) == "" || spec.IdempotencyKey == "" {
		return "", false, errors.New("jira: ensuring issue: project, issue type, summary and idempotency key are required")
	}
	label := IdempotencyLabel(spec.IdempotencyKey)
	found, err := c.findByLabel(ctx, spec.Project, label)
	if err != nil {
		return "", false, err
	}
	if found != nil {
		if _, ok := found.Properties[IdempotencyProperty]; !ok {
			// The last attempt stopped after creating the issue.
			if err := c.setIdempotency(ctx, found.Key, spec.IdempotencyKey); err != nil {
				return found.Key, false, err
			}
		}
		return found.Key, false, nil
	}
	fields := map[string]any{
		"project":   map[string]string{"key": spec.Project},
		"issuetype": map[string]string{"name": spec.IssueType},
		"summary":   spec.Summary,
		"labels":    appendUnique(spec.Labels, label),
	}
	if spec.Description != "" {
		fields["description"] = TextToADF(spec.Description)
	}
	if spec.DueDate != "" {
		fields["duedate"] = spec.DueDate
	}
	if spec.AssigneeAccountID != "" {
		fields["assignee"] = map[string]string{"accountId": spec.AssigneeAccountID}
	}
	for k, v := range spec.Fields {
		if _, clash := fields[k]; clash {
			return "", false, fmt.Errorf("jira: ensuring issue: field %q is set by the spec; remove it from Fields", k)
		}
		fields[k] = v
	}
	var out struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	skipped, err := c.do(ctx, call{op: "creating issue in project " + spec.Project, method: http.MethodPost,
		path: "rest/api/3/issue", route: "POST /rest/api/3/issue", body: map[string]any{"fields": fields}, out: &out, write: true})
	if err != nil {
		return "", false, err
	}
	if skipped {
		return "", true, nil
	}
	c.noteID(out.ID)
	if err := c.setIdempotency(ctx, out.Key, spec.IdempotencyKey); err != nil {
		return out.Key, true, err
	}
	return out.Key, true, nil
}

// findByLabel returns the oldest issue of project carrying label, or nil.
func (c *Client) findByLabel(ctx context.Context, project, label string) (*apiIssue, error) {
	jql := "project = " + quoteJQL(project) + " AND labels = " + quoteJQL(label) + " ORDER BY created ASC"
	var found *apiIssue
	q := searchQuery{jql: jql, fields: []string{"key"}, properties: []string{IdempotencyProperty}, maxResults: 2,
		reconcile: c.recentWrites()}
	err := c.searchPages(ctx, "looking for issue by idempotency label", reqContext{}, q, func(p searchPage) error {
		if found == nil && len(p.Issues) > 0 {
			is := p.Issues[0]
			found = &is
		}
		if len(p.Issues) > 1 {
			c.log.Warn("jira: several issues carry one idempotency label; using the oldest", "label", label, "issue", p.Issues[0].Key)
		}
		return errStopPaging
	})
	if err != nil && !errors.Is(err, errStopPaging) {
		return nil, err
	}
	return found, nil
}

// errStopPaging ends searchPages early without an error to report.
var errStopPaging = errors.New("stop paging")

func (c *Client) setIdempotency(ctx context.Context, key, idemKey string) error {
	_, err := c.do(ctx, call{op: "recording the idempotency key of " + key, method: http.MethodPut,
		path:  "rest/api/3/issue/" + url.PathEscape(key) + "/properties/" + IdempotencyProperty,
		route: "PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}",
		body:  map[string]string{"idempotencyKey": idemKey}, write: true})
	return err
}

// IssueEdit lists the changes EditIssue makes; nil and empty fields are left alone.
type IssueEdit struct {
	Summary      *string
	Description  *string // plain text; sent as ADF
	DueDate      *string // "2006-01-02"; "" clears the due date
	AddLabels    []string
	RemoveLabels []string
}

// EditIssue applies e to the issue. An empty edit sends nothing.
func (c *Client) EditIssue(ctx context.Context, key string, e IssueEdit) error {
	fields := map[string]any{}
	if e.Summary != nil {
		fields["summary"] = *e.Summary
	}
	if e.Description != nil {
		fields["description"] = TextToADF(*e.Description)
	}
	if e.DueDate != nil {
		if *e.DueDate == "" {
			fields["duedate"] = nil
		} else {
			fields["duedate"] = *e.DueDate
		}
	}
	var ops []map[string]string
	for _, l := range e.AddLabels {
		ops = append(ops, map[string]string{"add": l})
	}
	for _, l := range e.RemoveLabels {
		ops = append(ops, map[string]string{"remove": l})
	}
	body := map[string]any{}
	if len(fields) > 0 {
		body["fields"] = fields
	}
	if len(ops) > 0 {
		body["update"] = map[string]any{"labels": ops}
	}
	if len(body) == 0 {
		return nil
	}
	// returnIssue gives us the id, so that searches reconcile this write.
	var out struct {
		ID string `json:"id"`
	}
	_, err := c.do(ctx, call{op: "editing issue " + key, method: http.MethodPut,
		path:  "rest/api/3/issue/" + url.PathEscape(key) + "?returnIssue=true",
		route: "PUT /rest/api/3/issue/{issueIdOrKey}", body: body, out: &out, write: true})
	if err == nil {
		c.noteID(out.ID)
	}
	return err
}

// AddComment posts text (converted to ADF) as a comment on the issue.
func (c *Client) AddComment(ctx context.Context, key, text string) error {
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("jira: commenting on %s: empty comment", key)
	}
	_, err := c.do(ctx, call{op: "commenting on issue " + key, method: http.MethodPost,
		path:  "rest/api/3/issue/" + url.PathEscape(key) + "/comment",
		route: "POST /rest/api/3/issue/{issueIdOrKey}/comment", body: map[string]any{"body": TextToADF(text)}, write: true})
	return err
}

// Transition moves the issue to the status named toStatus (or through the
// transition of that name), case-insensitively. It answers an error matching
// ErrNoTransition when the workflow offers no such move.
func (c *Client) Transition(ctx context.Context, key, toStatus string) error {
	var ts struct {
		Transitions []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			To   struct {
				Name string `json:"name"`
			} `json:"to"`
		} `json:"transitions"`
	}
	if _, err := c.do(ctx, call{op: "listing transitions of " + key, method: http.MethodGet,
		path:  "rest/api/3/issue/" + url.PathEscape(key) + "/transitions",
		route: "GET /rest/api/3/issue/{issueIdOrKey}/transitions", out: &ts}); err != nil {
		return err
	}
	id := ""
	for _, t := range ts.Transitions {
		if strings.EqualFold(t.To.Name, toStatus) || strings.EqualFold(t.Name, toStatus) {
			id = t.ID
			break
		}
	}
	if id == "" {
		return fmt.Errorf("jira: moving %s to %q: %w", key, toStatus, ErrNoTransition)
	}
	_, err := c.do(ctx, call{op: "moving issue " + key + " to " + toStatus, method: http.MethodPost,
		path:  "rest/api/3/issue/" + url.PathEscape(key) + "/transitions",
		route: "POST /rest/api/3/issue/{issueIdOrKey}/transitions",
		body:  map[string]any{"transition": map[string]string{"id": id}}, write: true})
	return err
}

func (c *Client) noteID(id string) {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		c.noteWrite(n)
	}
}

func appendUnique(list []string, v string) []string {
	out := make([]string, 0, len(list)+1)
	for _, l := range list {
		if l != v {
			out = append(out, l)
		}
	}
	return append(out, v)
}
