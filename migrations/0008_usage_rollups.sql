-- Who still calls a model (spec Part 3): the gate's decisions, counted per
-- isolate and flushed through the usage queue, land here as hourly rollups.
-- usage_flushes makes a redelivered queue message a no-op: the consumer
-- claims its flush id in the same transaction as the upserts (docs/gate.md).
--
-- Locks: new tables only; nothing existing is touched.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE TABLE usage_rollups (
  -- The start of the UTC hour the decisions fall in.
  hour timestamptz NOT NULL CHECK (extract(epoch FROM hour)::bigint % 3600 = 0),
  -- The resolved model (what inference runs); not a foreign key: usage of a
  -- model is kept, and written, whatever happens to the model's row.
  model_id text NOT NULL,
  -- The alias the caller asked for; NULL when it named the model itself.
  alias text,
  -- The token's sub, or 'anonymous'.
  caller text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('allowed', 'refused')),
  calls bigint NOT NULL CHECK (calls > 0),
  last_seen timestamptz NOT NULL,
  -- NULLS NOT DISTINCT (PostgreSQL 15+): one row per hour for calls without an alias too.
  CONSTRAINT usage_rollups_key UNIQUE NULLS NOT DISTINCT (hour, model_id, alias, caller, outcome)
);
-- The admin reads: one model over a window, or every legacy model over a window.
CREATE INDEX idx_usage_rollups_model_hour ON usage_rollups (model_id, hour);

-- Flushes already added to the rollups (purged by the cron after 14 days,
-- longer than a queue keeps a message).
CREATE TABLE usage_flushes (
  id text PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_usage_flushes_received ON usage_flushes (received_at);

-- The Worker's role (0004): add to and read the rollups, purge old ones.
GRANT SELECT, INSERT, UPDATE, DELETE ON usage_rollups TO catalog_app;
GRANT SELECT, INSERT, DELETE ON usage_flushes TO catalog_app;
