-- The JSONB GIN indexes take every write directly (fastupdate off) and are
-- rebuilt once, so the planner uses them for the capability filter.
--
-- Why: with GIN's default fastupdate, new rows go to a pending list that only
-- VACUUM (or 4 MB of them) merges into the index, and the index's own
-- statistics are those of its build. A catalog created empty and then filled
-- (every fresh install; the bench's 10,000 models) had its 94-page
-- capabilities index (11 pages once merged) costed at 377 for
-- `meta -> 'capabilities' @> '["vision"]'` against a sequential scan's 956, so
-- the planner never used it until autovacuum came by. The catalog is written
-- a few times a minute at most: batching its index updates buys nothing, and
-- without the pending list reads never scan one either. Measured on
-- PostgreSQL 15: the same catalog, filled after the index was built, plans a
-- bitmap scan of the index at 814 with fastupdate off.
--
-- Locks: each REINDEX blocks writes to models, and reads that would use that
-- index, while it rebuilds (milliseconds for a catalog of thousands of rows:
-- 11 pages at 10,000 models); CONCURRENTLY is not possible inside the
-- runner's per-file transaction (as in 0002).
-- squawk-ignore-file require-concurrent-reindex
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '300s';

ALTER INDEX idx_models_meta_capabilities SET (fastupdate = off);
ALTER INDEX idx_models_meta_gin SET (fastupdate = off);
-- Merges what is pending and gives the planner statistics of the index as it is now.
REINDEX INDEX idx_models_meta_capabilities;
REINDEX INDEX idx_models_meta_gin;
