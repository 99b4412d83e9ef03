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

// TasksWrittenAfter implements store.TaskLog.
func (q queries) TasksWrittenAfter(ctx context.Context, seq int64) ([]connectors.Task, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+taskColumns+` FROM tasks WHERE change_seq > ? ORDER BY key`, seq)
	if err != nil {
		return nil, fmt.Errorf("listing tasks written after %d: %w", seq, err)
	}
	defer rows.Close()
	var out []connectors.Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("listing tasks written after %d: %w", seq, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing tasks written after %d: %w", seq, err)
	}
	return out, nil
}
