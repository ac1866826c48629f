/**
 * The Worker `npm run bench` runs: the production app (createApp()) plus
 * benchmark-only routes in front of it. Only bench/run.ts builds this
 * entry (`wrangler dev bench/worker.ts`); the production entry, src/index.ts,
 * never imports it, so `npm run deploy:check`'s bundle holds none of it
 * (test/node/production-bundle.test.ts).
 *
 * - PUT  /__bench/ceiling/:name  keep the request body in isolate memory;
 *                                ?negotiate=1 also keeps its br and gzip forms
 * - GET  /__bench/ceiling/:name  serve those bytes: the ceilings. A negotiated
 *                                ceiling picks its encoding exactly as the list
 *                                route does (wrangler's local proxy asks the
 *                                Worker for "br, gzip" whatever the client sent,
 *                                and decodes for the client: both pay that)
 * - POST /__bench/invalidate     empty the cache: delete every catalog:* KV key
 *                                and forget this isolate's memo, so the next
 *                                list request reads the database (scenario c)
 * - GET  /__bench/profile        where a cache miss and a write spend their
 *                                time, step by step, with the cache's own
 *                                statement and functions
 * - GET  /__bench/outcomes       X-Cache of every GET /v1/models answered
 *                                since the last call (then zeroed): the hit
 *                                rate of (g) without the load generator
 *                                copying every body to read a header
 * - PUT  /__bench/counting/off|on  usage counting off (the gate counts nothing)
 *                                or back on, for this isolate: the HTTP gate
 *                                with and without it
 * - PUT  /__bench/rate-limits/miniflare|local|none  whose limiter the app
 *                                meets: Miniflare's binding (a Durable Object
 *                                fetch and a SQLite write per request), the
 *                                machine-local stand-in of a deployed binding
 *                                (bench/machine-local-limiter.ts; the default),
 *                                or none (limits nothing, as src/http/rate-limit.ts
 *                                does without a binding)
 * - GET  /__bench/rpc/*          forwarded to the example inference Worker
 *                                (bench/inference/worker.ts), which calls
 *                                this Worker's BenchGate over its binding
 *
 * - PUT  /__bench/faults/...      the soak's fault switches (bench/faults.ts):
 *                                KV failing, the queue consumer failing
 *
 * It also runs the production queue consumers, and exports CatalogGate and BenchGate (bench/gate.ts: CatalogGate plus
 * the noop ceiling) for that binding.
 */
import { createApp } from "../src/app";
import { bearerToken, verifyToken } from "../src/auth/jwt";
import { clientAcceptEncoding, compress, type Encoding, negotiateEncoding, packIndex, unpackIndex } from "../src/catalog/encoding";
import { HEAD_KEY } from "../src/catalog/kv-layout";
import { decodeIndex, encodeIndex, patchSnapshot, snapshotFromRows } from "../src/catalog/snapshot";
import { publicListView } from "../src/catalog/views";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { gateUsage } from "../src/gate/gate";
import type { UsageMessage } from "../src/gate/usage-counter";
import { RATE_LIMIT_POLICIES } from "../src/http/rate-limit";
import { RATE_LIMIT_WINDOW_SECONDS } from "../src/http/rate-limit-policy";
import { readCatalog } from "../src/queries/catalog";
import { runScheduled } from "../src/scheduled";
import { consumeUsageBatch, USAGE_QUEUE } from "../src/usage/consumer";
import { consumeWebhookBatch } from "../src/webhooks/consumer";
import type { DeliveryMessage } from "../src/webhooks/dispatch";
import { forgetMemoizedCatalog } from "../test/isolate-memo";
import { failedByFault, faultedEnv, faultRoute } from "./faults";
import { MachineLocalLimiter } from "./machine-local-limiter";

export { CatalogGate } from "../src/gate/entrypoint";
export { BenchGate } from "./gate";

/** The bench's own service binding (added to the bench's copy of wrangler.toml only). */
type BenchEnv = Env & { BENCH_INFERENCE?: Fetcher };

