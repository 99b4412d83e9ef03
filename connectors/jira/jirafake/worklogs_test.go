package jirafake_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

type changedWorklogs struct {
	Values []struct {
		WorklogID   int64 `json:"worklogId"`
		UpdatedTime int64 `json:"updatedTime"`
	} `json:"values"`
	Since    int64  `json:"since"`
	Until    int64  `json:"until"`
	Self     string `json:"self"`
	NextPage string `json:"nextPage"`
	LastPage bool   `json:"lastPage"`
}

func TestWorklogUpdatedPagingAndList(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "s"})
	start := s.clock.Now().UnixMilli()
	// 998 changes 1ms apart, then 5 in one millisecond straddling the
	// 1000-item page boundary, then 497 more.
	add := func() {
		if _, err := s.fake.AddWorklog(jirafake.Worklog{IssueKey: "ACME-1", TimeSpentSeconds: 60}); err != nil {
			t.Fatal(err)
		}
	}
	for range 998 {
		add()
		s.clock.Advance(time.Millisecond)
	}
	for range 5 {
		add()
	}
	for range 497 {
		s.clock.Advance(time.Millisecond)
		add()
	}

	// Changes younger than a minute are not served yet.
	var early changedWorklogs
	mustStatus(t, s.call(t, "GET", fmt.Sprintf("/rest/api/3/worklog/updated?since=%d", start), nil, &early), 200)
	if len(early.Values) != 0 || !early.LastPage {
		t.Fatalf("within the first minute: %d values, lastPage %v", len(early.Values), early.LastPage)
	}
	s.clock.Advance(time.Minute)

	seen := map[int64]bool{}
	var sizes []int
	path := fmt.Sprintf("/rest/api/3/worklog/updated?since=%d", start)
	for {
		var page changedWorklogs
		mustStatus(t, s.call(t, "GET", path, nil, &page), 200)
		sizes = append(sizes, len(page.Values))
		var ids []int64
		for _, v := range page.Values {
			if seen[v.WorklogID] {
				t.Fatalf("worklog %d served twice", v.WorklogID)
			}
			seen[v.WorklogID] = true
			ids = append(ids, v.WorklogID)
		}
		if len(page.Values) > 0 && page.Until != page.Values[len(page.Values)-1].UpdatedTime {
			t.Fatalf("until %d is not the last item's time", page.Until)
		}
		var full []struct {
			ID               string `json:"id"`
			TimeSpentSeconds int64  `json:"timeSpentSeconds"`
		}
		mustStatus(t, s.call(t, "POST", "/rest/api/3/worklog/list", map[string]any{"ids": ids}, &full), 200)
		if len(full) != len(ids) || full[0].TimeSpentSeconds != 60 {
			t.Fatalf("worklog/list returned %d of %d", len(full), len(ids))
		}
		if page.LastPage {
			if page.NextPage != "" {
				t.Fatalf("last page has nextPage %q", page.NextPage)
			}
			break
		}
		path = strings.TrimPrefix(page.NextPage, s.srv.URL)
	}
	if len(seen) != 1500 || fmt.Sprint(sizes) != "[998 502]" {
		t.Fatalf("saw %d worklogs in pages %v, want 1500 in [998 502]", len(seen), sizes)
	}
	if is, _ := s.fake.Issue("ACME-1"); is.TimeSpent == nil || *is.TimeSpent != 1500*60 {
		t.Fatalf("timespent = %v, want %d", is.TimeSpent, 1500*60)
	}

	ids := make([]int64, 1001)
	var e errorBody
	mustStatus(t, s.call(t, "POST", "/rest/api/3/worklog/list", map[string]any{"ids": ids}, &e), 400)
	mustStatus(t, s.call(t, "POST", "/rest/api/3/worklog/list", map[string]any{}, &e), 400)
}

func TestWorklogAddDeleteAndPerIssue(t *testing.T) {
	s := newSite(t, jirafake.Options{})
	seedProjects(t, s.fake, "ACME")
	rem := int64(7200)
	mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "s", RemainingEstimate: &rem})

	var e errorBody
	bad := []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"started": "2026-11-27T09:00:00.000+0000", "timeSpentSeconds": 1800, "comment": "plain"}, "comment"},
		{map[string]any{"timeSpentSeconds": 1800}, "started"},
		{map[string]any{"started": "2026-11-27T09:00:00.000+0000"}, "timeLogged"},
	}
	for _, b := range bad {
		mustStatus(t, s.call(t, "POST", "/rest/api/3/issue/ACME-1/worklog", b.body, &e), 400)
		if e.Errors[b.field] == "" {
			t.Fatalf("body %v: errors %v, want one for %s", b.body, e.Errors, b.field)
		}
	}
	var wl struct {
		ID        string `json:"id"`
		IssueID   string `json:"issueId"`
		TimeSpent string `json:"timeSpent"`
		Started   string `json:"started"`
	}
	mustStatus(t, s.call(t, "POST", "/rest/api/3/issue/ACME-1/worklog", map[string]any{
		"started": "2026-11-27T09:00:00.000+0200", "timeSpentSeconds": 5400, "comment": adf("audit"),
	}, &wl), 201)
	if wl.TimeSpent != "1h 30m" || wl.Started != "2026-11-27T07:00:00.000+0000" {
		t.Fatalf("worklog = %+v", wl)
	}
	is, _ := s.fake.Issue("ACME-1")
	if *is.TimeSpent != 5400 || *is.RemainingEstimate != 1800 {
		t.Fatalf("spent %d remaining %d, want 5400 and 1800", *is.TimeSpent, *is.RemainingEstimate)
	}
	var page struct {
		Total    int `json:"total"`
		Worklogs []struct {
			Comment string `json:"comment"`
		} `json:"worklogs"`
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/2/issue/ACME-1/worklog", nil, &page), 200)
	if page.Total != 1 || page.Worklogs[0].Comment != "audit" {
		t.Fatalf("v2 issue worklogs = %+v", page)
	}

	deletedAt := s.clock.Now().UnixMilli()
	if err := s.fake.DeleteWorklog(wl.ID); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(time.Minute)
	var del changedWorklogs
	mustStatus(t, s.call(t, "GET", fmt.Sprintf("/rest/api/3/worklog/deleted?since=%d", deletedAt), nil, &del), 200)
	if len(del.Values) != 1 || fmt.Sprint(del.Values[0].WorklogID) != wl.ID || !del.LastPage {
		t.Fatalf("deleted feed = %+v", del)
	}
	if is, _ := s.fake.Issue("ACME-1"); is.TimeSpent != nil {
		t.Fatalf("timespent after delete = %d, want null", *is.TimeSpent)
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/worklog/updated?since=soon", nil, &e), 400)
}
