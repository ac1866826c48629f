-- Undo 0010: the scheduled changes are dropped (what was planned and not yet
-- applied is lost; what was applied stays in the audit trail), the audit trail
-- loses effective_at (those rows then date from when the cron recorded them),
-- and the feed's type check is back to 0009's, validated (it fails while scheduling
-- events exist: the feed is never pruned, so roll back only before any was
-- recorded). Validating in this transaction blocks the feed for one scan: a
-- rollback runs in a maintenance window.
-- squawk-ignore-file ban-drop-table, ban-drop-column, constraint-missing-not-valid
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '300s';

ALTER TABLE change_events DROP CONSTRAINT IF EXISTS change_events_type_check;
ALTER TABLE change_events ADD CONSTRAINT change_events_type_check CHECK (type IN (
  'model.created', 'model.updated', 'model.deprecated', 'model.undeprecated',
  'model.archived', 'model.unarchived', 'model.sunset_approaching',
  'alias.created', 'alias.repointed', 'alias.deleted'
)) NOT VALID;
ALTER TABLE change_events VALIDATE CONSTRAINT change_events_type_check;

ALTER TABLE model_tier_audit_logs DROP COLUMN IF EXISTS effective_at;
DROP TABLE IF EXISTS scheduled_changes;
