package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
)

// taskFields are the issue fields a Task needs. The enhanced search returns
// ids only unless fields are named, so the list is explicit.
var taskFields = []string{
	"summary", "status", "assignee", "duedate", "timeoriginalestimate", "timeestimate", "timespent",
	"labels", "resolutiondate", "updated", "created", "project", "issuetype", "parent",
}

// Page sizes Jira allows on /search/jql: 100 with fields, 5000 for keys only.
const (
	pageSizeFields = 100
	pageSizeKeys   = 5000
)

// maxGetJQL is the longest JQL sent in a GET query string; longer queries go
// in a POST body, which proxies and Jira accept at any length.
const maxGetJQL = 1500

// searchQuery is one enhanced search, paged by the caller through searchPages.
type searchQuery struct {
	jql        string
	fields     []string
	properties []string
	maxResults int
	reconcile  []int64 // issue ids whose latest writes must be seen
	// prefetch requests the next page while fn handles the current one;
	// for pulls that read every page, not for lookups that stop early.
	prefetch bool
}

// searchBody is SearchAndReconcileRequestBean.
type searchBody struct {
	JQL             string   `json:"jql"`
	NextPageToken   string   `json:"nextPageToken,omitempty"`
	MaxResults      int      `json:"maxResults,omitempty"`
	Fields          []string `json:"fields,omitempty"`
	Properties      []string `json:"properties,omitempty"`
	ReconcileIssues []int64  `json:"reconcileIssues,omitempty"`
}

// searchPage is SearchAndReconcileResults; there is no total.
type searchPage struct {
	Issues        []apiIssue `json:"issues"`
	IsLast        bool       `json:"isLast"`
	NextPageToken string     `json:"nextPageToken"`
}

type apiIssue struct {
	ID         string                     `json:"id"`
	Key        string                     `json:"key"`
	Fields     issueFields                `json:"fields"`
	Properties map[string]json.RawMessage `json:"properties"`
}

type issueFields struct {
	Summary string `json:"summary"`
	Status  *struct {
		Name           string `json:"name"`
		StatusCategory struct {
			Key string `json:"key"`
		} `json:"statusCategory"`
	} `json:"status"`
	Assignee *struct {
		AccountID string `json:"accountId"`
	} `json:"assignee"`
	DueDate              string   `json:"duedate"`
	TimeOriginalEstimate *int64   `json:"timeoriginalestimate"`
	TimeEstimate         *int64   `json:"timeestimate"`
	TimeSpent            *int64   `json:"timespent"`
	Labels               []string `json:"labels"`
	ResolutionDate       jiraTime `json:"resolutiondate"`
	Updated              jiraTime `json:"updated"`
	Created              jiraTime `json:"created"`
	Project              *struct {
		Key string `json:"key"`
	} `json:"project"`
	IssueType *struct {
		Name string `json:"name"`
	} `json:"issuetype"`
	Parent *struct {
		Key string `json:"key"`
	} `json:"parent"`
}

// jiraTime reads Jira's timestamps ("2026-11-27T10:13:42.000+0200"); null
// and absent read as the zero time.
type jiraTime struct{ time.Time }

const jiraTimeLayout = "2006-01-02T15:04:05.000-0700"

// UnmarshalJSON accepts Jira's layout, RFC 3339 and null.
func (t *jiraTime) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		t.Time = time.Time{}
		return nil
	}
	uq, err := strconv.Unquote(s)
	if err != nil {
		return fmt.Errorf("jira time %s: %w", s, err)
	}
	for _, layout := range []string{jiraTimeLayout, time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700"} {
		if v, err := time.Parse(layout, uq); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("jira time %q: unknown layout", uq)
}

