package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/liaisonhq/liaison/sync/store"
)

// MarkEventSeen implements store.Events. ON CONFLICT DO NOTHING waits for a
// concurrent insert of the same id to commit, so exactly one replica sees
// its row inserted.
func (q queries) MarkEventSeen(ctx context.Context, id string, at time.Time) (bool, error) {
	if id == "" {
		return false, fmt.Errorf("marking event seen: empty id: %w", store.ErrInvalid)
	}
	tag, err := q.db.Exec(ctx, `INSERT INTO seen_events (id, first_seen) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
		id, tsArg(at))
	if err != nil {
		return false, fmt.Errorf("marking event %s seen: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// ForgetEvent implements store.Events.
func (q queries) ForgetEvent(ctx context.Context, id string) error {
	if _, err := q.db.Exec(ctx, `DELETE FROM seen_events WHERE id = $1`, id); err != nil {
		return fmt.Errorf("forgetting event %s: %w", id, err)
	}
	return nil
}

// PruneEvents implements store.Events.
func (q queries) PruneEvents(ctx context.Context, before time.Time) (int, error) {
	tag, err := q.db.Exec(ctx, `DELETE FROM seen_events WHERE first_seen < $1`, tsArg(before))
	if err != nil {
		return 0, fmt.Errorf("pruning seen events: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
