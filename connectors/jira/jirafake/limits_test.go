package jirafake_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

// TestBurstLimitPerEndpoint: Jira Cloud's burst limit counts per endpoint and
// method for the whole site; the 101st GET of one endpoint within a second
// gets 429 jira-burst-based with Retry-After, another endpoint does not, and
// waiting Retry-After is enough.
func TestBurstLimitPerEndpoint(t *testing.T) {
	s := newSite(t, jirafake.Options{Limits: jirafake.CloudLimits()})
	for i := range 100 {
		resp := s.call(t, "GET", "/rest/api/3/myself", nil, nil)
		if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != strconv.Itoa(99-i) {
			t.Fatalf("request %d: status %d, remaining %q", i, resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
		}
		if near := resp.Header.Get("X-RateLimit-NearLimit") == "true"; near != (99-i < 20) {
			t.Fatalf("request %d: near limit %v with %d left", i, near, 99-i)
		}
	}
	resp := s.call(t, "GET", "/rest/api/3/myself", nil, nil)
	mustStatus(t, resp, http.StatusTooManyRequests)
	if h := resp.Header; h.Get("RateLimit-Reason") != "jira-burst-based" || h.Get("Retry-After") != "1" || h.Get("X-RateLimit-Limit") != "100" {
		t.Fatalf("429 headers %v", h)
	}
	mustStatus(t, s.call(t, "GET", "/rest/api/3/serverInfo", nil, nil), 200)
	s.clock.Advance(time.Second)
	mustStatus(t, s.call(t, "GET", "/rest/api/3/myself", nil, nil), 200)
}

// TestPerIssueWriteLimit: 20 writes to one issue within 2 seconds pass, the
// 21st gets 429 jira-per-issue-on-write; another issue is unaffected; and the
// 30-second window caps a steady writer at 100.
func TestPerIssueWriteLimit(t *testing.T) {
	s := newSite(t, jirafake.Options{Limits: jirafake.CloudLimits()})
	seedProjects(t, s.fake, "ACME")
	a := mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "a"})
	b := mustPut(t, s.fake, jirafake.Issue{Project: "ACME", Summary: "b"})
	edit := func(key string) *http.Response {
		return s.call(t, "PUT", "/rest/api/2/issue/"+key, map[string]any{"fields": map[string]any{"summary": "edited"}}, nil)
	}
	for i := range 20 {
		if resp := edit(a.Key); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("write %d: status %d", i, resp.StatusCode)
		}
	}
	resp := edit(a.Key)
	mustStatus(t, resp, http.StatusTooManyRequests)
	if h := resp.Header; h.Get("RateLimit-Reason") != "jira-per-issue-on-write" || h.Get("Retry-After") != "2" {
		t.Fatalf("429 headers %v", h)
	}
	mustStatus(t, edit(b.Key), http.StatusNoContent)

	// 20 writes every 2 seconds: the 30-second window fills at 100.
	for round := 1; round < 5; round++ {
		s.clock.Advance(2 * time.Second)
		for i := range 20 {
			if resp := edit(a.Key); resp.StatusCode != http.StatusNoContent {
				t.Fatalf("round %d write %d: status %d", round, i, resp.StatusCode)
			}
		}
	}
	s.clock.Advance(2 * time.Second)
	resp = edit(a.Key)
	mustStatus(t, resp, http.StatusTooManyRequests)
	if h := resp.Header; h.Get("RateLimit-Reason") != "jira-per-issue-on-write" || h.Get("X-RateLimit-Limit") != "100" || h.Get("Retry-After") != "20" {
		t.Fatalf("30-second window: 429 headers %v", h)
	}
}
