package sheets_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/liaisonhq/liaison/connectors/sheets"
	"github.com/liaisonhq/liaison/connectors/sheets/sheetsfake"
)

// TestQuota429WaitsRetryAfter: the fake allows 2 writes a minute, the
// client's limiter more, so the third write gets 429 with Retry-After;
// the client waits on its clock and succeeds once the minute turns.
func TestQuota429WaitsRetryAfter(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{WritesPerMinute: 2})
	c := e.client(t, e.robotConfig(t, true), sheets.Options{})
	ctx := context.Background()
	var a, b sheets.State
	for _, st := range []*sheets.State{&a, &b} {
		if _, err := c.Locate(ctx, st, target("c"+time.Now().Format("150405.000000")), false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Write(ctx, &a, reportWorkbook(2)); err != nil { // 2 writes: the minute's quota
		t.Fatal(err)
	}
	done := make(chan error, 1)
	before := e.clk.Now()
	go func() {
		_, err := c.Write(ctx, &b, reportWorkbook(2))
		done <- err
	}()
	waitForWaiter(t, e)
	if n := e.fake.Counts()["sheets.spreadsheets.batchUpdate"]; n != 2 {
		t.Fatalf("%d batchUpdates before the wait, want 2 (one refused)", n)
	}
	e.clk.Advance(time.Minute)
	if err := <-done; err != nil {
		t.Fatalf("write after the wait: %v", err)
	}
	if e.clk.Now().Sub(before) < time.Minute {
		t.Error("the write did not wait")
	}
	snap, _ := e.fake.Spreadsheet(b.SpreadsheetID)
	if len(snap.Sheets) != 4 {
		t.Errorf("second spreadsheet has %d sheets", len(snap.Sheets))
	}
}

func waitForWaiter(t *testing.T, e *env) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for e.clk.Waiters() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the client never waited on the clock")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestLimiterKeepsAMinutesQuota: with 60 writes a minute, 60 go out at
// once and the 61st waits until the first is a minute old; a pause after
// 429 holds the user's writes, and a cancelled wait returns.
func TestLimiterKeepsAMinutesQuota(t *testing.T) {
	e := newEnv(t, sheetsfake.Options{})
	l := sheets.NewLimiter(60, 300, e.clk)
	ctx := context.Background()
	for i := range 60 {
		if err := l.Wait(ctx, "u"); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		e.clk.Advance(100 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, "u") }()
	waitForWaiter(t, e)
	e.clk.Advance(50 * time.Second) // 56 s after the first write
	select {
	case <-done:
		t.Fatal("the 61st write went out within the minute")
	default:
	}
	waitForWaiter(t, e)
	e.clk.Advance(5 * time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Another user has a quota of their own, within the project's.
	if err := l.Wait(ctx, "v"); err != nil {
		t.Fatal(err)
	}
	l.Pause("u", 10*time.Second)
	cctx, cancel := context.WithCancel(ctx)
	go func() { done <- l.Wait(cctx, "u") }()
	waitForWaiter(t, e)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}
