package jirafake

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// TestStreamedPagesMatchTheFullResult pages through queries ordered by
// updated (walked along the index) with a small page size, over issues that
// share updated instants, and checks the pages concatenate to exactly the
// sorted full result, in the same order, for ASC and DESC key tie-breaks
// and with a project restriction dense enough to stream.
func TestStreamedPagesMatchTheFullResult(t *testing.T) {
	c := clock.NewFake(testNow)
	f := New(Options{Clock: c})
	keys, err := f.Generate(GenerateOptions{Seed: 3, Projects: 4, Issues: 300})
	if err != nil {
		t.Fatal(err)
	}
	// Many issues on one instant (the fake clock stands still while they are
	// edited): ties must page by the remaining terms.
	same := c.Now()
	for i := 0; i < len(keys); i += 7 {
		if _, err := f.UpdateIssue(keys[i], func(is *Issue) { is.Summary += " (edited)" }); err != nil {
			t.Fatal(err)
		}
	}
	tied := 0
	for _, is := range f.issues {
		if is.updated.Equal(same) {
			tied++
		}
	}
	if tied < 40 {
		t.Fatalf("%d issues share the updated instant, want the 43 set", tied)
	}
	h := f.Handler()
	for _, jql := range []string{
		`updated >= "2026-09-01 00:00" ORDER BY updated ASC, key ASC`,
		`updated >= "2026-09-01 00:00" ORDER BY updated ASC, key DESC`,
		`project in (C01, C02, C03) ORDER BY updated ASC, key ASC`,
		`statusCategory != Done ORDER BY updated, created DESC`,
	} {
		want, err := runJQL(t, f, jql)
		if err != nil {
			t.Fatal(err)
		}
		f.mu.RLock()
		q, _ := parseJQL(jql)
		cq, err := (&jqlEnv{f: f, now: c.Now(), tz: f.tz, me: f.users[0]}).compile(q)
		streams := err == nil && f.streamableLocked(cq)
		f.mu.RUnlock()
		if !streams {
			t.Fatalf("%s is not answered along the updated index", jql)
		}
		var got []string
		token := ""
		for pages := 0; ; pages++ {
			if pages > 100 {
				t.Fatalf("%s: paging does not end", jql)
			}
			v := url.Values{"jql": {jql}, "maxResults": {"9"}, "fields": {"key"}}
			if token != "" {
				v.Set("nextPageToken", token)
			}
			req := httptest.NewRequest("GET", "/rest/api/3/search/jql?"+v.Encode(), nil)
			req.SetBasicAuth(DefaultEmail, DefaultToken)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var page struct {
				Issues []struct {
					Key string `json:"key"`
				} `json:"issues"`
				IsLast        bool   `json:"isLast"`
				NextPageToken string `json:"nextPageToken"`
			}
			if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &page) != nil {
				t.Fatalf("%s: status %d: %s", jql, rec.Code, rec.Body)
			}
			for _, is := range page.Issues {
				got = append(got, is.Key)
			}
			if page.IsLast {
				if page.NextPageToken != "" {
					t.Fatalf("%s: last page carries a token", jql)
				}
				break
			}
			token = page.NextPageToken
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: pages give %d keys, full result %d; first difference at %d", jql, len(got), len(want), firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestPageWorkDoesNotGrowWithTheSite counts the issues a search examines for
// one page of the pull's queries, right after a write (no cached result), at
// 2,000 and at 20,000 issues: ten times the site must cost at most twice the
// work per page (it is the same page; ties and the write add a little).
// Counting work instead of timing keeps the check deterministic.
func TestPageWorkDoesNotGrowWithTheSite(t *testing.T) {
	work := func(n int, jql string) int64 {
		c := clock.NewFake(testNow)
		f := New(Options{Clock: c})
		keys, err := f.Generate(GenerateOptions{Seed: 5, Projects: 10, Issues: n})
		if err != nil {
			t.Fatal(err)
		}
		h := f.Handler()
		page := func(token string) string {
			v := url.Values{"jql": {jql}, "maxResults": {"100"}, "fields": {"summary,updated"}}
			if token != "" {
				v.Set("nextPageToken", token)
			}
			req := httptest.NewRequest("GET", "/rest/api/3/search/jql?"+v.Encode(), nil)
			req.SetBasicAuth(DefaultEmail, DefaultToken)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var out struct {
				NextPageToken string `json:"nextPageToken"`
			}
			if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			return out.NextPageToken
		}
		token := page("")
		// A write between pages, as a busy site has: no cached result helps.
		c.Advance(time.Second)
		if _, err := f.UpdateIssue(keys[0], func(is *Issue) { is.Summary += "." }); err != nil {
			t.Fatal(err)
		}
		f.scanned.Store(0)
		page(token)
		return f.scanned.Load()
	}
	for _, jql := range []string{
		`updated >= "2026-08-01 00:00" ORDER BY updated ASC, key ASC`,
		`project in (C01, C02, C03, C04, C05, C06, C07, C08, C09, C10) ORDER BY updated ASC, key ASC`,
	} {
		small, large := work(2000, jql), work(20000, jql)
		if large > 2*small {
			t.Errorf("%s: a page examined %d issues at 20,000 and %d at 2,000; want at most twice", jql, large, small)
		}
	}
}
