package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// writeGate lets one of the store's transactions at a time ask SQLite for
// the write lock. SQLite has one writer anyway; queueing in Go is fair and
// wakes the next writer at once, where SQLite's busy handler polls with
// growing sleeps and gives up with SQLITE_BUSY after busy_timeout — which a
// start-up backlog (a rule run writing thousands of findings while pulls
// and deliveries queue) easily exceeds.
type writeGate chan struct{}

func newWriteGate() writeGate { return make(writeGate, 1) }

// acquire waits for the gate or ctx; a nil gate never waits.
func (g writeGate) acquire(ctx context.Context) (release func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g <- struct{}{}:
		return func() { <-g }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Backoff between attempts to take the write lock when a connection outside
// the gate holds it (the job engine shares the database file).
const (
	busyBackoffMin = 5 * time.Millisecond
	busyBackoffMax = 500 * time.Millisecond
)

// beginWrite starts a transaction (BEGIN IMMEDIATE, see dsn), retrying with
// jittered exponential backoff while SQLite answers SQLITE_BUSY, until ctx
// ends. Only BEGIN is retried: nothing has run yet, so a retry is invisible.
// The waits are real time because the lock holder is another connection.
func beginWrite(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error)) (*sql.Tx, error) {
	wait := busyBackoffMin
	for {
		tx, err := begin(ctx, nil)
		if err == nil || !isBusy(err) {
			return tx, err
		}
		t := time.NewTimer(wait/2 + rand.N(wait/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("waiting for the database write lock: %w", errors.Join(ctx.Err(), err))
		case <-t.C:
		}
		wait = min(2*wait, busyBackoffMax)
	}
}

// isBusy reports whether err is SQLITE_BUSY or one of its extended codes.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}
