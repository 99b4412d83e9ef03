package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/liaisonhq/liaison/connectors"
	"github.com/liaisonhq/liaison/sync/store"
)

const taskColumns = `key, id, project_key, summary, status, status_category, assignee_account_id,
	due_date, original_estimate, remaining_estimate, time_spent, labels, issue_type, parent_key,
	created_at, updated_at, resolved_at, deleted`

// The WHERE on DO UPDATE drops stale records. ON CONFLICT locks the existing
// row first, so two replicas upserting the same task keep the newer one.
const upsertTask = `INSERT INTO tasks (` + taskColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
ON CONFLICT (key) DO UPDATE SET
	id = excluded.id, project_key = excluded.project_key, summary = excluded.summary,
	status = excluded.status, status_category = excluded.status_category,
	assignee_account_id = excluded.assignee_account_id, due_date = excluded.due_date,
	original_estimate = excluded.original_estimate, remaining_estimate = excluded.remaining_estimate,
	time_spent = excluded.time_spent, labels = excluded.labels, issue_type = excluded.issue_type,
	parent_key = excluded.parent_key, created_at = excluded.created_at,
	updated_at = excluded.updated_at, resolved_at = excluded.resolved_at, deleted = excluded.deleted
WHERE tasks.updated_at IS NULL OR excluded.updated_at IS NULL OR excluded.updated_at >= tasks.updated_at`

// UpsertTasks implements store.Tasks.
func (q queries) UpsertTasks(ctx context.Context, tasks []connectors.Task) error {
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
	return batch(ctx, q, upsertTask, tasks, func(t connectors.Task) []any {
		// A copy: the caller's task is not ours to change.
		labels := make([]string, len(t.Labels))
		for i, l := range t.Labels {
			labels[i] = text(l)
		}
		var due any
		if t.DueDate != "" {
			due = t.DueDate
		}
		return []any{t.Key, t.ID, t.ProjectKey, text(t.Summary), t.Status, string(t.StatusCategory), t.AssigneeAccountID,
			due, t.OriginalEstimate, t.RemainingEstimate, t.TimeSpent, labels, t.IssueType, t.ParentKey,
			ts(t.Created), ts(t.Updated), ts(t.Resolved), t.Deleted}
	}, func(t connectors.Task) string { return "upserting task " + t.Key })
}

func scanTask(row pgx.Row) (connectors.Task, error) {
	var (
		t                          connectors.Task
		cat                        string
		due                        *string
		created, updated, resolved pgtype.Timestamptz
	)
	if err := row.Scan(&t.Key, &t.ID, &t.ProjectKey, &t.Summary, &t.Status, &cat, &t.AssigneeAccountID,
		&due, &t.OriginalEstimate, &t.RemainingEstimate, &t.TimeSpent, &t.Labels, &t.IssueType, &t.ParentKey,
		&created, &updated, &resolved, &t.Deleted); err != nil {
		return t, err
	}
	t.StatusCategory = connectors.StatusCategory(cat)
	if due != nil {
		t.DueDate = *due
	}
	if len(t.Labels) == 0 {
		t.Labels = nil
	}
	t.Created, t.Updated, t.Resolved = fromTS(created), fromTS(updated), fromTS(resolved)
	return t, nil
}

// GetTask implements store.Tasks.
func (q queries) GetTask(ctx context.Context, key string) (connectors.Task, error) {
	t, err := scanTask(q.db.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks WHERE key = $1`, key))
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
		w.add("status_category <> " + w.arg(string(connectors.StatusCategoryDone)))
	}
	if f.AssigneeAccountID != "" {
		w.add("assignee_account_id = " + w.arg(f.AssigneeAccountID))
	}
	if f.DueBefore != "" {
		w.add("due_date IS NOT NULL AND due_date < " + w.arg(f.DueBefore))
	}
	if !f.IncludeDeleted {
		w.add("NOT deleted")
	}
	rows, err := q.db.Query(ctx, `SELECT `+taskColumns+` FROM tasks`+w.String()+` ORDER BY key`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("listing tasks: %w", err)
	}
	out, err := collect(rows, func(r pgx.Rows) (connectors.Task, error) { return scanTask(r) })
	if err != nil {
		return nil, fmt.Errorf("listing tasks: %w", err)
	}
	return out, nil
}

// MarkTasksDeleted implements store.Tasks. One statement with an array
// argument: no chunking, and atomic without a transaction of its own.
func (q queries) MarkTasksDeleted(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := q.db.Exec(ctx, `UPDATE tasks SET deleted = TRUE WHERE key = ANY($1)`, keys); err != nil {
		return fmt.Errorf("marking tasks deleted: %w", err)
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
VALUES ($1, $2, $3, $4, $5, $6, $7)
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
	return batch(ctx, q, upsertWorklog, logs, func(l connectors.Worklog) []any {
		return []any{l.ID, l.IssueKey, projectOf(l.IssueKey), l.AuthorAccountID, tsArg(l.Started), l.Seconds, ts(l.Updated)}
	}, func(l connectors.Worklog) string { return "upserting worklog " + l.ID })
}

// DeleteWorklogs implements store.Worklogs.
func (q queries) DeleteWorklogs(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := q.db.Exec(ctx, `DELETE FROM worklogs WHERE id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("deleting worklogs: %w", err)
	}
	return nil
}

// SumWorklogs implements store.Worklogs: SQL filters, store.WorklogSums
// groups (by day in a Go zone, which SQL cannot be handed reliably).
func (q queries) SumWorklogs(ctx context.Context, wq store.WorklogQuery) ([]store.WorklogSum, error) {
	if wq.From.IsZero() || wq.To.IsZero() || !wq.From.Before(wq.To) {
		return nil, fmt.Errorf("summing worklogs: need From before To: %w", store.ErrInvalid)
	}
	var w where
	w.add("started_at >= " + w.arg(tsArg(wq.From)) + " AND started_at < " + w.arg(tsArg(wq.To)))
	w.in("project_key", wq.ProjectKeys)
	w.in("issue_key", wq.IssueKeys)
	w.in("author_account_id", wq.AuthorAccountIDs)
	rows, err := q.db.Query(ctx, `SELECT issue_key, author_account_id, started_at, seconds FROM worklogs`+w.String(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("summing worklogs: %w", err)
	}
	defer rows.Close()
	sums := store.NewWorklogSums(wq)
	for rows.Next() {
		var (
			issue, author string
			started       time.Time
			secs          int64
		)
		if err := rows.Scan(&issue, &author, &started, &secs); err != nil {
			return nil, fmt.Errorf("summing worklogs: %w", err)
		}
		sums.Add(issue, author, started, secs)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summing worklogs: %w", err)
	}
	return sums.Result(), nil
}
