-- The public-history projection (spec Part 3 "Public history and point-in-time
-- reads", docs/scheduled-changes.md): one row per version of a model, with the
-- model's lifecycle state then (the fields public-model.ts turns into the public
-- entry), dated when the version took effect (a scheduled change's effective_at).
-- Written by every lifecycle write in the transaction of its audit row
-- (src/lifecycle/history.ts), so `GET /v1/models/:id?at=` is one index lookup and
-- a history page one range scan, where replaying the audit trail read and undid
-- every row of the model.
--
-- The state is stored whole, not the public entry: which fields are public stays
-- decided by the allowlist alone (toPublicModel, when the row is read), so this
-- backfill need not re-implement it in SQL, and the table holds no more than the
-- models table and the audit trail already do (staff-only meta included: the
-- Worker reads it, clients only ever see the allowlist's projection of it).
--
-- Backfill: each model's versions, rebuilt from its audit trail the way
-- catalog/history.ts did: walking back from the row as it is now, each audit row's
-- previous_value (only what changed) undoes its change. Rows written before 0002
-- (no request_id) are in the flat format and are not replayed: those models start
-- at their created_at with the state the later changes undo to. legacySince of an
-- earlier legacy spell is when the change that began it took effect; the current
-- spell keeps the row's legacy_since.
--
-- Locks: CREATE TABLE and its indexes on a new table take nothing others wait on;
-- the backfill reads models and the audit trail (ACCESS SHARE, writes go on).
-- squawk-ignore-file require-concurrent-index-creation
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '300s';

CREATE TABLE model_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id text NOT NULL,
  -- The model's row_version after the change (the history's cursor).
  version integer NOT NULL,
  effective_at timestamptz NOT NULL,
  -- The catalog version the write committed; NULL for rows this migration backfilled.
  catalog_version bigint,
  action text NOT NULL CHECK (action IN ('create', 'update_meta', 'mark_legacy', 'unmark_legacy', 'archive', 'unarchive')),
  -- {id, name, provider, isAvailable, isLegacy, isArchived, legacySince, meta}: the model's state after the change.
  state jsonb NOT NULL CHECK (jsonb_typeof(state) = 'object'),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
-- ?at=: the newest version at or before an instant.
CREATE INDEX idx_model_history_at ON model_history (model_id, effective_at DESC, id DESC);
-- A history page: the versions after the cursor, oldest first.
CREATE INDEX idx_model_history_version ON model_history (model_id, version, id);

WITH RECURSIVE trail AS (
  SELECT a.model_id, a.action, a.previous_value AS previous, coalesce(a.effective_at, a.created_at) AS at,
         row_number() OVER (PARTITION BY a.model_id ORDER BY a.id DESC) AS back
  FROM model_tier_audit_logs a
  WHERE a.action IN ('create', 'update_meta', 'mark_legacy', 'unmark_legacy', 'archive', 'unarchive')
    AND a.request_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM models m WHERE m.id = a.model_id)
),
-- walk at back = k: the state before the k-th newest audit row (k = 0: the row as it is now).
walk (model_id, back, state, version) AS (
  SELECT m.id, 0::bigint,
         jsonb_build_object('id', m.id, 'name', m.name, 'provider', m.provider, 'isAvailable', m.is_available,
                            'isLegacy', m.is_legacy, 'isArchived', m.is_archived, 'meta', m.meta),
         m.row_version
  FROM models m
  UNION ALL
  SELECT w.model_id, w.back + 1,
         CASE WHEN t.action = 'create' OR jsonb_typeof(t.previous) <> 'object' THEN w.state ELSE
           w.state
           || (SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}'::jsonb) FROM jsonb_each(t.previous) f
               WHERE f.key IN ('isAvailable', 'isLegacy', 'isArchived') AND jsonb_typeof(f.value) = 'boolean')
           || CASE WHEN jsonb_typeof(t.previous -> 'meta') = 'object' THEN jsonb_build_object('meta',
                (SELECT coalesce(jsonb_object_agg(k.key, k.value), '{}'::jsonb)
                 FROM jsonb_each((w.state -> 'meta') || (t.previous -> 'meta')) k
                 WHERE (t.previous -> 'meta' -> k.key) IS DISTINCT FROM 'null'::jsonb))
              ELSE '{}'::jsonb END
         END,
         w.version - CASE WHEN t.action = 'create' THEN 0 ELSE 1 END
  FROM walk w JOIN trail t ON t.model_id = w.model_id AND t.back = w.back + 1
),
versions AS (
  -- One per audit row: the state after it (the walk one step nearer now).
  SELECT t.model_id, -t.back AS ord, w.version, t.at, t.action, w.state
  FROM trail t JOIN walk w ON w.model_id = t.model_id AND w.back = t.back - 1
  UNION ALL
  -- The creation, when the trail has no create row (0002's backfilled models, pre-0002 rows): dated created_at.
  SELECT m.id, -(w.back + 1), w.version, m.created_at, 'create', w.state
  FROM models m
  JOIN walk w ON w.model_id = m.id AND w.back = (SELECT count(*) FROM trail t WHERE t.model_id = m.id)
  WHERE NOT EXISTS (SELECT 1 FROM trail t WHERE t.model_id = m.id AND t.back = w.back AND t.action = 'create')
),
spells AS (
  -- A spell: the run of legacy versions after a non-legacy one (each non-legacy version starts a new number).
  SELECT v.*, (v.state ->> 'isLegacy')::boolean AS legacy,
         sum(CASE WHEN (v.state ->> 'isLegacy')::boolean THEN 0 ELSE 1 END) OVER (PARTITION BY v.model_id ORDER BY v.ord) AS spell
  FROM versions v
),
dated AS (
  SELECT s.*, m.legacy_since AS current_since,
         first_value(CASE WHEN s.action = 'create' THEN m.legacy_since ELSE s.at END)
           OVER (PARTITION BY s.model_id, s.spell, s.legacy ORDER BY s.ord) AS spell_start,
         max(s.spell) OVER (PARTITION BY s.model_id) AS last_spell,
         last_value(s.legacy) OVER (PARTITION BY s.model_id ORDER BY s.ord
           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS legacy_now
  FROM spells s JOIN models m ON m.id = s.model_id
)
INSERT INTO model_history (model_id, version, effective_at, action, state)
SELECT d.model_id, d.version, d.at, d.action,
       d.state || jsonb_build_object('legacySince', CASE
         WHEN NOT d.legacy THEN NULL
         WHEN d.legacy_now AND d.spell = d.last_spell THEN to_jsonb(d.current_since)
         ELSE to_jsonb(d.spell_start) END)
FROM dated d
ORDER BY d.model_id, d.ord;

-- The Worker appends a row with each write and reads them; it never rewrites history.
GRANT SELECT, INSERT ON model_history TO catalog_app;