const app = createApp();
/** Whose rate limiter the app meets: Miniflare's binding, the machine-local stand-in (bench/machine-local-limiter.ts), or none. */
type Limiters = "miniflare" | "local" | "none";
let limiters: Limiters = "local";
/** One copy of the env per env and mode, so config is still parsed once (loadConfig's WeakMap) and the counters persist. */
const envs: Record<Exclude<Limiters, "miniflare">, WeakMap<Env, Env>> = { local: new WeakMap(), none: new WeakMap() };
const appEnv = (env: Env): Env => {
  if (limiters === "miniflare") return env;
  let copy = envs[limiters].get(env);
  if (!copy) {
    const rest: Record<string, unknown> = { ...env };
    for (const { binding } of Object.values(RATE_LIMIT_POLICIES)) delete rest[binding];
    if (limiters === "local") Object.assign(rest, localLimiters(env));
    copy = rest as unknown as Env;
    envs[limiters].set(env, copy);
  }
  return copy;
};

/** The stand-ins, each with the limit its binding has (the config advertises the same numbers). */
function localLimiters(env: Env): Record<string, RateLimit> {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(`bench: config invalid: ${loaded.problems.join("; ")}`);
  const minute = RATE_LIMIT_WINDOW_SECONDS * 1000;
  return Object.fromEntries(
    Object.values(RATE_LIMIT_POLICIES).map(({ binding, setting }) => [binding, new MachineLocalLimiter(loaded.config[setting], minute)]),
  );
}
let outcomes: Record<string, number> = {};
const ceilings = new Map<string, Partial<Record<Encoding, Uint8Array<ArrayBuffer>>>>();

async function bench(request: Request, url: URL, env: Env, ctx: ExecutionContext): Promise<Response> {
  const route = `${request.method} ${url.pathname.replace(/^\/__bench\/ceiling\/[\w-]+$/, "/__bench/ceiling/:name")}`;
  const name = url.pathname.split("/")[3] ?? "";
  if (route === "GET /__bench/ceiling/:name") {
    const ceiling = ceilings.get(name);
    if (!ceiling?.identity) return new Response("PUT the bytes to serve first\n", { status: 409 });
    const headers = { "Content-Type": "application/json; charset=UTF-8", "Cache-Control": "no-store" };
    // Only a negotiated ceiling reads the client's Accept-Encoding (request.cf), as only the list route does.
    if (!ceiling.gzip) return new Response(ceiling.identity, { headers });
    const encoding = negotiateEncoding(clientAcceptEncoding(request));
    const encoded = ceiling[encoding];
    if (encoding === "identity" || !encoded) return new Response(ceiling.identity, { headers });
    return new Response(encoded, { headers: { ...headers, "Content-Encoding": encoding }, encodeBody: "manual" });
  }
  if (route === "PUT /__bench/ceiling/:name") {
    const identity = new Uint8Array(await request.arrayBuffer());
    const negotiated = url.searchParams.has("negotiate");
    ceilings.set(name, {
      identity,
      ...(negotiated && {
        br: compress(identity, "br") as Uint8Array<ArrayBuffer>,
        gzip: compress(identity, "gzip") as Uint8Array<ArrayBuffer>,
      }),
    });
    return Response.json({ bytes: identity.byteLength });
  }
  if (route === "POST /__bench/invalidate") {
    const kv = env.MODEL_CACHE;
    let deleted = 0;
    for (let cursor: string | undefined; ; ) {
      const page = await kv.list({ prefix: "catalog:", ...(cursor && { cursor }) });
      await Promise.all(page.keys.map((key) => kv.delete(key.name)));
      deleted += page.keys.length;
      if (page.list_complete) break;
      cursor = page.cursor;
    }
    forgetMemoizedCatalog();
    return Response.json({ deleted });
  }
  if (route === "GET /__bench/profile") return profile(request, env, ctx);
  if (route === "POST /__bench/scheduled") {
    // The cron, on demand (wrangler dev runs no Cron Triggers by itself): as the Cron Trigger calls it.
    await runScheduled({ cron: "* * * * *", scheduledTime: Date.now(), noRetry() {} }, faultedEnv(env), ctx);
    return Response.json({ ran: true });
  }
  const fault = faultRoute(request, url);
  if (fault) return fault;
  if (request.method === "PUT" && url.pathname.startsWith("/__bench/counting/")) {
    // An own property shadows the prototype's count() (off); deleting it restores the production path exactly (on).
    const on = url.pathname.endsWith("/on");
    if (on) Reflect.deleteProperty(gateUsage, "count");
    else gateUsage.count = () => {};
    return Response.json({ counting: on });
  }
  if (request.method === "PUT" && url.pathname.startsWith("/__bench/rate-limits/")) {
    const mode = url.pathname.slice("/__bench/rate-limits/".length);
    if (mode !== "miniflare" && mode !== "local" && mode !== "none")
      return new Response("rate-limits: miniflare, local or none\n", { status: 404 });
    limiters = mode;
    return Response.json({ rateLimits: limiters });
  }
  if (url.pathname.startsWith("/__bench/rpc/")) {
    const inference = (env as BenchEnv).BENCH_INFERENCE;
    if (!inference) return new Response("no BENCH_INFERENCE binding\n", { status: 503 });
    return inference.fetch(request);
  }
  if (route === "GET /__bench/outcomes") {
    const counted = outcomes;
    outcomes = {};
    return Response.json(counted);
  }
  return new Response("no such bench route\n", { status: 404 });
}

