-- Jira keeps an issue's id when it moves to another project (its key
-- changes), so the Jira pull finds the stored copy of a moved issue by id.
CREATE INDEX tasks_id ON tasks (id);
