package searchconsolefake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

type tokens map[string]string

func (t tokens) Principal(tok string) (string, bool) { p, ok := t[tok]; return p, ok }

func TestQueryRules(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC))
	f := New(Options{Clock: clk, Auth: tokens{"good": "seo@agency.example"}})
	for _, u := range []string{"sc-domain:acme.example", "https://acme.example/"} {
		if err := f.AddSite(Site{URL: u, Owners: []string{"seo@agency.example"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.AddSite(Site{URL: "https://acme.example"}); err == nil {
		t.Error("a URL-prefix property without its trailing slash was accepted")
	}
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	query := func(site, token, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webmasters/v3/sites/"+url.PathEscape(site)+"/searchAnalytics/query", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const dates = `"startDate":"2026-11-01","endDate":"2026-11-26"`
	for _, tc := range []struct {
		name, site, token, body string
		status                  int
		want                    string
	}{
		{"ok", "sc-domain:acme.example", "good", `{` + dates + `,"dimensions":["date"]}`, 200, `"rows"`},
		{"uppercase enums", "https://acme.example/", "good", `{` + dates + `,"dimensions":["DATE","PAGE"],"dataState":"FINAL","type":"WEB"}`, 200, `"BY_PAGE"`},
		{"bad token", "sc-domain:acme.example", "nope", `{` + dates + `}`, 401, "UNAUTHENTICATED"},
		{"not owner", "sc-domain:other.example", "good", `{` + dates + `}`, 403, "sufficient permission for site 'sc-domain:other.example'"},
		{"no dates", "sc-domain:acme.example", "good", `{}`, 400, "startDate"},
		{"reversed dates", "sc-domain:acme.example", "good", `{"startDate":"2026-11-26","endDate":"2026-11-01"}`, 400, "before or equal"},
		{"row limit", "sc-domain:acme.example", "good", `{` + dates + `,"rowLimit":25001}`, 400, "rowLimit"},
		{"unknown dimension", "sc-domain:acme.example", "good", `{` + dates + `,"dimensions":["city"]}`, 400, "dimensions"},
		{"unknown field", "sc-domain:acme.example", "good", `{` + dates + `,"limit":5}`, 400, "unknown field"},
		{"bad data state", "sc-domain:acme.example", "good", `{` + dates + `,"dataState":"fresh"}`, 400, "data_state"},
		{"page by property", "sc-domain:acme.example", "good", `{` + dates + `,"dimensions":["page"],"aggregationType":"byProperty"}`, 400, "aggregate by property"},
	} {
		status, body := query(tc.site, tc.token, tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s; want %d with %q", tc.name, status, body, tc.status, tc.want)
		}
	}

	// Final data stops Lag days back; "all" adds partial fresher days.
	rowsOf := func(body string) []apiRow {
		var r struct{ Rows []apiRow }
		_ = json.Unmarshal([]byte(body), &r)
		return r.Rows
	}
	_, final := query("sc-domain:acme.example", "good", `{"startDate":"2026-11-20","endDate":"2026-11-27","dimensions":["date"]}`)
	_, all := query("sc-domain:acme.example", "good", `{"startDate":"2026-11-20","endDate":"2026-11-27","dimensions":["date"],"dataState":"all"}`)
	maxDate := func(rows []apiRow) string {
		m := ""
		for _, r := range rows {
			m = max(m, r.Keys[0])
		}
		return m
	}
	if got := maxDate(rowsOf(final)); got != "2026-11-24" {
		t.Errorf("final data ends %s, want 2026-11-24", got)
	}
	if got := maxDate(rowsOf(all)); got != "2026-11-26" || !strings.Contains(all, `"firstIncompleteDate":"2026-11-25"`) {
		t.Errorf("all data ends %s (%s), want 2026-11-26 with firstIncompleteDate", got, all)
	}

	// Paging: pages of 7 rows add up to the whole.
	_, whole := query("sc-domain:acme.example", "good", `{`+dates+`,"dimensions":["date","query"],"rowLimit":25000}`)
	n := len(rowsOf(whole))
	got := 0
	for start := 0; ; start += 7 {
		_, page := query("sc-domain:acme.example", "good", `{`+dates+`,"dimensions":["date","query"],"rowLimit":7,"startRow":`+itoa(start)+`}`)
		got += len(rowsOf(page))
		if len(rowsOf(page)) < 7 {
			break
		}
	}
	if got != n || n == 0 {
		t.Errorf("pages returned %d rows, the whole %d", got, n)
	}

	// 429 with Retry-After, once.
	f.InjectRateLimit("sc-domain:acme.example", 1, 5*time.Second)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webmasters/v3/sites/"+url.PathEscape("sc-domain:acme.example")+"/searchAnalytics/query", strings.NewReader(`{`+dates+`}`))
	req.Header.Set("Authorization", "Bearer good")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "5" {
		t.Errorf("rate limit: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if status, _ := query("sc-domain:acme.example", "good", `{`+dates+`}`); status != 200 {
		t.Errorf("after the injected 429: %d", status)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
