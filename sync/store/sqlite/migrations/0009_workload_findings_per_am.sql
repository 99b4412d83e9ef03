-- The workload rule tells an account manager once per overloaded specialist
-- (one finding with no client and an "am" field) rather than once per
-- affected client. The per-client workload findings still open are closed
-- here quietly: their notifications are marked done and nothing is queued
-- (no "resolved" note, no re-render of the posts that listed them), since
-- the specialist may well still be overloaded. The next workload run opens
-- the per-AM findings, which reach each AM once in their next digest.
UPDATE notifications
SET state = 'done', due_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
WHERE state <> 'done'
  AND finding_key IN (
    SELECT key FROM findings WHERE rule = 'workload' AND client_id <> '' AND resolved_at IS NULL);

UPDATE findings
SET resolved_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
WHERE rule = 'workload' AND client_id <> '' AND resolved_at IS NULL;
