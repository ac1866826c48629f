-- Undo 0003: bring the flat columns back, filled from `meta`.
-- The checks below are added plainly: NOT VALID would buy nothing, as the
-- UPDATE has just rewritten every row under the same lock.
-- Restoring NOT NULL scans a small table (see 0002).
-- squawk-ignore-file constraint-missing-not-valid, adding-not-nullable-field
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '300s';

ALTER TABLE models
  ADD COLUMN IF NOT EXISTS display_name text,
  ADD COLUMN IF NOT EXISTS description text,
  ADD COLUMN IF NOT EXISTS version text,
  ADD COLUMN IF NOT EXISTS capabilities text[],
  ADD COLUMN IF NOT EXISTS context_length integer,
  ADD COLUMN IF NOT EXISTS max_output_tokens integer,
  ADD COLUMN IF NOT EXISTS input_cost_per_million_tokens integer,
  ADD COLUMN IF NOT EXISTS output_cost_per_million_tokens integer,
  ADD COLUMN IF NOT EXISTS credits_per_1k_tokens integer,
  ADD COLUMN IF NOT EXISTS required_tier subscription_tier,
  ADD COLUMN IF NOT EXISTS tier_restriction_mode text,
  ADD COLUMN IF NOT EXISTS allowed_tiers subscription_tier[];

UPDATE models SET
  display_name = meta ->> 'displayName',
  description = meta ->> 'description',
  version = meta ->> 'version',
  capabilities = ARRAY(
    SELECT c FROM jsonb_array_elements_text(meta -> 'capabilities') WITH ORDINALITY AS e(c, ord) ORDER BY ord
  ),
  context_length = (meta ->> 'contextLength')::integer,
  max_output_tokens = (meta ->> 'maxOutputTokens')::integer,
  input_cost_per_million_tokens = (meta ->> 'inputCostPerMillionTokens')::integer,
  output_cost_per_million_tokens = (meta ->> 'outputCostPerMillionTokens')::integer,
  credits_per_1k_tokens = (meta ->> 'creditsPer1kTokens')::integer,
  required_tier = (meta ->> 'requiredTier')::subscription_tier,
  tier_restriction_mode = meta ->> 'tierRestrictionMode',
  allowed_tiers = ARRAY(
    SELECT t FROM jsonb_array_elements_text(meta -> 'allowedTiers') WITH ORDINALITY AS e(t, ord) ORDER BY ord
  )::subscription_tier[];

ALTER TABLE models
  ALTER COLUMN display_name SET NOT NULL,
  ALTER COLUMN context_length SET NOT NULL,
  ALTER COLUMN input_cost_per_million_tokens SET NOT NULL,
  ALTER COLUMN input_cost_per_million_tokens SET DEFAULT 0,
  ALTER COLUMN output_cost_per_million_tokens SET NOT NULL,
  ALTER COLUMN output_cost_per_million_tokens SET DEFAULT 0,
  ALTER COLUMN credits_per_1k_tokens SET NOT NULL,
  ALTER COLUMN credits_per_1k_tokens SET DEFAULT 1,
  ALTER COLUMN required_tier SET NOT NULL,
  ALTER COLUMN required_tier SET DEFAULT 'free';
-- The baseline's checks, under the names Postgres gave them there, so the
-- table is again exactly what 0001 made.
ALTER TABLE models
  ADD CONSTRAINT models_context_length_check CHECK (context_length > 0),
  ADD CONSTRAINT models_max_output_tokens_check CHECK (max_output_tokens > 0),
  ADD CONSTRAINT models_input_cost_per_million_tokens_check CHECK (input_cost_per_million_tokens >= 0),
  ADD CONSTRAINT models_output_cost_per_million_tokens_check CHECK (output_cost_per_million_tokens >= 0),
  ADD CONSTRAINT models_credits_per_1k_tokens_check CHECK (credits_per_1k_tokens > 0),
  ADD CONSTRAINT models_tier_restriction_mode_check CHECK (tier_restriction_mode IN ('minimum', 'exact', 'whitelist')),
  ADD CONSTRAINT models_capabilities_known CHECK (
    capabilities <@ ARRAY['text', 'vision', 'function_calling', 'code', 'long_context']
  );
