-- Undo 0002. Lifecycle flags and the legacy fields in meta have no flat
-- column to go back to and are lost; the audit trail is kept. An archived
-- model must stay out of service: the baseline's only way to say so is
-- is_available = false, set before is_archived goes. Dropping what
-- 0002 added is the point of a rollback; the indexes are small (see 0002).
-- squawk-ignore-file ban-drop-table, ban-drop-column, require-concurrent-index-deletion
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

DROP TABLE IF EXISTS idempotency_keys;
DROP TABLE IF EXISTS catalog_state;
DROP TRIGGER IF EXISTS model_tier_audit_logs_no_update_delete ON model_tier_audit_logs;
DROP TRIGGER IF EXISTS model_tier_audit_logs_no_truncate ON model_tier_audit_logs;
DROP FUNCTION IF EXISTS model_tier_audit_logs_append_only();
ALTER TABLE model_tier_audit_logs DROP COLUMN IF EXISTS request_id;

UPDATE models SET is_available = false WHERE is_archived AND is_available;

DROP INDEX IF EXISTS idx_models_sunset_due;
DROP INDEX IF EXISTS idx_models_meta_capabilities;
DROP INDEX IF EXISTS idx_models_meta_required_tier;
DROP INDEX IF EXISTS idx_models_meta_gin;
DROP INDEX IF EXISTS idx_models_is_archived;
DROP INDEX IF EXISTS idx_models_is_legacy;
ALTER TABLE models DROP CONSTRAINT IF EXISTS models_meta_is_object;
ALTER TABLE models
  DROP COLUMN IF EXISTS meta,
  DROP COLUMN IF EXISTS row_version,
  DROP COLUMN IF EXISTS legacy_since,
  DROP COLUMN IF EXISTS is_archived,
  DROP COLUMN IF EXISTS is_legacy;
