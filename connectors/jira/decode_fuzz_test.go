package jira

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fuzzSecret stands for the API token; it must never come out in an error.
const fuzzSecret = "jira-token-FUZZ-7f3a9c1e5b"

// FuzzJiraDecode feeds arbitrary bytes to every decoder of Jira answers:
// a search page (then mapped to tasks), a worklog feed page, a worklog list
// and an error body. None may panic, and an error built from the body never
// shows the API token, whole or in a large part, wherever Jira put it.
func FuzzJiraDecode(f *testing.F) {
	f.Add([]byte(`{"issues":[{"id":"10001","key":"ACME-1","fields":{"summary":"Audit","status":{"name":"In Progress",` +
		`"statusCategory":{"key":"indeterminate"}},"assignee":{"accountId":"u-1"},"duedate":"2026-11-30","timeoriginalestimate":7200,` +
		`"timeestimate":3600,"timespent":3600,"labels":["seo"],"resolutiondate":null,"updated":"2026-11-27T10:13:42.000+0200",` +
		`"created":"2026-11-01T09:00:00.000+0000","project":{"key":"ACME"},"issuetype":{"name":"Task"},"parent":{"key":"ACME-0"}},` +
		`"properties":{"liaison":{"key":"q-1"}}}],"isLast":false,"nextPageToken":"CAEaAggD"}`))
	f.Add([]byte(`{"values":[{"worklogId":10010,"updatedTime":1700000000000}],"since":1700000000000,"until":1700000001000,"lastPage":true}`))
	f.Add([]byte(`[{"id":"10010","issueId":"10001","author":{"accountId":"u-1"},"started":"2026-11-27T09:00:00.000+0000","timeSpentSeconds":3600,"updated":"2026-11-27T10:00:00.000+0000"}]`))
	f.Add([]byte(`{"errorMessages":["The value '` + fuzzSecret + `' does not exist for the field 'project'."],"errors":{}}`))
	f.Add([]byte(`<html><body>Gateway Timeout</body></html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var page searchPage
		if json.Unmarshal(body, &page) == nil {
			for _, is := range page.Issues {
				_ = toTask(is)
			}
		}
		var feed changedWorklogs
		_ = json.Unmarshal(body, &feed)
		var logs []apiWorklog
		_ = json.Unmarshal(body, &logs)

		resp := &http.Response{StatusCode: http.StatusBadRequest, Header: http.Header{"Retry-After": {string(body)}}}
		e := newAPIError("searching issues", reqContext{clients: []string{"acme"}, jql: "project = ACME"},
			"GET /rest/api/3/search/jql", resp, body, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), []string{fuzzSecret})
		msg := e.Error()
		if strings.Contains(msg, fuzzSecret) {
			t.Fatalf("the error shows the secret: %s", msg)
		}
		if strings.Contains(string(body), fuzzSecret) {
			// Nor a large part of it (a cut), unless the body has that part
			// elsewhere too.
			rest := strings.ReplaceAll(string(body), fuzzSecret, "")
			for n := len(fuzzSecret) / 2; n < len(fuzzSecret); n++ {
				for i := 0; i+n <= len(fuzzSecret); i++ {
					part := fuzzSecret[i : i+n]
					if strings.Contains(msg, part) && !strings.Contains(rest, part) {
						t.Fatalf("the error shows %q of the secret: %s", part, msg)
					}
				}
			}
		}
		if e.RetryAfter < 0 {
			t.Fatalf("RetryAfter %v < 0", e.RetryAfter)
		}
	})
}
