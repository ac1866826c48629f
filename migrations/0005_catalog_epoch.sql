-- A catalog epoch: a random id that, with the catalog version, names every
-- cached catalog (KV keys and the head; see docs/cache.md). Versions only
-- move forward within an epoch; a database restore makes them go back, so the
-- epoch is replaced on restore (by the reset-cache action, or automatically
-- when a publisher finds the database behind the cache) and nothing cached
-- under the old epoch is served again.
-- catalog_state has one row: the volatile default rewrites one row, under a
-- lock held for microseconds.
-- squawk-ignore-file adding-field-with-default, adding-not-nullable-field
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';

ALTER TABLE catalog_state
  ADD COLUMN IF NOT EXISTS epoch text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);
