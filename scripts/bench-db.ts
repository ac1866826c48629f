/**
 * The database side of `npm run bench`: where the catalog lives for a run
 * (a throwaway database, never the dev server's), and the JSONB queries timed
 * directly against it with their EXPLAIN plans.
 */
import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@neondatabase/serverless";
import { percentile } from "./bench-load";
import { connect, redact } from "./database";

export interface BenchDatabase {
  /** What the Worker and the bench connect to. */
  databaseUrl: string;
  label: string;
  kind: "embedded" | "postgres";
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    // 8787 belongs to `npm run dev`.
    if (port !== 8787) return port;
  }
}

/**
 * A database created for this run on the server DATABASE_URL names, dropped
 * afterwards, so a shared or development database is never touched.
 */
export async function throwawayDatabase(serverUrl: string, wsProxy: string): Promise<BenchDatabase> {
  const name = `catalog_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = await connect(serverUrl, wsProxy);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end().catch(() => {});
    throw new Error(`cannot create a throwaway database on ${redact(serverUrl)} (needs CREATEDB): ${(error as Error).message}`);
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    label: `PostgreSQL, throwaway database ${name} on ${url.host}`,
    kind: "postgres",
    async stop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end().catch(() => {});
    },
  };
}

/**
 * `--postgres`: a temporary cluster from the machine's PostgreSQL binaries
 * (pg_config --bindir), as CI runs it: fsync off, loopback only, removed at the end.
 */
export async function temporaryPostgres(): Promise<{ url: string; version: string; stop(): Promise<void> }> {
  let bindir: string;
  try {
    bindir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("--postgres needs PostgreSQL's binaries (pg_config on PATH), or set DATABASE_URL instead");
  }
  const dir = mkdtempSync(join(tmpdir(), "catalog-bench-pg-"));
  const asRoot = process.getuid?.() === 0;
  // Postgres refuses to run as root; CI runs it as the postgres user the package creates.
  const run = (command: string, args: string[]) => {
    if (asRoot) {
      const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
      return execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", quoted], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    }
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  };
  const port = await freePort();
  const data = join(dir, "data");
  let started = false;
  const stop = async () => {
    if (started) {
      try {
        run(join(bindir, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      chownSync(dir, uid, gid);
    }
    run(join(bindir, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
    run(join(bindir, "pg_ctl"), [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "start",
    ]);
    started = true;
  } catch (error) {
    await stop();
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`could not start a temporary PostgreSQL: ${stderr.trim() || (error as Error).message}`);
  }
  const version = execFileSync(join(bindir, "postgres"), ["--version"], { encoding: "utf8" }).trim();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, version, stop };
}

// --- JSONB queries ---

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
