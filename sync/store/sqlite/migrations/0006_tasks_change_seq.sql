-- Every write to a task stamps it with the next value of one counter, so
-- a process keeping a copy of the open tasks in memory asks for the tasks
-- stamped after its copy instead of reading them all again, and sees
-- writes it was never told about as well as its own. Triggers stamp every
-- writer alike. A deleted row leaves no stamp behind: it bumps its own
-- counter, which tells a copy to reload.
CREATE TABLE change_seqs (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO change_seqs (name, value) VALUES ('tasks', 0), ('tasks_removed', 0);
ALTER TABLE tasks ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tasks_change_seq ON tasks (change_seq);

CREATE TRIGGER tasks_change_seq_insert AFTER INSERT ON tasks
BEGIN
    UPDATE change_seqs SET value = value + 1 WHERE name = 'tasks';
    UPDATE tasks SET change_seq = (SELECT value FROM change_seqs WHERE name = 'tasks') WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER tasks_change_seq_update AFTER UPDATE OF key, id, project_key, summary, status, status_category,
    assignee_account_id, due_date, original_estimate, remaining_estimate, time_spent, labels, issue_type,
    parent_key, created_at, updated_at, resolved_at, deleted ON tasks
BEGIN
    UPDATE change_seqs SET value = value + 1 WHERE name = 'tasks';
    UPDATE tasks SET change_seq = (SELECT value FROM change_seqs WHERE name = 'tasks') WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER tasks_change_seq_delete AFTER DELETE ON tasks
BEGIN
    UPDATE change_seqs SET value = value + 1 WHERE name = 'tasks_removed';
END;
