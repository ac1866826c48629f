-- Baseline: the pre-refactor catalog, with descriptive fields in flat columns.
-- This is the shape production had before the lifecycle/JSONB refactor; the
-- expand migration reads these columns to build `meta`.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE TYPE subscription_tier AS ENUM (
  'free', 'pro', 'pro_max', 'enterprise_pro', 'enterprise_max', 'perpetual'
);

CREATE TABLE models (
  id text PRIMARY KEY,
  name text NOT NULL,
  provider text NOT NULL,
  display_name text NOT NULL,
  description text,
  version text,
  -- NULL and '{}' both occur in old rows.
  capabilities text[],
  context_length integer NOT NULL CHECK (context_length > 0),
  max_output_tokens integer CHECK (max_output_tokens > 0),
  input_cost_per_million_tokens integer NOT NULL DEFAULT 0 CHECK (input_cost_per_million_tokens >= 0),
  output_cost_per_million_tokens integer NOT NULL DEFAULT 0 CHECK (output_cost_per_million_tokens >= 0),
  credits_per_1k_tokens integer NOT NULL DEFAULT 1 CHECK (credits_per_1k_tokens > 0),
  required_tier subscription_tier NOT NULL DEFAULT 'free',
  tier_restriction_mode text CHECK (tier_restriction_mode IN ('minimum', 'exact', 'whitelist')),
  allowed_tiers subscription_tier[],
  is_available boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT models_capabilities_known CHECK (
    capabilities <@ ARRAY['text', 'vision', 'function_calling', 'code', 'long_context']
  )
);

CREATE TABLE model_tier_audit_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  admin_user_id text NOT NULL,
  model_id text NOT NULL,
  action text NOT NULL,
  previous_value jsonb,
  new_value jsonb,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_model_tier_audit_logs_model ON model_tier_audit_logs (model_id, created_at DESC);
