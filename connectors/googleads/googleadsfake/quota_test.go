package googleadsfake

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// TestDailyOperationLimit: with Explorer access, the 2,881st searchStream of
// a Pacific-time day answers 429 RESOURCE_EXHAUSTED with quotaError and a
// retryDelay to midnight Pacific; the next day serves again. A stream is one
// operation however many rows it carries.
func TestDailyOperationLimit(t *testing.T) {
	// 12:00 UTC is 04:00 in Los Angeles: 20 hours to Google's next day.
	clk := clock.NewFake(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	f := New(Options{Clock: clk, Auth: tokens{"good": "user@agency.example"}, DailyOperations: ExplorerAccessOperations})
	if err := f.AddAccount(Account{CustomerID: "1234567890", Users: []string{"user@agency.example"}}); err != nil {
		t.Fatal(err)
	}
	h := f.Handler()
	oneDay := strings.Replace(goodQuery, "'2026-11-01'", "'2026-11-26'", 1)
	search := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/v22/customers/1234567890/googleAds:searchStream",
			strings.NewReader(`{"query":"`+oneDay+`"}`))
		req.Header.Set("Authorization", "Bearer good")
		req.Header.Set("developer-token", DefaultDeveloperToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := range ExplorerAccessOperations {
		if rec := search(); rec.Code != 200 {
			t.Fatalf("operation %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec := search()
	var failure []struct {
		Error struct {
			Status  string `json:"status"`
			Details []struct {
				Errors []struct {
					ErrorCode map[string]string `json:"errorCode"`
					Details   struct {
						QuotaErrorDetails struct {
							RateName   string `json:"rateName"`
							RetryDelay string `json:"retryDelay"`
						} `json:"quotaErrorDetails"`
					} `json:"details"`
				} `json:"errors"`
			} `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &failure); err != nil || rec.Code != 429 || len(failure) != 1 ||
		failure[0].Error.Status != "RESOURCE_EXHAUSTED" || len(failure[0].Error.Details) != 1 || len(failure[0].Error.Details[0].Errors) != 1 {
		t.Fatalf("over the limit: %d %s (%v)", rec.Code, rec.Body, err)
	}
	e := failure[0].Error.Details[0].Errors[0]
	if e.ErrorCode["quotaError"] != "RESOURCE_EXHAUSTED" || e.Details.QuotaErrorDetails.RetryDelay != "72000s" ||
		!strings.Contains(e.Details.QuotaErrorDetails.RateName, "explorer") {
		t.Fatalf("quota error %+v", e)
	}
	clk.Advance(20 * time.Hour)
	if rec := search(); rec.Code != 200 {
		t.Fatalf("next Pacific day: %d %s", rec.Code, rec.Body)
	}
}
