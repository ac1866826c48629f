-- Scheduled changes (spec Part 3 "Scheduled changes"): lifecycle actions staff
-- plan for a later instant, applied by the every-minute cron through the same
-- lifecycle service. A row is pending until the cron applies it (applied), finds
-- it no longer legal (failed, with the error) or staff cancel it (cancelled).
-- The target is a model (model_id) or, once aliases exist, an alias (alias):
-- exactly one of them.
--
-- The audit trail gains effective_at: when a change took effect if not when it
-- was recorded (a scheduled change applied by the cron), so the public history
-- built from the trail (docs/scheduled-changes.md) dates it at its effective_at.
--
-- The change feed's type check gains the three scheduling events (0009's alias.* kept).
--
-- Locks: CREATE TABLE and CREATE INDEX on a new, empty table take nothing others
-- wait on; ADD COLUMN without a default is a catalog change; the type check is
-- replaced by a wider one added NOT VALID (a brief lock, no scan): every existing
-- row satisfies the wider check, and new rows are checked all the same.
-- squawk-ignore-file require-concurrent-index-creation
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '300s';

CREATE TABLE scheduled_changes (
  id text PRIMARY KEY,
  model_id text,
  alias text,
  action text NOT NULL CHECK (action IN ('update_meta', 'mark_legacy', 'unmark_legacy', 'archive', 'unarchive', 'repoint')),
  -- What the immediate call takes, validated when scheduling with its schema.
  body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
  effective_at timestamptz NOT NULL,
  reason text,
  -- The row version it was planned against (If-Match): applied only if the model is still at it.
  if_match integer,
  -- The public fields it changes as announced (model.change_scheduled); NULL when it touches none.
  public_changes jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'failed', 'cancelled')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- When the cron applied it, or found it no longer legal.
  applied_at timestamptz,
  error_code text,
  error_message text,
  cancelled_at timestamptz,
  cancelled_by text,
  CHECK (num_nonnulls(model_id, alias) = 1),
  CHECK ((action = 'repoint') = (alias IS NOT NULL)),
  CHECK ((status = 'failed') = (error_code IS NOT NULL)),
  CHECK ((status IN ('applied', 'failed')) = (applied_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
-- The cron's question (what is due) and the cache's (what is pending, per model).
CREATE INDEX idx_scheduled_changes_pending ON scheduled_changes (effective_at) WHERE status = 'pending';
-- Staff's list by model, soonest first.
CREATE INDEX idx_scheduled_changes_model ON scheduled_changes (model_id, effective_at);

ALTER TABLE model_tier_audit_logs ADD COLUMN IF NOT EXISTS effective_at timestamptz;

ALTER TABLE change_events DROP CONSTRAINT IF EXISTS change_events_type_check;
ALTER TABLE change_events ADD CONSTRAINT change_events_type_check CHECK (type IN (
  'model.created', 'model.updated', 'model.deprecated', 'model.undeprecated',
  'model.archived', 'model.unarchived', 'model.sunset_approaching',
  'alias.created', 'alias.repointed', 'alias.deleted',
  'model.change_scheduled', 'model.change_cancelled', 'model.scheduled_change_failed'
)) NOT VALID;

-- The Worker schedules, lists, applies, fails and cancels; it never deletes a row (the record of what was planned).
GRANT SELECT, INSERT, UPDATE ON scheduled_changes TO catalog_app;
