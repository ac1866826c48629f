-- Expand: lifecycle flags, JSONB meta backfilled from the flat columns, row
-- versions, the catalog version and an append-only audit table. The flat
-- columns stay until 0003 so the old code can keep reading them.
SET lock_timeout = '5s';
SET statement_timeout = '300s';

ALTER TABLE models ADD COLUMN IF NOT EXISTS is_legacy boolean NOT NULL DEFAULT false;
ALTER TABLE models ADD COLUMN IF NOT EXISTS is_archived boolean NOT NULL DEFAULT false;
ALTER TABLE models ADD COLUMN IF NOT EXISTS meta jsonb;
-- When the model was marked legacy (the Deprecation header's date).
ALTER TABLE models ADD COLUMN IF NOT EXISTS legacy_since timestamptz;
-- Optimistic concurrency: bumped by every write, exposed as the ETag.
ALTER TABLE models ADD COLUMN IF NOT EXISTS row_version integer NOT NULL DEFAULT 1;

-- Backfill. Optional keys are left out rather than set to null
-- (jsonb_strip_nulls); empty or NULL arrays become what the meta schema
-- accepts: capabilities default to ["text"]; allowed tiers always contain the
-- required tier, and "minimum" with none listed means the ladder from the
-- required tier up.
UPDATE models SET meta = jsonb_strip_nulls(jsonb_build_object(
  'displayName', display_name,
  'description', description,
  'version', version,
  'capabilities', COALESCE(
    (SELECT jsonb_agg(c ORDER BY ord) FROM (
       SELECT c, min(ord) AS ord FROM unnest(capabilities) WITH ORDINALITY AS u(c, ord) GROUP BY c
     ) AS distinct_caps),
    '["text"]'::jsonb),
  'contextLength', context_length,
  'maxOutputTokens', max_output_tokens,
  'inputCostPerMillionTokens', input_cost_per_million_tokens,
  'outputCostPerMillionTokens', output_cost_per_million_tokens,
  'creditsPer1kTokens', credits_per_1k_tokens,
  'requiredTier', required_tier::text,
  'tierRestrictionMode', COALESCE(tier_restriction_mode, 'minimum'),
  'allowedTiers', (
    SELECT jsonb_agg(t::text ORDER BY t) FROM (
      SELECT DISTINCT t FROM unnest(
        CASE
          WHEN COALESCE(tier_restriction_mode, 'minimum') = 'exact' THEN ARRAY[required_tier]
          WHEN COALESCE(tier_restriction_mode, 'minimum') = 'minimum'
               AND cardinality(COALESCE(allowed_tiers, '{}')) = 0
               AND required_tier <> 'perpetual'
            THEN ARRAY(SELECT l FROM unnest(enum_range(required_tier, 'enterprise_max'::subscription_tier)) AS l)
          ELSE COALESCE(allowed_tiers, '{}') || required_tier
        END
      ) AS t
    ) AS tiers)
))
WHERE meta IS NULL;

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
