package sqlite

import (
	"context"
	"fmt"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// TaskSeq implements store.TaskLog: the stamps the task upsert and the
// triggers of migrations 0006 and 0008 keep.
func (q queries) TaskSeq(ctx context.Context) (store.TaskSeq, error) {
	var s store.TaskSeq
	err := q.db.QueryRowContext(ctx, `SELECT
		(SELECT value FROM change_seqs WHERE name = 'tasks'),
		(SELECT value FROM change_seqs WHERE name = 'tasks_removed')`).Scan(&s.Written, &s.Removed)
	if err != nil {
		return s, fmt.Errorf("reading the task write stamps: %w", err)
	}
	return s, nil
}

// EachTaskWrittenAfter implements store.TaskLog. Stamp order follows the
// stamp index, so the walk needs no sort however many tasks it covers.
func (q queries) EachTaskWrittenAfter(ctx context.Context, seq int64, fn func(t *connectors.Task) error) error {
	rows, err := q.db.QueryContext(ctx, `SELECT `+taskColumns+` FROM tasks WHERE change_seq > ? ORDER BY change_seq`, seq)
	if err != nil {
		return fmt.Errorf("listing tasks written after %d: %w", seq, err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return fmt.Errorf("listing tasks written after %d: %w", seq, err)
		}
		if err := fn(&t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("listing tasks written after %d: %w", seq, err)
	}
	return nil
}
