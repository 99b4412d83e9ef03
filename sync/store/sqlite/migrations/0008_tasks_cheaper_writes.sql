-- Writing tasks sets the pace of a first Jira pull at the reference load
-- (200,000 issues): each new task went into seven B-trees, and the stamp
-- trigger wrote the row a second time. Two indexes are dropped that no
-- query reads through (tasks are looked up by key, id and project; the
-- rules read the in-memory copy), and the stamp is written with the row
-- by the task upsert; the triggers still stamp every other writer.
DROP INDEX tasks_assignee;
DROP INDEX tasks_due;

DROP TRIGGER tasks_change_seq_insert;
CREATE TRIGGER tasks_change_seq_insert AFTER INSERT ON tasks
WHEN NEW.change_seq = 0
BEGIN
    UPDATE change_seqs SET value = value + 1 WHERE name = 'tasks';
    UPDATE tasks SET change_seq = (SELECT value FROM change_seqs WHERE name = 'tasks') WHERE rowid = NEW.rowid;
END;

DROP TRIGGER tasks_change_seq_update;
CREATE TRIGGER tasks_change_seq_update AFTER UPDATE OF key, id, project_key, summary, status, status_category,
    assignee_account_id, due_date, original_estimate, remaining_estimate, time_spent, labels, issue_type,
    parent_key, created_at, updated_at, resolved_at, deleted ON tasks
WHEN NEW.change_seq = OLD.change_seq
BEGIN
    UPDATE change_seqs SET value = value + 1 WHERE name = 'tasks';
    UPDATE tasks SET change_seq = (SELECT value FROM change_seqs WHERE name = 'tasks') WHERE rowid = NEW.rowid;
END;