// searchPages runs q and calls fn with each page in order until the last
// page or an error. The request is a GET while the JQL is short and a POST
// otherwise. With q.prefetch the next page is requested as soon as its token
// is known, so it downloads while fn stores the current one: a backfill then
// waits for the slower of Jira and the store, not for both in turn. When fn
// fails, the request in flight is cancelled and its page never reaches fn.
func (c *Client) searchPages(ctx context.Context, op string, rc reqContext, q searchQuery, fn func(searchPage) error) error {
	rc.jql = q.jql
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type fetched struct {
		page searchPage
		err  error
	}
	prefetch := func(token string) <-chan fetched {
		ch := make(chan fetched, 1)
		go func() {
			p, err := c.searchPage(ctx, op, rc, q, token)
			ch <- fetched{p, err}
		}()
		return ch
	}
	token := ""
	page, err := c.searchPage(ctx, op, rc, q, token)
	for {
		if err != nil {
			return err
		}
		more := !page.IsLast && page.NextPageToken != ""
		if more && page.NextPageToken == token {
			return &opError{op: op, clients: rc.clients, jql: rc.jql, err: fmt.Errorf("jira repeated the page token")}
		}
		var next <-chan fetched
		if more {
			token = page.NextPageToken
			if q.prefetch {
				next = prefetch(token)
			}
		}
		if err := fn(page); err != nil {
			return err
		}
		if !more {
			return nil
		}
		if next == nil {
			page, err = c.searchPage(ctx, op, rc, q, token)
			continue
		}
		r := <-next
		page, err = r.page, r.err
	}
}

// searchPage requests the page of q that token names (the first when empty).
func (c *Client) searchPage(ctx context.Context, op string, rc reqContext, q searchQuery, token string) (searchPage, error) {
	var page searchPage
	cl := call{op: op, rc: rc, out: &page}
	if len(q.jql) <= maxGetJQL {
		v := url.Values{}
		v.Set("jql", q.jql)
		if token != "" {
			v.Set("nextPageToken", token)
		}
		if q.maxResults > 0 {
			v.Set("maxResults", strconv.Itoa(q.maxResults))
		}
		if len(q.fields) > 0 {
			v.Set("fields", strings.Join(q.fields, ","))
		}
		if len(q.properties) > 0 {
			v.Set("properties", strings.Join(q.properties, ","))
		}
		if len(q.reconcile) > 0 {
			ids := make([]string, len(q.reconcile))
			for i, id := range q.reconcile {
				ids[i] = strconv.FormatInt(id, 10)
			}
			v.Set("reconcileIssues", strings.Join(ids, ","))
		}
		cl.method, cl.path, cl.route = http.MethodGet, "rest/api/3/search/jql?"+v.Encode(), "GET /rest/api/3/search/jql"
	} else {
		cl.method, cl.path, cl.route = http.MethodPost, "rest/api/3/search/jql", "POST /rest/api/3/search/jql"
		cl.body = searchBody{JQL: q.jql, NextPageToken: token, MaxResults: q.maxResults, Fields: q.fields,
			Properties: q.properties, ReconcileIssues: q.reconcile}
	}
	if _, err := c.do(ctx, cl); err != nil {
		return searchPage{}, err
	}
	return page, nil
}

// toTask maps a searched issue to the record rules read.
func toTask(is apiIssue) connectors.Task {
	f := is.Fields
	t := connectors.Task{
		Key:               is.Key,
		ID:                is.ID,
		Summary:           f.Summary,
		DueDate:           f.DueDate,
		OriginalEstimate:  f.TimeOriginalEstimate,
		RemainingEstimate: f.TimeEstimate,
		TimeSpent:         f.TimeSpent,
		Created:           f.Created.Truncate(time.Millisecond),
		Updated:           f.Updated.Truncate(time.Millisecond),
		Resolved:          f.ResolutionDate.Truncate(time.Millisecond),
	}
	if len(f.Labels) > 0 {
		t.Labels = append([]string(nil), f.Labels...)
	}
	if f.Project != nil {
		t.ProjectKey = f.Project.Key
	} else if i := strings.LastIndexByte(is.Key, '-'); i > 0 {
		t.ProjectKey = is.Key[:i]
	}
	if f.Status != nil {
		t.Status = f.Status.Name
		t.StatusCategory = connectors.StatusCategory(f.Status.StatusCategory.Key)
	}
	if f.Assignee != nil {
		t.AssigneeAccountID = f.Assignee.AccountID
	}
	if f.IssueType != nil {
		t.IssueType = f.IssueType.Name
	}
	if f.Parent != nil {
		t.ParentKey = f.Parent.Key
	}
	return t
}
