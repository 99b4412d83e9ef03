package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// MarkEventSeen implements store.Events. The insert is one statement, so
// SQLite's write lock makes exactly one caller the first. Like every write
// here it goes through exec, which waits its turn for the write lock
// instead of failing with SQLITE_BUSY.
func (q queries) MarkEventSeen(ctx context.Context, id string, at time.Time) (bool, error) {
	if id == "" {
		return false, fmt.Errorf("marking event seen: empty id: %w", store.ErrInvalid)
	}
	res, err := q.exec(ctx, `INSERT INTO seen_events (id, first_seen) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`,
		id, at.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("marking event %s seen: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("marking event %s seen: %w", id, err)
	}
	return n == 1, nil
}

// ForgetEvent implements store.Events.
func (q queries) ForgetEvent(ctx context.Context, id string) error {
	if _, err := q.exec(ctx, `DELETE FROM seen_events WHERE id = ?`, id); err != nil {
		return fmt.Errorf("forgetting event %s: %w", id, err)
	}
	return nil
}

// PruneEvents implements store.Events.
func (q queries) PruneEvents(ctx context.Context, before time.Time) (int, error) {
	res, err := q.exec(ctx, `DELETE FROM seen_events WHERE first_seen < ?`, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("pruning seen events: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("pruning seen events: %w", err)
	}
	return int(n), nil
}
