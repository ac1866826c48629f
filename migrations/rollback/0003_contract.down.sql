-- Undo 0003: bring the flat columns back, filled from `meta`.
SET lock_timeout = '5s';
SET statement_timeout = '300s';

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
  capabilities = ARRAY(SELECT jsonb_array_elements_text(meta -> 'capabilities')),
  context_length = (meta ->> 'contextLength')::integer,
  max_output_tokens = (meta ->> 'maxOutputTokens')::integer,
  input_cost_per_million_tokens = (meta ->> 'inputCostPerMillionTokens')::integer,
  output_cost_per_million_tokens = (meta ->> 'outputCostPerMillionTokens')::integer,
  credits_per_1k_tokens = (meta ->> 'creditsPer1kTokens')::integer,
  required_tier = (meta ->> 'requiredTier')::subscription_tier,
  tier_restriction_mode = meta ->> 'tierRestrictionMode',
  allowed_tiers = ARRAY(SELECT jsonb_array_elements_text(meta -> 'allowedTiers'))::subscription_tier[];

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
ALTER TABLE models ADD CONSTRAINT models_capabilities_known CHECK (
  capabilities <@ ARRAY['text', 'vision', 'function_calling', 'code', 'long_context']
);
