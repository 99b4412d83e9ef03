package googleadsfake

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
)

// BenchmarkSearchStreamByAccounts streams one account's month of campaign
// days at 200 and 2,000 accounts under one manager: accounts are found by
// id, so the time per stream does not grow with their number.
func BenchmarkSearchStreamByAccounts(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := New(Options{Clock: clock.NewFake(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)),
				Auth: tokens{"good": "user@agency.example"}})
			if err := f.AddManager("9990000001", "user@agency.example"); err != nil {
				b.Fatal(err)
			}
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fmt.Sprintf("%010d", 1000000000+i)
				if err := f.AddAccount(Account{CustomerID: ids[i], Managers: []string{"9990000001"}}); err != nil {
					b.Fatal(err)
				}
			}
			h := f.Handler()
			i := 0
			for b.Loop() {
				req := httptest.NewRequest("POST", "/v22/customers/"+ids[i%n]+"/googleAds:searchStream",
					strings.NewReader(`{"query":"`+goodQuery+`"}`))
				req.Header.Set("Authorization", "Bearer good")
				req.Header.Set("developer-token", DefaultDeveloperToken)
				req.Header.Set("login-customer-id", "9990000001")
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
