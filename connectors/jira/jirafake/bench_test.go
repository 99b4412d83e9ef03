package jirafake_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/jira/jirafake"
)

// benchSite seeds 200,000 issues over 2,000 projects, the reference load.
func benchSite(b *testing.B) (*jirafake.Fake, *clock.Fake) {
	b.Helper()
	c := clock.NewFake(t0)
	f := jirafake.New(jirafake.Options{Clock: c})
	if _, err := f.Generate(jirafake.GenerateOptions{Seed: 1, Projects: 99, Issues: 200_000, Users: 300}); err != nil {
		b.Fatal(err)
	}
	return f, c
}

func searchOnce(b *testing.B, h http.Handler, query string) {
	req := httptest.NewRequest("GET", "/rest/api/3/search/jql?"+query, nil)
	req.SetBasicAuth(jirafake.DefaultEmail, jirafake.DefaultToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// BenchmarkIncrementalSearchAfterWrite is the idle-cycle query right after a
// write: the cache is cold, the updated index narrows the scan.
func BenchmarkIncrementalSearchAfterWrite(b *testing.B) {
	f, c := benchSite(b)
	h := f.Handler()
	q := url.Values{"jql": {`project in (C01, C02, C03) AND updated >= "2026-11-27 09:00" ORDER BY updated ASC, key ASC`},
		"fields": {"summary,status,updated,assignee,duedate"}}.Encode()
	for b.Loop() {
		c.Advance(time.Second)
		if _, err := f.UpdateIssue("C01-1", func(is *jirafake.Issue) { is.Summary += "." }); err != nil {
			b.Fatal(err)
		}
		searchOnce(b, h, q)
	}
}

// BenchmarkFullScanPage is a first page over every project (cold cache each time).
func BenchmarkFullScanPage(b *testing.B) {
	f, c := benchSite(b)
	h := f.Handler()
	q := url.Values{"jql": {`statusCategory != Done ORDER BY updated ASC, key ASC`}, "fields": {"summary,status"}, "maxResults": {"100"}}.Encode()
	for b.Loop() {
		c.Advance(time.Second)
		if _, err := f.UpdateIssue("C01-1", func(is *jirafake.Issue) { is.Summary += "." }); err != nil {
			b.Fatal(err)
		}
		searchOnce(b, h, q)
	}
}

// BenchmarkSearchPage is one page of the queries Liaison's pull sends, at
// 20,000 and 200,000 issues, with a write before every page (as during a
// busy backfill, so no cached result helps): a page must cost the same at
// both sizes.
func BenchmarkSearchPage(b *testing.B) {
	for _, n := range []int{20_000, 200_000} {
		c := clock.NewFake(t0)
		f := jirafake.New(jirafake.Options{Clock: c})
		if _, err := f.Generate(jirafake.GenerateOptions{Seed: 1, Projects: 99, Issues: n, Users: 300}); err != nil {
			b.Fatal(err)
		}
		h := f.Handler()
		var projects []string
		for i := 1; i <= 99; i++ {
			projects = append(projects, fmt.Sprintf("C%02d", i))
		}
		for _, q := range []struct{ name, jql string }{
			{"changed", `updated >= "2026-08-01 00:00" ORDER BY updated ASC, key ASC`},
			{"backfill", `project in (` + strings.Join(projects, ", ") + `) ORDER BY updated ASC, key ASC`},
		} {
			b.Run(fmt.Sprintf("%s/%dk", q.name, n/1000), func(b *testing.B) {
				v := url.Values{"jql": {q.jql}, "fields": {"summary,status,updated,assignee,duedate"}, "maxResults": {"100"}}
				for b.Loop() {
					c.Advance(time.Second)
					if _, err := f.UpdateIssue("C01-1", func(is *jirafake.Issue) { is.Summary += "." }); err != nil {
						b.Fatal(err)
					}
					searchOnce(b, h, v.Encode())
				}
			})
		}
	}
}
