-- Aliases (spec Part 3 "Aliases and dated snapshots"): a moving name such as
-- gpt-4o that points at one model (its target), e.g. a dated snapshot.
-- Aliases and model ids share one id space; the Worker keeps them apart under
-- a per-id advisory lock (src/lifecycle/aliases.ts), the foreign key keeps
-- every target a real model (models are never deleted, only archived).
-- The change feed learns the alias event types.
--
-- Locks: a new, empty table; the change_events CHECK is swapped under that
-- table's lock for the milliseconds it takes to check the feed's rows (a
-- NOT VALID + VALIDATE pair buys nothing inside the runner's one transaction).
-- squawk-ignore-file constraint-missing-not-valid
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE TABLE model_aliases (
  alias text PRIMARY KEY,
  target_model_id text NOT NULL REFERENCES models (id),
  -- Optimistic concurrency, as on models: bumped by every re-point, exposed as the ETag.
  row_version integer NOT NULL DEFAULT 1,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Archiving a model re-points its aliases: found by target.
CREATE INDEX idx_model_aliases_target ON model_aliases (target_model_id);

ALTER TABLE change_events DROP CONSTRAINT change_events_type_check;
ALTER TABLE change_events ADD CONSTRAINT change_events_type_check CHECK (type IN (
  'model.created', 'model.updated', 'model.deprecated', 'model.undeprecated',
  'model.archived', 'model.unarchived', 'model.sunset_approaching',
  'alias.created', 'alias.repointed', 'alias.deleted'
));

-- The Worker's role (0004): aliases are created, re-pointed and deleted.
GRANT SELECT, INSERT, UPDATE, DELETE ON model_aliases TO catalog_app;
