/**
 * Benchmark-only routes, used by `npm run bench` (scripts/bench.ts). Inert
 * unless the Worker runs with the variable BENCH_ROUTES="true", which only
 * the bench sets (`wrangler dev --var BENCH_ROUTES:true`): wrangler.toml and
 * production secrets never define it, so in production every /__bench/* path
 * falls through to the ordinary 404. app.ts loads this module lazily, ahead
 * of all other middleware, so the ceiling pays for nothing but the router.
 *
 * - PUT  /__bench/ceiling     keep the request body in isolate memory
 * - GET  /__bench/ceiling     serve those bytes: scenario (h), the ceiling
 * - POST /__bench/invalidate  empty the cache: delete every catalog:* KV key
 *                             and forget this isolate's memo, so the next
 *                             list request reads the database (scenario c)
 * - GET  /__bench/profile     where a cache miss spends its time: the steps
 *                             of CatalogCache's refill, listBody and store,
 *                             timed one by one (same statement, same functions)
 */
import type { Context, Next } from "hono";
import { bearerToken, verifyToken } from "../auth/jwt";
import { forgetMemoizedCatalog, HEAD_KEY } from "../catalog/cache";
import { listBody, serializeModel } from "../catalog/list-body";
import { byProviderThenId, type PublicModel, toPublicModel } from "../catalog/public-model";
import { loadConfig } from "../config";
import { openDatabase } from "../db/client";
import { SUBSCRIPTION_TIERS } from "../domain/model-meta";
import type { AppEnv } from "../http/context";
import { catalogSnapshotRows } from "../queries/catalog";
import { pingDatabase } from "../queries/database";

let ceiling: Uint8Array<ArrayBuffer> | undefined;

export async function bench(c: Context<AppEnv>, next: Next): Promise<Response | undefined> {
  if ((c.env as { BENCH_ROUTES?: string }).BENCH_ROUTES !== "true") {
    await next();
    return;
  }
  const route = `${c.req.method} ${c.req.path}`;
  if (route === "GET /__bench/ceiling") {
    if (!ceiling) return c.text("PUT the bytes to serve first\n", 409);
    return c.body(ceiling, 200, { "Content-Type": "application/json; charset=UTF-8", "Cache-Control": "no-store" });
  }
  if (route === "PUT /__bench/ceiling") {
    ceiling = new Uint8Array(await c.req.arrayBuffer());
    return c.json({ bytes: ceiling.byteLength });
  }
  if (route === "POST /__bench/invalidate") {
    const kv = c.env.MODEL_CACHE;
    let deleted = 0;
    for (let cursor: string | undefined; ; ) {
      const page = await kv.list({ prefix: "catalog:", ...(cursor && { cursor }) });
      await Promise.all(page.keys.map((key) => kv.delete(key.name)));
      deleted += page.keys.length;
      if (page.list_complete) break;
      cursor = page.cursor;
    }
    forgetMemoizedCatalog();
    return c.json({ deleted });
  }
  if (route === "GET /__bench/profile") return profile(c);
  await next();
}

/** Step timings of a cache miss, in ms. Workers clocks may only advance on I/O: `clockAdvancesInCpuWork` says. */
async function profile(c: Context<AppEnv>) {
  const loaded = loadConfig(c.env);
  if (!loaded.ok) return c.json({ problems: loaded.problems }, 503);
  const steps: Record<string, number> = {};
  let last = performance.now();
  const mark = (name: string) => {
    const now = performance.now();
    steps[name] = (steps[name] ?? 0) + (now - last);
    last = now;
  };
  let spin = 0;
  const spinStart = performance.now();
  for (let i = 0; i < 20_000_000; i++) spin ^= i;
  const clockAdvancesInCpuWork = performance.now() > spinStart;
  last = performance.now();

  const kv = c.env.MODEL_CACHE;
  const token = bearerToken(c.req.header("Authorization"));
  if (token) {
    await verifyToken(token, loaded.config);
    mark("jwt verify");
  }
  await kv.get(HEAD_KEY);
  mark("kv get head");
  await kv.get("catalog:bench-absent:list:free", "arrayBuffer");
  mark("kv get list (absent)");
  const database = openDatabase(loaded.config);
  try {
    await pingDatabase(database.db);
    mark("db pool: connect + select 1");
    // The statement and the work of CatalogCache.readSnapshot.
    const rows = await catalogSnapshotRows(database.db);
    mark("db refill statement (incl. driver row parsing)");
    const visible: PublicModel[] = [];
    for (const row of rows) {
      if (row.id !== null && row.meta !== null && !row.isArchived) visible.push(toPublicModel(row as Parameters<typeof toPublicModel>[0]));
    }
    visible.sort(byProviderThenId);
    mark("toPublicModel + sort");
    const serialized = visible.map(serializeModel);
    mark("serializeModel (JSON.stringify per model)");
    const body = new TextEncoder().encode(listBody(serialized, "free"));
    mark("listBody + encode (one tier)");
    // What store() does in the background after the response.
    const index = JSON.stringify({ version: 0, models: visible, archived: {} });
    mark("store: index JSON.stringify");
    const bodies = SUBSCRIPTION_TIERS.map((tier) => listBody(serialized, tier));
    mark("store: listBody for every tier");
    const keys = ["index", ...SUBSCRIPTION_TIERS].map((name) => `catalog:bench-profile:${name}`);
    await Promise.all([
      kv.put(keys[0] as string, index, { expirationTtl: 60 }),
      ...bodies.map((b, i) => kv.put(keys[i + 1] as string, b, { expirationTtl: 60 })),
    ]);
    mark("store: KV puts (index + every tier)");
    await kv.get(keys[1] as string, "arrayBuffer");
    mark("kv get list (one tier, present)");
    await Promise.all(keys.map((key) => kv.delete(key)));
    // The hit path's own I/O and crypto, per request (averaged: the clock has 1 ms resolution).
    const perRequest: Record<string, number> = {};
    let started = performance.now();
    for (let i = 0; i < 100; i++) await kv.get(HEAD_KEY);
    perRequest["kv get head"] = (performance.now() - started) / 100;
    if (token) {
      started = performance.now();
      for (let i = 0; i < 100; i++) await verifyToken(token, loaded.config);
      perRequest["jwt verify"] = (performance.now() - started) / 100;
    }
    return c.json({ clockAdvancesInCpuWork, models: visible.length, bodyBytes: body.byteLength, steps, perRequest, spin: spin & 1 });
  } finally {
    c.executionCtx.waitUntil(database.close().catch(() => {}));
  }
}
