-- No query reads tasks through these indexes (tasks are looked up by key,
-- id and project), and every task write paid for keeping them.
DROP INDEX IF EXISTS tasks_assignee;
DROP INDEX IF EXISTS tasks_due;
