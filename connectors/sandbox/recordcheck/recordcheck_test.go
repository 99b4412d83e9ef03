package recordcheck_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/clock"
	"github.com/liaisonhq/liaison/connectors/google"
	"github.com/liaisonhq/liaison/connectors/httpx"
	"github.com/liaisonhq/liaison/connectors/sandbox"
	"github.com/liaisonhq/liaison/connectors/sandbox/recordcheck"
	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/table"
)

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// TestSheetsTrafficMatchesDiscovery records a report's creation, write
// and sharing through the sandbox and checks the recording against the
// Sheets and Drive discovery documents.
func TestSheetsTrafficMatchesDiscovery(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	var rec syncBuffer
	sb, err := sandbox.New(sandbox.Options{Clock: clk, Record: &rec})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	base, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := sandbox.GoogleConfig(base)
	hc := httpx.NewClient(httpx.Options{RetryMax: -1})
	ts, err := google.TokenSource(ctx, cfg, hc, clk, google.ScopeSpreadsheets, google.ScopeDrive)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sheets.New(ctx, cfg, sheets.Options{HTTPClient: hc, TokenSource: ts, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	var st sheets.State
	if _, err := c.Locate(ctx, &st, sheets.Target{Title: "ACME", AppProperties: map[string]string{"liaison_client": "acme"}}, false); err != nil {
		t.Fatal(err)
	}
	wb := &table.Workbook{Title: "ACME", Locale: "en_US", Currency: "USD", Tabs: []table.Tab{{Key: "s", Name: "Summary", FrozenRows: 1,
		Rows:   [][]table.Cell{{table.B("Day"), table.B("Spend")}, {table.D("2026-11-30"), table.C(12.5)}},
		Charts: []table.Chart{{Title: "Spend", HeaderRow: 0, LastRow: 1, SeriesColumns: []int{1}, AnchorColumn: 3}}}}}
	if _, err := c.Write(ctx, &st, wb); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Share(ctx, &st, []sheets.Grant{{Email: "petro@acme.example", Role: "reader", Notify: true}}, "Report"); err != nil {
		t.Fatal(err)
	}
	recs, err := recordcheck.Read(bytes.NewReader(rec.buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := recordcheck.CheckGoogle(recs)
	if errors.Is(err, recordcheck.ErrNoSpec) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Errorf("recorded exchange breaks the spec: %s", p)
	}
	if res.Google < 6 {
		t.Errorf("checked %d Google exchanges; want list, create, batchUpdate, values, permissions list and create", res.Google)
	}
}
