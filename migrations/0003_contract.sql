-- Contract (the plan's "Phase 7"): nothing reads the flat columns any more;
-- `meta` is the single source of the descriptive fields. Dropping columns is
-- the point of this step: the code stopped reading them in the expand release.
-- squawk-ignore-file ban-drop-column
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE models DROP CONSTRAINT IF EXISTS models_capabilities_known;
ALTER TABLE models
  DROP COLUMN IF EXISTS display_name,
  DROP COLUMN IF EXISTS description,
  DROP COLUMN IF EXISTS version,
  DROP COLUMN IF EXISTS capabilities,
  DROP COLUMN IF EXISTS context_length,
  DROP COLUMN IF EXISTS max_output_tokens,
  DROP COLUMN IF EXISTS input_cost_per_million_tokens,
  DROP COLUMN IF EXISTS output_cost_per_million_tokens,
  DROP COLUMN IF EXISTS credits_per_1k_tokens,
  DROP COLUMN IF EXISTS required_tier,
  DROP COLUMN IF EXISTS tier_restriction_mode,
  DROP COLUMN IF EXISTS allowed_tiers;
