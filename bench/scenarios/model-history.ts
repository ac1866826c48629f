/**
 * (y), (t): the public history and point-in-time reads of one model with 1,000
 * changes (spec Part 3 "Public history and point-in-time reads"; target p95 <
 * 50 ms), one request at a time. The 1,000 versions are seeded in SQL as the
 * rows a Lifecycle write leaves (an audit row and a model_history row each):
 * through the API, KV's one write a second per key would take 17 minutes.
 */
import { connect } from "../../scripts/lib/database";
import { percentile, timedRequest } from "../load";
import { report, type Stage } from "../measure";
import type { SizeContext } from "../one-size";
import { progress } from "../output";
import type { ScenarioRow } from "../report";

const MODEL = "bench-history";
const CHANGES = 1000;
/** The copied model's versions are a minute apart, the last one a minute ago. */
const MINUTE = 60_000;

const seedSql = `
WITH source AS (SELECT name, provider, meta FROM models WHERE id = 'synthetic-00002'),
created AS (
  INSERT INTO models (id, name, provider, meta, row_version, created_at, updated_at)
  SELECT $1, name, provider, meta || jsonb_build_object('inputCostPerMillionTokens', 100 + $2::int), $2::int + 1,
         now() - ($2::int + 1) * interval '1 minute', now()
  FROM source RETURNING *
),
versions AS (
  SELECT c.*, v.n, c.created_at + v.n * interval '1 minute' AS at,
         jsonb_build_object('id', c.id, 'name', c.name, 'provider', c.provider, 'isAvailable', true, 'isLegacy', false,
           'isArchived', false, 'legacySince', NULL, 'meta', c.meta || jsonb_build_object('inputCostPerMillionTokens', 100 + v.n)) AS state
  FROM created c, generate_series(0, $2::int) AS v(n)
),
audit AS (
  INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, previous_value, new_value, request_id, created_at)
  SELECT 'bench', id, CASE WHEN n = 0 THEN 'create' ELSE 'update_meta' END,
         CASE WHEN n = 0 THEN NULL ELSE jsonb_build_object('meta', jsonb_build_object('inputCostPerMillionTokens', 99 + n)) END,
         jsonb_build_object('meta', jsonb_build_object('inputCostPerMillionTokens', 100 + n)), 'bench-history-' || n, at
  FROM versions ORDER BY n
)
INSERT INTO model_history (model_id, version, effective_at, action, state)
SELECT id, n + 1, at, CASE WHEN n = 0 THEN 'create' ELSE 'update_meta' END, state FROM versions ORDER BY n`;

async function seed(ctx: SizeContext) {
  const client = await connect(ctx.database.databaseUrl, ctx.wsProxy);
  try {
    await client.query("DELETE FROM models WHERE id = $1", [MODEL]);
    await client.query(seedSql, [MODEL, CHANGES]);
    await client.query("ANALYZE model_history");
  } finally {
    await client.end();
  }
}

async function sequential(
  stage: Stage,
  key: string,
  label: string,
  count: number,
  path: (i: number) => string,
  note: string,
  headers: Record<string, string> = {},
) {
  const times: number[] = [];
  const errors: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 20 === 0) progress(`${stage.tag} (${key}) ${i}/${count}…`);
    const { response, body, ms } = await timedRequest(stage.url(path(i)), { headers });
    if (response.ok) times.push(ms);
    else errors.push(`${response.status} ${new TextDecoder().decode(body).slice(0, 120)}`);
  }
  times.sort((x, y) => x - y);
  const row: ScenarioRow = {
    key,
    label,
    connections: 1,
    requests: times.length,
    rps: Number.NaN,
    mbps: Number.NaN,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    note,
    errors: errors.length ? [`${errors.length} failed: ${errors[0]}`] : [],
  };
  report(stage, row);
  return row;
}

export async function modelHistoryReads(stage: Stage, ctx: SizeContext): Promise<ScenarioRow[]> {
  progress(`${stage.tag} (y) seeding ${CHANGES} changes of ${MODEL}…`);
  await seed(ctx);
  const count = stage.options.quick ? 100 : 400;
  // Deterministic spread: every page of the history, every stretch of the timeline.
  const start = Date.now() - (CHANGES + 1) * MINUTE;
  const history = await sequential(
    stage,
    "y",
    `(y) GET /v1/models/:id/history?limit=100, ${CHANGES} changes`,
    count,
    (i) => `/v1/models/${MODEL}/history?limit=100${i % 10 === 0 ? "" : `&after=${(i * 97) % (CHANGES - 100)}`}`,
    `${count} pages one at a time, cursors spread over the ${CHANGES + 1} versions`,
  );
  const asOf = await sequential(
    stage,
    "t",
    `(t) GET /v1/models/:id?at=, ${CHANGES} changes`,
    count,
    (i) => `/v1/models/${MODEL}?at=${new Date(start + ((i * 7919) % CHANGES) * MINUTE + 30_000).toISOString()}`,
    `${count} instants one at a time, spread over the model's life`,
  );
  // What any one-row database read costs through the same stack (wrangler dev, a pool per request, the WebSocket proxy).
  const baseline = await sequential(
    stage,
    "yb",
    "(y-b) baseline: GET /admin/models/:id, one row by primary key",
    count,
    () => `/admin/models/${MODEL}`,
    `${count} reads one at a time: the fixed cost of a database read here`,
    stage.admin,
  );
  return [history, asOf, baseline];
}
