package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

// chunk bounds the number of bound parameters in one IN (...) list.
const chunk = 500

const taskColumns = `key, id, project_key, summary, status, status_category, assignee_account_id,
	due_date, original_estimate, remaining_estimate, time_spent, labels, issue_type, parent_key,
	created_at, updated_at, resolved_at, deleted`

// upsertTask writes the change stamp with the row: a stamp trigger would
// write every new row a second time, and storing tasks sets the pace of a
// first Jira pull. The WHERE on DO UPDATE drops stale records (their stamp
// is simply never used).
const upsertTask = `INSERT INTO tasks (` + taskColumns + `, change_seq)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET
	id = excluded.id, project_key = excluded.project_key, summary = excluded.summary,
	status = excluded.status, status_category = excluded.status_category,
	assignee_account_id = excluded.assignee_account_id, due_date = excluded.due_date,
	original_estimate = excluded.original_estimate, remaining_estimate = excluded.remaining_estimate,
	time_spent = excluded.time_spent, labels = excluded.labels, issue_type = excluded.issue_type,
	parent_key = excluded.parent_key, created_at = excluded.created_at,
	updated_at = excluded.updated_at, resolved_at = excluded.resolved_at, deleted = excluded.deleted,
	change_seq = excluded.change_seq
WHERE tasks.updated_at IS NULL OR excluded.updated_at IS NULL OR excluded.updated_at >= tasks.updated_at`

// UpsertTasks implements store.Tasks. It takes the next len(tasks) change
// stamps in its transaction, so stamps stay unique and increasing across
// writers just as the triggers' are.
func (q queries) UpsertTasks(ctx context.Context, tasks []connectors.Task) error {
	if len(tasks) == 0 {
		return nil
	}
	for _, t := range tasks {
		if t.Key == "" {
			return fmt.Errorf("upserting tasks: task with empty key: %w", store.ErrInvalid)
		}
		if t.DueDate != "" {
			if _, err := time.Parse(time.DateOnly, t.DueDate); err != nil {
				return fmt.Errorf("upserting task %s: due date %q: %w", t.Key, t.DueDate, store.ErrInvalid)
			}
		}
	}
	return q.inTx(ctx, func(q queries) error {
		var seq int64
		if err := q.db.QueryRowContext(ctx, `SELECT value FROM change_seqs WHERE name = 'tasks'`).Scan(&seq); err != nil {
			return fmt.Errorf("upserting tasks: reading the change stamp: %w", err)
		}
		st, err := q.db.PrepareContext(ctx, upsertTask)
		if err != nil {
			return fmt.Errorf("preparing statement: %w", err)
		}
		defer st.Close()
		for _, t := range tasks {
			labels := t.Labels
			if labels == nil {
				labels = []string{}
			}
			lb, err := json.Marshal(labels)
			if err != nil {
				return fmt.Errorf("encoding labels of %s: %w", t.Key, err)
			}
			seq++
			if _, err := st.ExecContext(ctx,
				t.Key, t.ID, t.ProjectKey, t.Summary, t.Status, string(t.StatusCategory), t.AssigneeAccountID,
				nullString(t.DueDate), nullInt(t.OriginalEstimate), nullInt(t.RemainingEstimate), nullInt(t.TimeSpent),
				string(lb), t.IssueType, t.ParentKey,
				ms(t.Created), ms(t.Updated), ms(t.Resolved), boolInt(t.Deleted), seq,
			); err != nil {
				return fmt.Errorf("upserting task %s: %w", t.Key, err)
			}
		}
		if _, err := q.exec(ctx, `UPDATE change_seqs SET value = ? WHERE name = 'tasks'`, seq); err != nil {
			return fmt.Errorf("upserting tasks: advancing the change stamp: %w", err)
		}
		return nil
	})
}

func scanTask(sc interface{ Scan(...any) error }) (connectors.Task, error) {
	var (
		t                          connectors.Task
		cat, labels                string
		due                        sql.NullString
		orig, rem, spent           sql.NullInt64
		created, updated, resolved sql.NullInt64
		deleted                    int
	)
	if err := sc.Scan(&t.Key, &t.ID, &t.ProjectKey, &t.Summary, &t.Status, &cat, &t.AssigneeAccountID,
		&due, &orig, &rem, &spent, &labels, &t.IssueType, &t.ParentKey,
		&created, &updated, &resolved, &deleted); err != nil {
		return t, err
	}
	t.StatusCategory = connectors.StatusCategory(cat)
	t.DueDate = due.String
	t.OriginalEstimate, t.RemainingEstimate, t.TimeSpent = fromNullInt(orig), fromNullInt(rem), fromNullInt(spent)
	if err := json.Unmarshal([]byte(labels), &t.Labels); err != nil {
		return t, fmt.Errorf("decoding labels of %s: %w", t.Key, err)
	}
	if len(t.Labels) == 0 {
		t.Labels = nil
	}
	t.Created, t.Updated, t.Resolved = fromMS(created), fromMS(updated), fromMS(resolved)
	t.Deleted = deleted != 0
	return t, nil
}

