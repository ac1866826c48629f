/**
 * The JSONB queries of `npm run bench`, timed directly against the bench's
 * database, with their EXPLAIN plans.
 */
import type { Client } from "@neondatabase/serverless";
import { percentile } from "./load";

export interface QueryResult {
  name: string;
  sql: string;
  rows: number;
  runs: number;
  p50: number;
  p95: number;
  /** The server's own execution time, from EXPLAIN ANALYZE (the rest of the round trip is transfer and row parsing). */
  serverMs: number;
  /** Indexes the chosen plan uses (empty: sequential scan). */
  indexes: string[];
  plan: string;
  /** When the planner prefers a sequential scan: the plan with seqscan disabled, to show the index applies. */
  forcedPlan?: { indexes: string[]; plan: string };
}

const COLUMNS = "id, name, provider, is_available, is_legacy, is_archived, legacy_since, meta";

/**
 * The JSONB and flag predicates the catalog is indexed for (SPEC "Data":
 * GIN on meta, GIN on meta->'capabilities', btree on meta->>'requiredTier',
 * btree on the flags), each selecting what the service needs to build a
 * public model, plus the sunset cron's query and the cache refill statement.
 */
export const QUERIES: Array<{ name: string; sql: string }> = [
  {
    name: "capability: meta->'capabilities' @> '[\"vision\"]'",
    sql: `SELECT ${COLUMNS} FROM models WHERE meta -> 'capabilities' @> '["vision"]'`,
  },
  {
    name: 'capabilities, selective: @> \'["vision","code","long_context"]\'',
    sql: `SELECT ${COLUMNS} FROM models WHERE meta -> 'capabilities' @> '["vision","code","long_context"]'`,
  },
  {
    name: 'meta containment: meta @> \'{"capabilities":["vision"]}\'',
    sql: `SELECT ${COLUMNS} FROM models WHERE meta @> '{"capabilities":["vision"]}'`,
  },
  { name: "required tier: meta->>'requiredTier' = 'pro'", sql: `SELECT ${COLUMNS} FROM models WHERE meta ->> 'requiredTier' = 'pro'` },
  { name: "flags: is_legacy AND NOT is_archived", sql: `SELECT ${COLUMNS} FROM models WHERE is_legacy AND NOT is_archived` },
  { name: "flags: is_archived", sql: `SELECT ${COLUMNS} FROM models WHERE is_archived` },
  {
    name: "sunset due (cron)",
    sql: `SELECT ${COLUMNS} FROM models WHERE is_archived = false AND meta ? 'sunsetDate' AND (meta ->> 'sunsetDate')::timestamptz <= now() ORDER BY (meta ->> 'sunsetDate')::timestamptz, id`,
  },
  {
    name: "cache refill (whole catalog, one statement)",
    // As src/queries/catalog.ts builds it: the models aggregated into one json column.
    sql: `SELECT epoch, version, (SELECT coalesce(json_agg(json_build_array(id, name, provider, is_available, is_legacy, is_archived,
      legacy_since, meta, created_at)), '[]') FROM models) FROM catalog_state WHERE id = 1`,
  },
];

const indexesIn = (plan: string) => [
  ...new Set(
    [...plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan) (?:Backward )?(?:using|on) (\w+)/g)].map((m) => m[1] as string),
  ),
];

async function explain(client: Client, sql: string): Promise<string> {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`);
  return rows.map((row) => String(row["QUERY PLAN"])).join("\n");
}

/** Each query `runs` times, or as many as fit in `budgetMs` (at least 5). */
export async function measureQueries(
  client: Client,
  runs: number,
  budgetMs: number,
  onProgress: (done: number, total: number) => void,
): Promise<QueryResult[]> {
  const results: QueryResult[] = [];
  let index = 0;
  for (const query of QUERIES) {
    onProgress(index++, QUERIES.length);
    // Warm-up: the first runs pay for parsing and for pages not yet in memory.
    for (let i = 0; i < Math.min(5, runs); i++) await client.query(query.sql);
    const times: number[] = [];
    let rows = 0;
    const deadline = performance.now() + budgetMs;
    for (let i = 0; i < runs && (i < 5 || performance.now() < deadline); i++) {
      const started = performance.now();
      const result = await client.query(query.sql);
      times.push(performance.now() - started);
      rows = result.rows.length;
    }
    times.sort((a, b) => a - b);
    const plan = await explain(client, query.sql);
    const indexes = indexesIn(plan);
    const serverMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN);
    let forcedPlan: QueryResult["forcedPlan"];
    if (indexes.length === 0 && !query.name.startsWith("cache refill")) {
      await client.query("SET enable_seqscan = off");
      try {
        const forced = await explain(client, query.sql);
        forcedPlan = { indexes: indexesIn(forced), plan: forced };
      } finally {
        await client.query("RESET enable_seqscan");
      }
    }
    results.push({
      name: query.name,
      sql: query.sql,
      rows,
      runs: times.length,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      serverMs,
      indexes,
      plan,
      ...(forcedPlan && { forcedPlan }),
    });
  }
  onProgress(QUERIES.length, QUERIES.length);
  return results;
}
