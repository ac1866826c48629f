-- Expand: lifecycle flags, JSONB meta backfilled from the flat columns, row
-- versions, the catalog version and an append-only audit table. The flat
-- columns stay until 0003 so the old code can keep reading them.
--
-- Locks: the catalog is a small table (thousands of rows), so plain CREATE
-- INDEX, SET NOT NULL and a validated CHECK hold their locks for
-- milliseconds; CONCURRENTLY and NOT VALID + VALIDATE buy nothing inside the
-- runner's per-file transaction.
-- squawk-ignore-file require-concurrent-index-creation, adding-not-nullable-field, constraint-missing-not-valid
-- SET LOCAL: the settings end with this file's transaction.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '300s';

ALTER TABLE models ADD COLUMN IF NOT EXISTS is_legacy boolean NOT NULL DEFAULT false;
ALTER TABLE models ADD COLUMN IF NOT EXISTS is_archived boolean NOT NULL DEFAULT false;
ALTER TABLE models ADD COLUMN IF NOT EXISTS meta jsonb;
-- When the model was marked legacy (the Deprecation header's date).
ALTER TABLE models ADD COLUMN IF NOT EXISTS legacy_since timestamptz;
-- Optimistic concurrency: bumped by every write, exposed as the ETag.
ALTER TABLE models ADD COLUMN IF NOT EXISTS row_version integer NOT NULL DEFAULT 1;

-- Backfill. Optional keys are left out rather than set to null
-- (jsonb_strip_nulls); NULL, empty or repeating arrays become what the meta
-- schema accepts, without changing who may use a model:
-- - capabilities: distinct, in first-seen order; none listed means ["text"];
-- - tiers: NULL elements and repeats dropped, in ladder order; a NULL mode is
--   "minimum"; "exact" allows [requiredTier]; "minimum" with none listed means
--   the ladder from the required tier up; otherwise the required tier is added
--   (harmless for "minimum", whose ladder already admits it), except for a
--   "whitelist" that does not name it: there the required tier (often just the
--   column default 'free') becomes the lowest listed tier, so nobody gains access.
WITH flat AS (
  SELECT id, required_tier,
    COALESCE(tier_restriction_mode, 'minimum') AS mode,
    ARRAY(SELECT DISTINCT t FROM unnest(allowed_tiers) AS t WHERE t IS NOT NULL ORDER BY t) AS listed
  FROM models
  WHERE meta IS NULL
), tiers AS (
  SELECT id, mode, listed,
    CASE
      WHEN mode = 'whitelist' AND cardinality(listed) > 0 AND required_tier <> ALL (listed) THEN listed[1]
      ELSE required_tier
    END AS required_tier
  FROM flat
)
UPDATE models SET meta = jsonb_strip_nulls(jsonb_build_object(
  'displayName', display_name,
  'description', description,
  'version', version,
  'capabilities', COALESCE(
    (SELECT jsonb_agg(c ORDER BY ord) FROM (
       SELECT c, min(ord) AS ord FROM unnest(capabilities) WITH ORDINALITY AS u(c, ord)
       WHERE c IS NOT NULL GROUP BY c
     ) AS distinct_caps),
    '["text"]'::jsonb),
  'contextLength', context_length,
  'maxOutputTokens', max_output_tokens,
  'inputCostPerMillionTokens', input_cost_per_million_tokens,
  'outputCostPerMillionTokens', output_cost_per_million_tokens,
  'creditsPer1kTokens', credits_per_1k_tokens,
  'requiredTier', tiers.required_tier::text,
  'tierRestrictionMode', tiers.mode,
  'allowedTiers', to_jsonb(ARRAY(
    SELECT DISTINCT t FROM unnest(
      CASE
        WHEN tiers.mode = 'exact' THEN ARRAY[tiers.required_tier]
        WHEN tiers.mode = 'minimum' AND cardinality(tiers.listed) = 0 AND tiers.required_tier <> 'perpetual'
          THEN enum_range(tiers.required_tier, 'enterprise_max'::subscription_tier)
        ELSE tiers.listed || tiers.required_tier
      END
    ) AS t ORDER BY t
  )::text[])
))
FROM tiers
WHERE tiers.id = models.id;

-- Old rows the meta schema cannot accept (values the flat table allowed but
-- the new schema bounds) stop the migration with their ids, so they are fixed
-- on purpose rather than carried over broken.
DO $$
DECLARE
  offenders text;
BEGIN
  SELECT string_agg(id, ', ' ORDER BY id) INTO offenders FROM (
    SELECT id FROM models
    WHERE btrim(meta ->> 'displayName') = ''
       OR length(meta ->> 'displayName') > 255
       OR length(COALESCE(meta ->> 'description', '')) > 5000
       OR length(COALESCE(meta ->> 'version', '')) > 50
       OR (meta ->> 'maxOutputTokens')::bigint > (meta ->> 'contextLength')::bigint
       OR (meta ->> 'contextLength')::bigint > 100000000
    LIMIT 50
  ) AS bad;
  IF offenders IS NOT NULL THEN
    RAISE EXCEPTION 'cannot backfill meta for models: % (fix these rows, then migrate again)', offenders;
  END IF;
END;
$$;

-- Proved by the backfill above for every existing row; new rows must set it.
ALTER TABLE models ALTER COLUMN meta SET NOT NULL;
ALTER TABLE models ADD CONSTRAINT models_meta_is_object CHECK (jsonb_typeof(meta) = 'object');

CREATE INDEX IF NOT EXISTS idx_models_is_legacy ON models (is_legacy);
CREATE INDEX IF NOT EXISTS idx_models_is_archived ON models (is_archived);
CREATE INDEX IF NOT EXISTS idx_models_meta_gin ON models USING gin (meta);
CREATE INDEX IF NOT EXISTS idx_models_meta_required_tier ON models USING btree ((meta ->> 'requiredTier'));
CREATE INDEX IF NOT EXISTS idx_models_meta_capabilities ON models USING gin ((meta -> 'capabilities'));
-- Partial index for the sunset cron: only legacy models with a sunset date.
CREATE INDEX IF NOT EXISTS idx_models_sunset_due ON models ((meta ->> 'sunsetDate'))
  WHERE is_archived = false AND meta ? 'sunsetDate';

-- Audit: who and which request; rows can be added, never changed.
ALTER TABLE model_tier_audit_logs ADD COLUMN IF NOT EXISTS request_id text;

CREATE OR REPLACE FUNCTION model_tier_audit_logs_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'model_tier_audit_logs is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER model_tier_audit_logs_no_update_delete
  BEFORE UPDATE OR DELETE ON model_tier_audit_logs
  FOR EACH ROW EXECUTE FUNCTION model_tier_audit_logs_append_only();
CREATE TRIGGER model_tier_audit_logs_no_truncate
  BEFORE TRUNCATE ON model_tier_audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION model_tier_audit_logs_append_only();

-- One row holding the catalog version, bumped inside every write transaction.
-- Cached catalog entries are keyed by it (see src/catalog/cache.ts).
CREATE TABLE IF NOT EXISTS catalog_state (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  version bigint NOT NULL DEFAULT 1
);
INSERT INTO catalog_state (id, version) VALUES (1, 1) ON CONFLICT (id) DO NOTHING;

-- Idempotency keys for admin POSTs: the first response is kept and replayed.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  actor text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor, key)
);