// GetTask implements store.Tasks.
func (q queries) GetTask(ctx context.Context, key string) (connectors.Task, error) {
	t, err := scanTask(q.db.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM tasks WHERE key = ?`, key))
	if err != nil {
		return t, notFound(err, "task "+key)
	}
	return t, nil
}

// ListTasks implements store.Tasks.
func (q queries) ListTasks(ctx context.Context, f store.TaskFilter) ([]connectors.Task, error) {
	var w where
	w.in("project_key", f.ProjectKeys)
	w.in("id", f.IDs)
	if f.OpenOnly {
		w.add("status_category <> ?", string(connectors.StatusCategoryDone))
	}
	if f.AssigneeAccountID != "" {
		w.add("assignee_account_id = ?", f.AssigneeAccountID)
	}
	if f.DueBefore != "" {
		w.add("due_date IS NOT NULL AND due_date < ?", f.DueBefore)
	}
	if !f.IncludeDeleted {
		w.add("deleted = 0")
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+taskColumns+` FROM tasks`+w.String()+` ORDER BY key`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("listing tasks: %w", err)
	}
	defer rows.Close()
	var out []connectors.Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("listing tasks: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing tasks: %w", err)
	}
	return out, nil
}

// MarkTasksDeleted implements store.Tasks.
func (q queries) MarkTasksDeleted(ctx context.Context, keys []string) error {
	return q.inTx(ctx, func(q queries) error {
		return eachChunk(keys, func(part []any) error {
			if _, err := q.exec(ctx, `UPDATE tasks SET deleted = 1 WHERE key IN (`+placeholders(len(part))+`)`, part...); err != nil {
				return fmt.Errorf("marking tasks deleted: %w", err)
			}
			return nil
		})
	})
}

// eachChunk calls fn with successive slices of at most chunk values.
func eachChunk(vals []string, fn func(part []any) error) error {
	for start := 0; start < len(vals); start += chunk {
		end := min(start+chunk, len(vals))
		part := make([]any, 0, end-start)
		for _, v := range vals[start:end] {
			part = append(part, v)
		}
		if err := fn(part); err != nil {
			return err
		}
	}
	return nil
}

// projectOf returns "ACME" for "ACME-12"; Jira keys are PROJECT-NUMBER.
func projectOf(issueKey string) string {
	if i := strings.LastIndexByte(issueKey, '-'); i > 0 {
		return issueKey[:i]
	}
	return issueKey
}

const upsertWorklog = `INSERT INTO worklogs (id, issue_key, project_key, author_account_id, started_at, seconds, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	issue_key = excluded.issue_key, project_key = excluded.project_key,
	author_account_id = excluded.author_account_id, started_at = excluded.started_at,
	seconds = excluded.seconds, updated_at = excluded.updated_at`

// UpsertWorklogs implements store.Worklogs.
func (q queries) UpsertWorklogs(ctx context.Context, logs []connectors.Worklog) error {
	for _, l := range logs {
		if l.ID == "" || l.IssueKey == "" || l.Started.IsZero() {
			return fmt.Errorf("upserting worklogs: worklog %q needs id, issue key and start: %w", l.ID, store.ErrInvalid)
		}
	}
	return batch(ctx, q, upsertWorklog, logs, func(st *sql.Stmt, l connectors.Worklog) error {
		if _, err := st.ExecContext(ctx, l.ID, l.IssueKey, projectOf(l.IssueKey),
			l.AuthorAccountID, l.Started.UnixMilli(), l.Seconds, ms(l.Updated)); err != nil {
			return fmt.Errorf("upserting worklog %s: %w", l.ID, err)
		}
		return nil
	})
}

// DeleteWorklogs implements store.Worklogs.
func (q queries) DeleteWorklogs(ctx context.Context, ids []string) error {
	return q.inTx(ctx, func(q queries) error {
		return eachChunk(ids, func(part []any) error {
			if _, err := q.exec(ctx, `DELETE FROM worklogs WHERE id IN (`+placeholders(len(part))+`)`, part...); err != nil {
				return fmt.Errorf("deleting worklogs: %w", err)
			}
			return nil
		})
	})
}

// SumWorklogs implements store.Worklogs: SQL filters, store.WorklogSums
// groups (by day in a Go zone, which SQL cannot be handed reliably).
func (q queries) SumWorklogs(ctx context.Context, wq store.WorklogQuery) ([]store.WorklogSum, error) {
	if wq.From.IsZero() || wq.To.IsZero() || !wq.From.Before(wq.To) {
		return nil, fmt.Errorf("summing worklogs: need From before To: %w", store.ErrInvalid)
	}
	var w where
	w.add("started_at >= ? AND started_at < ?", wq.From.UnixMilli(), wq.To.UnixMilli())
	w.in("project_key", wq.ProjectKeys)
	w.in("issue_key", wq.IssueKeys)
	w.in("author_account_id", wq.AuthorAccountIDs)
	rows, err := q.db.QueryContext(ctx, `SELECT issue_key, author_account_id, started_at, seconds FROM worklogs`+w.String(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("summing worklogs: %w", err)
	}
	defer rows.Close()
	sums := store.NewWorklogSums(wq)
	for rows.Next() {
		var (
			issue, author string
			started       int64
			secs          int64
		)
		if err := rows.Scan(&issue, &author, &started, &secs); err != nil {
			return nil, fmt.Errorf("summing worklogs: %w", err)
		}
		sums.Add(issue, author, time.UnixMilli(started), secs)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summing worklogs: %w", err)
	}
	return sums.Result(), nil
}