/** Step timings of a cache miss and a write's publish, in ms. Workers clocks may only advance on I/O: `clockAdvancesInCpuWork` says. */
async function profile(request: Request, env: Env, ctx: ExecutionContext) {
  const loaded = loadConfig(env);
  if (!loaded.ok) return Response.json({ problems: loaded.problems }, { status: 503 });
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

  const kv = env.MODEL_CACHE;
  const token = bearerToken(request.headers.get("Authorization") ?? undefined);
  if (token) {
    await verifyToken(token, loaded.config);
    mark("jwt verify");
  }
  await kv.get(HEAD_KEY);
  mark("kv get head");
  const database = openDatabase(loaded.config);
  try {
    await database.db.execute("select 1");
    mark("db pool: connect + select 1");
    const { at, rows } = await readCatalog(database.db);
    mark("refill statement (incl. driver row parsing)");
    const snapshot = snapshotFromRows(at, rows);
    mark("snapshotFromRows (toPublicModel, serialize, sort)");
    const identity = new TextEncoder().encode(publicListView.render(snapshot, "free"));
    mark("list body, one tier (render + encode)");
    const br = compress(identity, "br");
    mark("compress br, one tier");
    const gzip = compress(identity, "gzip");
    mark("compress gzip, one tier");
    const packed = packIndex(encodeIndex(snapshot));
    mark("store: encode + compress index");
    const key = `catalog:bench-profile:v${at.version}:index`;
    await kv.put(key, packed, { expirationTtl: 60 });
    mark("store: KV put index");
    const stored = await kv.get(key, "arrayBuffer");
    mark("kv get index");
    if (stored) decodeIndex(unpackIndex(stored));
    mark("decode index (cold isolate, warm KV)");
    await kv.delete(key);
    // A write's publish: the rows one write changed, patched into the previous version.
    const changed = snapshot.models.slice(0, 1).map((entry) => entry.model.id);
    const delta = await readCatalog(database.db, changed);
    mark("write: changed rows statement");
    patchSnapshot(snapshot, delta.at, changed, delta.rows);
    mark("write: patch snapshot");
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
    return Response.json({
      clockAdvancesInCpuWork,
      models: snapshot.models.length,
      bodyBytes: { identity: identity.byteLength, br: br.byteLength, gzip: gzip.byteLength, index: packed.byteLength },
      steps,
      perRequest,
      spin: spin & 1,
    });
  } finally {
    ctx.waitUntil(database.close().catch(() => {}));
  }
}

export default {
  async fetch(request, env, ctx) {
    // One URL parse per request, for the app's requests too: the bench's routing must not tilt a ratio.
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__bench/")) return bench(request, url, env, ctx);
    const response = await app.fetch(request, faultedEnv(appEnv(env)), ctx);
    if (request.method === "GET" && url.pathname === "/v1/models") {
      const outcome = response.headers.get("X-Cache") ?? "none";
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    return response;
  },
  async scheduled(controller, env, ctx) {
    await runScheduled(controller, faultedEnv(env), ctx);
  },
  // As src/index.ts, unless the soak's consumer fault is on.
  async queue(batch, env, ctx) {
    if (failedByFault(batch, USAGE_QUEUE)) return;
    if (batch.queue === USAGE_QUEUE) await consumeUsageBatch(batch as MessageBatch<UsageMessage>, faultedEnv(env), ctx);
    else await consumeWebhookBatch(batch as MessageBatch<DeliveryMessage>, faultedEnv(env), ctx);
  },
} satisfies ExportedHandler<Env, DeliveryMessage | UsageMessage>;
