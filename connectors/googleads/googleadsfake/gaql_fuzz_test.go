package googleadsfake

import (
	"strings"
	"testing"
)

// FuzzParseQuery feeds arbitrary GAQL to the fake's parser: it must never
// panic, must refuse with a QueryError code, and what it accepts must be a
// query over a known date range with selectable fields only.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"SELECT campaign.id, metrics.clicks, segments.date FROM campaign WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31'",
		"SELECT customer.currency_code, campaign.id, segments.date, metrics.cost_micros FROM campaign " +
			"WHERE segments.date BETWEEN '2026-01-01' AND '2026-01-31' ORDER BY segments.date DESC LIMIT 10",
		"SELECT metrics.clicks FROM campaign WHERE segments.date BETWEEN '2026-01-01 AND '2026-01-31'",
		"SELECT",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, qerr := parseQuery(s)
		if qerr != nil {
			if qerr.code == "" || strings.ToUpper(qerr.code) != qerr.code {
				t.Fatalf("refusal without a QueryError code: %+v", qerr)
			}
			return
		}
		if q == nil {
			t.Fatal("nil query without an error")
		}
		for _, fld := range q.fields {
			if !selectable[fld] {
				t.Fatalf("accepted unselectable field %q in %q", fld, s)
			}
		}
		if q.from == "" || q.to == "" || q.from > q.to {
			t.Fatalf("accepted a query without a valid date range: %q → %+v", s, q)
		}
		if q.limit < 0 {
			t.Fatalf("accepted a negative LIMIT: %q", s)
		}
	})
}
