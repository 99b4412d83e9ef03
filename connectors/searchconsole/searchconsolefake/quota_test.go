package searchconsolefake

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// TestDocumentedQuota: the 1,201st query about one site within a minute
// gets 429 RESOURCE_EXHAUSTED naming the per-site limit, with Retry-After
// until the oldest query leaves the window; another site is still served
// until the same user's 1,200 per minute run out.
func TestDocumentedQuota(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC))
	f := New(Options{Clock: clk, Auth: tokens{"good": "seo@agency.example"}, Quota: DocumentedQuota()})
	for _, u := range []string{"sc-domain:a.example", "sc-domain:b.example"} {
		if err := f.AddSite(Site{URL: u, Owners: []string{"seo@agency.example"}}); err != nil {
			t.Fatal(err)
		}
	}
	h := f.Handler()
	query := func(site string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/webmasters/v3/sites/"+url.PathEscape(site)+"/searchAnalytics/query",
			strings.NewReader(`{"startDate":"2026-11-20","endDate":"2026-11-20","rowLimit":1}`))
		req.Header.Set("Authorization", "Bearer good")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := range 1200 {
		if rec := query("sc-domain:a.example"); rec.Code != 200 {
			t.Fatalf("query %d: %d %s", i, rec.Code, rec.Body)
		}
		if i == 599 {
			clk.Advance(30 * time.Second)
		}
	}
	rec := query("sc-domain:a.example")
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Queries per minute per site") ||
		!strings.Contains(rec.Body.String(), "RESOURCE_EXHAUSTED") || rec.Header().Get("Retry-After") != "30" {
		t.Fatalf("1,201st query: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	// The user's own per-minute quota is spent too: the other site waits.
	if rec := query("sc-domain:b.example"); rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "per user") {
		t.Fatalf("other site: %d %s", rec.Code, rec.Body)
	}
	clk.Advance(30 * time.Second) // the first 600 leave the window
	for i := range 600 {
		if rec := query("sc-domain:b.example"); rec.Code != 200 {
			t.Fatalf("after the window moved, query %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if rec := query("sc-domain:a.example"); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("user at 1,200 in the last minute: %d", rec.Code)
	}
}
