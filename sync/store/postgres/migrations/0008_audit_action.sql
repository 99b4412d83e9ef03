-- The faq rule reads its learned phrasings from the audit log by action,
-- once a minute on every replica; the log grows with every delivery, so
-- reading one action must not scan it all.
CREATE INDEX IF NOT EXISTS audit_action_at ON audit (action, at);
