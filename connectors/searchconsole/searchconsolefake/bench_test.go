package searchconsolefake

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// BenchmarkQueryBySites asks one property for a page of 1,000 query rows
// over a month at 200 and 2,000 properties: properties are found by URL,
// so the time per page does not grow with their number.
func BenchmarkQueryBySites(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := New(Options{Clock: clock.NewFake(time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC)),
				Auth: tokens{"good": "seo@agency.example"}})
			sites := make([]string, n)
			for i := range sites {
				sites[i] = fmt.Sprintf("sc-domain:client%04d.example", i)
				if err := f.AddSite(Site{URL: sites[i], Owners: []string{"seo@agency.example"}}); err != nil {
					b.Fatal(err)
				}
			}
			h := f.Handler()
			i := 0
			for b.Loop() {
				req := httptest.NewRequest("POST", "/webmasters/v3/sites/"+url.PathEscape(sites[i%n])+"/searchAnalytics/query",
					strings.NewReader(`{"startDate":"2026-10-27","endDate":"2026-11-23","dimensions":["date","query"],"rowLimit":1000}`))
				req.Header.Set("Authorization", "Bearer good")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
				i += 7
			}
		})
	}
}
