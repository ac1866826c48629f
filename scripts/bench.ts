/**
 * npm run bench [-- --models 1000|10000] [--quick] [--postgres] [--duration S] [--connections C]
 *
 * Starts the service as `npm run dev` does (a throwaway embedded PGlite, or
 * a throwaway database on DATABASE_URL's server, or --postgres for a
 * temporary local cluster; `wrangler dev` on a free port, never 8787), seeds
 * N synthetic models, times the public API under load next to a ceiling
 * route serving the same bytes, times the JSONB queries directly, prints one
 * table and writes it to docs/benchmarks.md. See docs/benchmarks.md for what
 * each scenario measures. Everything it starts is stopped on exit, error or
 * Ctrl-C. It fails only on real errors (non-2xx, crashes), never on timings,
 * unless --strict.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { SignJWT } from "jose";
import WebSocket from "ws";
import { dashboardModelsPage } from "./bench-dashboard";
import { type BenchDatabase, measureQueries, temporaryPostgres, throwawayDatabase } from "./bench-db";
import {
  ACCEPT_ENCODING,
  autocannonGenerator,
  findWrk,
  type LoadGenerator,
  type LoadSpec,
  liveChildren,
  percentile,
  timedRequest,
  wrkGenerator,
} from "./bench-load";
import { checkTargets, type MachineInfo, type RunResult, type ScenarioRow, summary, writeDoc } from "./bench-report";
import { connect, redact } from "./database";
import { startLocalDatabase } from "./local-db";
import { migrate, readMigrations } from "./migrations";
import { rateLimitVars, withRateLimit } from "./rate-limit-settings";
import { SEED_MODELS, syntheticModels } from "./seed-catalog";
import { insertSeeds } from "./seeding";
import { startWranglerDev } from "./wrangler-dev";

/** Requests a minute per key: far above anything the bench sends from its one address. */
const BENCH_RATE_LIMIT = 100_000_000;

const ROOT = new URL("..", import.meta.url).pathname;
const DOC = join(ROOT, "docs/benchmarks.md");
const ISSUER = "model-catalog-bench";
const AUDIENCE = "model-catalog";
const WRITE_TARGET = "synthetic-00001";
const HEADLINE_ROUNDS = 5;

// --- options ---

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
function option(name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = argv[index + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
  return value;
}
function positiveInt(name: string, fallback: number, max: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/[_,]/g, ""));
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} takes a whole number from 1 to ${max}`);
  return value;
}

if (flag("help")) {
  console.log(
    readFileSync(new URL(import.meta.url), "utf8")
      .split("*/")[0]
      ?.replace(/^\/\*\*\n?|^ \* ?/gm, ""),
  );
  process.exit(0);
}

const known = new Set([
  "models",
  "quick",
  "postgres",
  "duration",
  "connections",
  "loadgen",
  "no-install",
  "write",
  "no-write",
  "strict",
  "serve",
  "help",
]);
for (const arg of argv) {
  if (arg.startsWith("--") && !known.has(arg.slice(2))) {
    console.error(`error: unknown option ${arg} (see npm run bench -- --help)`);
    process.exit(2);
  }
}

let options: {
  models: number[];
  quick: boolean;
  durationSeconds: number;
  connections: number;
  loadgen: string;
  install: boolean;
  write: boolean;
  strict: boolean;
  postgres: boolean;
  serve: boolean;
};
try {
  const quick = flag("quick");
  const models = option("models");
  options = {
    models: models === undefined ? [1000, 10_000] : [positiveInt("models", 1000, 100_000)],
    quick,
    durationSeconds: positiveInt("duration", quick ? 3 : 10, 600),
    connections: positiveInt("connections", 4, 256),
    loadgen: option("loadgen") ?? "auto",
    install: !flag("no-install"),
    // CI's --quick smoke must not rewrite the committed numbers.
    write: flag("write") || (!quick && !flag("no-write")),
    strict: flag("strict"),
    postgres: flag("postgres"),
    serve: flag("serve"),
  };
  if (!["auto", "wrk", "autocannon"].includes(options.loadgen)) throw new Error("--loadgen is auto, wrk or autocannon");
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(2);
}

// --- cleanup: everything started is registered here and stopped in reverse ---

const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of liveChildren) child.kill("SIGKILL");
    while (cleanups.length) {
      try {
        await cleanups.pop()?.();
      } catch {}
    }
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping everything the bench started…`);
    void cleanup().finally(() => process.exit(130));
  });
}

// --- output ---

const tty = process.stdout.isTTY;
let progressShown = false;
function say(line: string) {
  if (progressShown) process.stdout.write("\n");
  progressShown = false;
  console.log(line);
}
function progress(line: string) {
  if (!tty) return;
  process.stdout.write(`\r${line}\x1b[K`);
  progressShown = true;
}
const fmt = (value: number) => value.toLocaleString("en-US");

// --- the worker under test ---

interface Worker {
  baseUrl: string;
  /** The runtime's DevTools port (wrangler dev --inspector-port). */
  inspectorPort: number;
  /** CPU seconds so far of wrangler's two workerd runtimes: the proxy on the public port, and the one running the Worker. */
  cpu(): CpuSample;
  stop(): Promise<void>;
}

/**
 * A copy of the Worker's sources for this run. `wrangler dev` rebuilds and
 * restarts on every source change (it has no switch to stop watching), and
 * other people edit the tree while a bench runs: a restart mid-run would drop
 * the isolate's memo and the ceiling's bytes. The copy freezes the code.
 */
function snapshotSources(workDir: string): string {
  const app = join(workDir, "app");
  // One copy per bench run: every size runs the same code.
  if (existsSync(app)) return app;
  const skip = new Set([
    "node_modules",
    ".git",
    ".wrangler",
    ".data",
    ".dev.vars",
    ".env",
    "test",
    "docs",
    "scripts",
    "migrations",
    "dist",
    "coverage",
  ]);
  mkdirSync(app);
  for (const entry of readdirSync(ROOT)) if (!skip.has(entry)) cpSync(join(ROOT, entry), join(app, entry), { recursive: true });
  // The bench's own rate limits: its load generator must never meet them (rateLimitVars below advertise the same).
  const toml = join(app, "wrangler.toml");
  writeFileSync(toml, withRateLimit(readFileSync(toml, "utf8"), BENCH_RATE_LIMIT));
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"));
  return app;
}

async function startWorker(workDir: string, vars: Record<string, string>): Promise<Worker> {
  // The bench's own entry: the app plus the /__bench routes, which the production entry never bundles.
  const { baseUrl, port, inspectorPort, child, stop } = await startWranglerDev({
    workDir,
    vars,
    entry: "bench/worker.ts",
    cwd: snapshotSources(workDir),
  });
  cleanups.push(stop);
  // wrangler's runtimes are up once /healthz answers; they keep their pids for the run.
  const tree = processTree(child.pid ?? -1);
  return { baseUrl, inspectorPort, cpu: () => workerdCpu(tree, port), stop };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A GET whose body is returned as sent (fetch() would decode Content-Encoding). */
function rawGet(
  target: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(target, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export interface Heap {
  usedBytes: number;
  totalBytes: number;
}

/** The Worker isolate's V8 heap after a full GC (DevTools protocol on wrangler's inspector port); undefined if unreachable. */
async function workerHeap(inspectorPort: number): Promise<Heap | undefined> {
  try {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(3000) })).json()) as Array<{
      webSocketDebuggerUrl?: string;
    }>;
    const debuggerUrl = targets.find((target) => target.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
    if (!debuggerUrl) return undefined;
    const socket = new WebSocket(debuggerUrl);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    let id = 0;
    const send = (method: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const mine = ++id;
        const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 10_000);
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown> };
          if (message.id !== mine) return;
          clearTimeout(timer);
          socket.off("message", onMessage);
          resolve(message.result ?? {});
        };
        socket.on("message", onMessage);
        socket.send(JSON.stringify({ id: mine, method }));
      });
    try {
      await send("HeapProfiler.collectGarbage").catch(() => undefined);
      const usage = await send("Runtime.getHeapUsage");
      return { usedBytes: Number(usage.usedSize), totalBytes: Number(usage.totalSize) };
    } finally {
      socket.close();
    }
  } catch {
    return undefined;
  }
}

export const heapText = (heap: Heap | undefined) =>
  heap ? `${(heap.usedBytes / 2 ** 20).toFixed(1)} MiB used (${(heap.totalBytes / 2 ** 20).toFixed(1)} MiB allocated)` : "unavailable";

/** pid and all its descendants (Linux /proc). */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

type CpuSample = { at: number; byPid: Map<number, { seconds: number; proxy: boolean }> };

/** CPU seconds used so far by each workerd among `pids` (Linux /proc, 100 ticks/s). */
function workerdCpu(pids: number[], publicPort: number): CpuSample {
  const byPid = new Map<number, { seconds: number; proxy: boolean }>();
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes("workerd")) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      byPid.set(pid, {
        seconds: (Number(fields[11]) + Number(fields[12])) / 100,
        proxy: cmdline.includes(`entry=127.0.0.1:${publicPort}`),
      });
    } catch {}
  }
  return { at: performance.now(), byPid };
}

/** % of one core used between two samples, per runtime; processes that came or went are left out. */
function cpuBetween(before: CpuSample, after: CpuSample): { proxy: number; worker: number } {
  const seconds = (after.at - before.at) / 1000;
  const used = { proxy: 0, worker: 0 };
  for (const [pid, end] of after.byPid) {
    const start = before.byPid.get(pid);
    if (start) used[end.proxy ? "proxy" : "worker"] += end.seconds - start.seconds;
  }
  return { proxy: (used.proxy / seconds) * 100, worker: (used.worker / seconds) * 100 };
}

// --- one run at N models ---

interface Context {
  database: BenchDatabase;
  wsProxy: string;
  generator: LoadGenerator;
  workDir: string;
  postgresVersion?: string;
}

async function benchAt(models: number, ctx: Context): Promise<RunResult> {
  const tag = `[${fmt(models)}]`;
  const { database } = ctx;
  const client = await connect(database.databaseUrl, ctx.wsProxy);
  cleanups.push(() => client.end().catch(() => {}));

  const seedStarted = performance.now();
  await migrate(client, readMigrations());
  await insertSeeds(client, SEED_MODELS);
  await insertSeeds(client, syntheticModels(models), (done, total) =>
    progress(`${tag} seeding ${fmt(done)}/${fmt(total)} synthetic models`),
  );
  // Fresh planner statistics, as autovacuum would leave them on a live database.
  await client.query("ANALYZE models");
  say(
    `${tag} seeded ${fmt(models)} synthetic + ${SEED_MODELS.length} curated models in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  // JSONB queries first, while nothing else competes for the CPU.
  const queryBudgetMs = options.quick ? 1500 : 8000;
  const queries = await measureQueries(client, options.quick ? 20 : 200, queryBudgetMs, (done, total) =>
    progress(`${tag} JSONB queries ${done}/${total}`),
  );
  say(`${tag} JSONB queries: worst p95 ${Math.max(...queries.filter((q) => !q.name.startsWith("cache")).map((q) => q.p95)).toFixed(1)} ms`);

  const secret = randomBytes(32).toString("hex");
  const started = performance.now();
  progress(`${tag} starting wrangler dev…`);
  const worker = await startWorker(ctx.workDir, {
    DATABASE_URL: database.databaseUrl,
    DB_WS_PROXY: ctx.wsProxy,
    JWT_SECRET: secret,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    ...rateLimitVars(BENCH_RATE_LIMIT),
  });
  say(`${tag} wrangler dev ready on ${worker.baseUrl} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const key = new TextEncoder().encode(secret);
  const mint = (claims: Record<string, string>, sub: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("4h")
      .sign(key);
  const pro = { Authorization: `Bearer ${await mint({ tier: "pro" }, "bench-pro")}` };
  const admin = { Authorization: `Bearer ${await mint({ role: "admin" }, "bench-admin")}` };
  if (options.serve) {
    say(`${tag} serving on ${worker.baseUrl} until Ctrl-C\n  pro:   ${pro.Authorization}\n  admin: ${admin.Authorization}`);
    await new Promise(() => {});
  }

  const url = (path: string) => `${worker.baseUrl}${path}`;
  /** GET until it answers 200 with X-Cache HIT (the cache fills in the background after a miss). */
  const warm = async (path: string, headers: Record<string, string> = {}) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { response, body } = await timedRequest(url(path), { headers });
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
      if (response.headers.get("X-Cache") === "HIT") return body;
      await sleep(100);
    }
    throw new Error(`GET ${path} never answered X-Cache: HIT`);
  };

  const anonymousList = await warm("/v1/models");
  const proList = await warm("/v1/models", pro);
  const listed = JSON.parse(new TextDecoder().decode(anonymousList)) as { models: Array<{ id: string }>; total: number };
  if (listed.models.filter((m) => m.id.startsWith("synthetic-")).length !== models) {
    throw new Error(`GET /v1/models lists ${listed.total} models, not the ${fmt(models)} synthetic ones just seeded (a stale cache?)`);
  }
  const proModels = (
    JSON.parse(new TextDecoder().decode(proList)) as { models: Array<{ id: string; access_status: string; is_available: boolean }> }
  ).models;
  const spread = <T>(list: T[], count: number) =>
    list.filter((_, i) => i % Math.max(1, Math.floor(list.length / count)) === 0).slice(0, count);
  const detailPaths = spread(listed.models, 500).map((m) => `/v1/models/${m.id}`);
  const gatePaths = spread(
    proModels.filter((m) => m.access_status === "allowed" && m.is_available),
    500,
  ).map((m) => `/v1/models/${m.id}/access`);
  const firstDetail = await warm(detailPaths[0] as string);
  const firstGate = await warm(gatePaths[0] as string, pro);
  await warm("/v1/models?capability=vision&provider=openai");

  // The list as it goes on the wire to clients that accept gzip or br: compressed once per version, sent as is.
  const wire: Record<string, number> = {};
  for (const encoding of ["gzip", "br"] as const) {
    const raw = await rawGet(url("/v1/models"), { "Accept-Encoding": encoding });
    if (raw.headers["content-encoding"] !== encoding)
      throw new Error(`GET /v1/models with Accept-Encoding: ${encoding} was not sent ${encoding}`);
    const decoded = encoding === "gzip" ? gunzipSync(raw.body) : brotliDecompressSync(raw.body);
    // Decodes in one step to (a)'s bytes: nothing compressed it twice.
    if (Buffer.compare(decoded, Buffer.from(anonymousList)) !== 0)
      throw new Error(`the ${encoding} list does not decode to the identity list`);
    wire[encoding] = raw.body.byteLength;
  }
  wire.identity = anonymousList.byteLength;

  // The ceilings: each scenario's exact bytes, served by a trivial route in the same runtime. The list's
  // ceiling negotiates its encoding as the route does: wrangler's local proxy asks the Worker for
  // "br, gzip" whatever the client sent, and decodes or re-encodes for the client, for both alike.
  const ceilingOf = async (name: string, bytes: Uint8Array, negotiate = false) => {
    const put = await fetch(url(`/__bench/ceiling/${name}${negotiate ? "?negotiate=1" : ""}`), { method: "PUT", body: Buffer.from(bytes) });
    if (!put.ok) throw new Error(`PUT /__bench/ceiling/${name} answered ${put.status} (is the bench entry running?)`);
    const check = await timedRequest(url(`/__bench/ceiling/${name}`));
    if (!check.response.ok || Buffer.compare(Buffer.from(check.body), Buffer.from(bytes)) !== 0) {
      throw new Error(`GET /__bench/ceiling/${name} does not serve the bytes put there`);
    }
    return `/__bench/ceiling/${name}`;
  };
  const ceilingPaths = {
    list: await ceilingOf("list", anonymousList, true),
    detail: await ceilingOf("detail", firstDetail),
    gate: await ceilingOf("gate", firstGate),
  };

  const rows: ScenarioRow[] = [];
  const duration = options.durationSeconds;
  const base = { connections: options.connections, durationSeconds: duration };
  const kb = (bytes: number) => `${fmt(Math.round(bytes / 1024))} KB`;

  /** One load run, with workerd's CPU use over it. */
  const load = async (spec: LoadSpec, during?: () => Promise<void>) => {
    const before = worker.cpu();
    const [result] = await Promise.all([ctx.generator.run(worker.baseUrl, spec), during?.()]);
    return { result, cpu: cpuBetween(before, worker.cpu()) };
  };
  type Run = Awaited<ReturnType<typeof load>>;
  const median = (values: number[]) => values.toSorted((x, y) => x - y)[Math.floor((values.length - 1) / 2)] as number;
  const toRow = (key: string, label: string, spec: LoadSpec, runs: Run[], note: string): ScenarioRow => {
    // Several interleaved rounds: each figure is the median over rounds, so a burst of outside load skews one round, not the result.
    const of = (pick: (run: Run) => number) => median(runs.map(pick));
    const sum = (pick: (run: Run) => number) => runs.reduce((total, run) => total + pick(run), 0);
    const errors: string[] = [];
    if (sum((r) => r.result.badStatus)) errors.push(`${fmt(sum((r) => r.result.badStatus))} non-2xx`);
    if (sum((r) => r.result.socketErrors)) errors.push(`${fmt(sum((r) => r.result.socketErrors))} socket errors/timeouts`);
    const stalled = runs.filter((r) => r.result.requests === 0).length;
    if (stalled) errors.push(`${stalled} of ${runs.length} runs completed no request in ${spec.durationSeconds} s`);
    return {
      key,
      label,
      connections: spec.connections,
      requests: sum((r) => r.result.requests),
      rps: of((r) => r.result.requests / r.result.seconds),
      mbps: of((r) => r.result.bytes / r.result.seconds / 1e6),
      p50: of((r) => r.result.p50),
      p95: of((r) => r.result.p95),
      p99: of((r) => r.result.p99),
      cpu: { proxy: of((r) => r.cpu.proxy), worker: of((r) => r.cpu.worker) },
      note:
        runs.length > 1
          ? `${note}; median of ${runs.length} rounds (req/s ${runs.map((r) => Math.round(r.result.requests / r.result.seconds)).join(", ")})`
          : note,
      errors,
    };
  };
  const report = (row: ScenarioRow) =>
    say(
      `${tag} ${row.label}: ${fmt(Math.round(row.rps))} req/s, ${row.mbps.toFixed(0)} MB/s, p50 ${row.p50.toFixed(2)} / p95 ${row.p95.toFixed(2)} / p99 ${row.p99.toFixed(2)} ms${row.errors.length ? `  ERRORS: ${row.errors.join(", ")}` : ""}`,
    );

  interface Scenario {
    key: string;
    label: string;
    spec: LoadSpec;
    note: string;
    /** The ceiling row this scenario is judged against. */
    ceiling?: string;
  }
  /**
   * Scenarios whose ratios are targets run in interleaved rounds with their ceilings, the order rotated
   * each round (h a b, a b h, b h a, …); each ratio is the median of the rounds' own ratios.
   */
  const inRounds = async (group: Scenario[]) => {
    const rounds = options.quick ? 1 : HEADLINE_ROUNDS;
    const roundSeconds = options.quick ? duration : Math.max(2, Math.round(duration / 2));
    const runsOf = new Map<string, Run[]>();
    progress(`${tag} warming up…`);
    for (const s of group) await ctx.generator.run(worker.baseUrl, { ...s.spec, durationSeconds: options.quick ? 1 : 2 });
    for (let round = 1; round <= rounds; round++) {
      const order = group.map((_, i) => group[(i + round - 1) % group.length] as Scenario);
      for (const s of order) {
        progress(`${tag} ${s.label}: round ${round}/${rounds}, ${roundSeconds} s…`);
        runsOf.set(s.key, [...(runsOf.get(s.key) ?? []), await load({ ...s.spec, durationSeconds: roundSeconds })]);
      }
    }
    const rate = (run: Run) => run.result.requests / run.result.seconds;
    for (const s of group) {
      const runs = runsOf.get(s.key) ?? [];
      const row = toRow(s.key, s.label, { ...s.spec, durationSeconds: roundSeconds }, runs, s.note);
      if (s.ceiling) {
        const ceilingRuns = runsOf.get(s.ceiling) ?? [];
        row.ceiling = s.ceiling;
        row.ratio = {
          rps: median(runs.map((run, i) => rate(run) / rate(ceilingRuns[i] ?? run))),
          p95: median(runs.map((run, i) => run.result.p95 / (ceilingRuns[i] ?? run).result.p95)),
        };
      }
      rows.push(row);
      report(row);
    }
  };
  const gzip = { "Accept-Encoding": "gzip" };

  // Whole lists: identity and gzip, each against its own ceiling.
  await inRounds([
    {
      key: "h",
      label: "(h) ceiling: the list's bytes, trivial route",
      spec: { ...base, paths: [ceilingPaths.list] },
      note: `${kb(anonymousList.byteLength)} body`,
    },
    {
      key: "a",
      label: "(a) list, cached, anonymous",
      spec: { ...base, paths: ["/v1/models"] },
      note: `${fmt(listed.total)} models, ${kb(anonymousList.byteLength)}`,
      ceiling: "h",
    },
    {
      key: "b",
      label: "(b) list, cached, pro token",
      spec: { ...base, paths: ["/v1/models"], headers: pro },
      note: kb(proList.byteLength),
      ceiling: "h",
    },
    {
      key: "hz",
      label: "(h-gz) ceiling: the list's bytes, trivial route, Accept-Encoding: gzip",
      spec: { ...base, paths: [ceilingPaths.list], headers: gzip },
      note: `${kb(wire.gzip ?? 0)} on the wire`,
    },
    {
      key: "az",
      label: "(a-gz) list, cached, anonymous, Accept-Encoding: gzip",
      spec: { ...base, paths: ["/v1/models"], headers: gzip },
      note: `${kb(wire.gzip ?? 0)} on the wire (br: ${kb(wire.br ?? 0)})`,
      ceiling: "hz",
    },
  ]);
  const heapAfterWarmUp = await workerHeap(worker.inspectorPort);

  // Small answers: detail and the inference gate, each against a trivial route serving the same few bytes.
  await inRounds([
    {
      key: "hd",
      label: "(h-d) ceiling: a detail's bytes, trivial route",
      spec: { ...base, paths: [ceilingPaths.detail] },
      note: `${fmt(firstDetail.byteLength)} B body`,
    },
    {
      key: "d",
      label: "(d) GET /v1/models/:id",
      spec: { ...base, paths: detailPaths },
      note: `${detailPaths.length} ids round-robin`,
      ceiling: "hd",
    },
    {
      key: "he",
      label: "(h-e) ceiling: a gate answer's bytes, trivial route",
      spec: { ...base, paths: [ceilingPaths.gate] },
      note: `${fmt(firstGate.byteLength)} B body`,
    },
    {
      key: "e",
      label: "(e) inference gate /:id/access, pro",
      spec: { ...base, paths: gatePaths, headers: pro },
      note: `${gatePaths.length} allowed ids round-robin`,
      ceiling: "he",
    },
  ]);

  const filteredPath = "/v1/models?capability=vision&provider=openai";
  const filtered = await timedRequest(url(filteredPath));
  const filteredTotal = (JSON.parse(new TextDecoder().decode(filtered.body)) as { total: number }).total;
  {
    const spec = { ...base, paths: [filteredPath] };
    progress(`${tag} (f): ${duration} s…`);
    if (!options.quick) await ctx.generator.run(worker.baseUrl, { ...spec, durationSeconds: 2 });
    const row = toRow(
      "f",
      "(f) list ?capability=vision&provider=openai",
      spec,
      [await load(spec)],
      `${fmt(filteredTotal)} models, ${kb(filtered.body.byteLength)}`,
    );
    rows.push(row);
    report(row);
  }

  // (i) the staff dashboard's models page (scripts/bench-dashboard.ts).
  progress(`${tag} (i) dashboard models page: ${duration} s…`);
  const dashboard = await dashboardModelsPage({
    baseUrl: worker.baseUrl,
    adminToken: admin.Authorization.slice("Bearer ".length),
    generator: ctx.generator,
    connections: options.connections,
    durationSeconds: duration,
  });
  rows.push(dashboard);
  report(dashboard);

  const missPath = await databasePath(tag, url, worker, pro);
  rows.push(missPath.row);

  /** One admin write (a meta PATCH of one model), timed from the client. */
  const writeOnce = async (i: number) =>
    timedRequest(url(`/admin/models/${WRITE_TARGET}/meta`), {
      method: "PATCH",
      headers: { ...admin, "Content-Type": "application/json" },
      body: JSON.stringify({ description: `bench write ${i} at ${new Date().toISOString()}` }),
    });

  // (w): admin writes one at a time, nothing else running.
  const writeTimes: number[] = [];
  const writeErrors: string[] = [];
  const writeCount = options.quick ? 5 : 25;
  for (let i = 1; i <= writeCount; i++) {
    progress(`${tag} (w) admin writes: ${i}/${writeCount}…`);
    const { response, body, ms } = await writeOnce(i);
    if (response.ok) writeTimes.push(ms);
    else writeErrors.push(`${response.status} ${new TextDecoder().decode(body).slice(0, 120)}`);
    // KV takes one write per key per second.
    await sleep(1100);
  }
  writeTimes.sort((x, y) => x - y);
  const writeRow: ScenarioRow = {
    key: "w",
    label: "(w) admin write (PATCH meta), one at a time",
    connections: 1,
    requests: writeTimes.length,
    rps: Number.NaN,
    mbps: Number.NaN,
    p50: percentile(writeTimes, 50),
    p95: percentile(writeTimes, 95),
    p99: percentile(writeTimes, 99),
    note: `${writeTimes.length} writes, 1.1 s apart; each publishes the new version (index stored, head moved) before answering`,
    errors: writeErrors.length ? [`${writeErrors.length} failed writes: ${writeErrors[0]}`] : [],
  };
  rows.push(writeRow);
  report(writeRow);

  // (g): (a)'s reads at full speed, and one admin write per second, next to (h) in rounds.
  const gWrites: number[] = [];
  const gErrors: string[] = [];
  const outcomes = async () => (await (await fetch(url("/__bench/outcomes"))).json()) as Record<string, number>;
  await outcomes();
  let writing = false;
  const writer = async () => {
    for (let i = 1; writing; i++) {
      const started = performance.now();
      try {
        const { response, body, ms } = await writeOnce(10_000 + i);
        if (response.ok) gWrites.push(ms);
        else gErrors.push(`${response.status} ${new TextDecoder().decode(body).slice(0, 120)}`);
      } catch (error) {
        gErrors.push((error as Error).message);
      }
      await sleep(Math.max(0, 1000 - (performance.now() - started)));
    }
  };
  const mixedSpec = { ...base, paths: ["/v1/models"] };
  const hSpec = { ...base, paths: [ceilingPaths.list] };
  const gRounds = options.quick ? 1 : 3;
  const gRuns: Run[] = [];
  const hRuns: Run[] = [];
  for (let round = 1; round <= gRounds; round++) {
    progress(`${tag} (g) mixed: round ${round}/${gRounds}…`);
    hRuns.push(await load(hSpec));
    writing = true;
    gRuns.push(
      await load(mixedSpec, async () => {
        await Promise.all([
          writer(),
          sleep(duration * 1000).then(() => {
            writing = false;
          }),
        ]);
      }),
    );
  }
  const counted = await outcomes();
  const reads = Object.values(counted).reduce((total, count) => total + count, 0);
  const mixed = toRow("g", "(g) mixed: list reads + 1 write/s", mixedSpec, gRuns, "");
  const rate = (run: Run) => run.result.requests / run.result.seconds;
  mixed.ceiling = "h";
  mixed.ratio = {
    rps: median(gRuns.map((run, i) => rate(run) / rate(hRuns[i] ?? run))),
    p95: median(gRuns.map((run, i) => run.result.p95 / (hRuns[i] ?? run).result.p95)),
  };
  mixed.hitRate = reads ? (counted.HIT ?? 0) / reads : 0;
  gWrites.sort((x, y) => x - y);
  mixed.note = `hit rate ${(mixed.hitRate * 100).toFixed(2)}% (${fmt(counted.MISS ?? 0)} MISS of ${fmt(reads)} reads, counted in the Worker), ${gWrites.length} writes, write p50 ${percentile(gWrites, 50).toFixed(0)} / p95 ${percentile(gWrites, 95).toFixed(0)} ms; ratio against (h) run just before each round`;
  if (gErrors.length) mixed.errors.push(`${gErrors.length} failed writes: ${gErrors[0]}`);
  if (gWrites.length === 0) mixed.errors.push("no write succeeded");
  rows.push(mixed);
  report(mixed);

  const heapAtEnd = await workerHeap(worker.inspectorPort);
  say(`${tag} Worker heap: ${heapText(heapAfterWarmUp)} after warm-up, ${heapText(heapAtEnd)} at the end`);
  await worker.stop();
  return {
    models,
    listed: listed.total,
    listBytes: anonymousList.byteLength,
    wire,
    heap: { afterWarmUp: heapAfterWarmUp, atEnd: heapAtEnd },
    rows,
    queries,
    profile: missPath.profile,
  };
}

/**
 * (c) the database path: before every timed GET, POST /__bench/invalidate
 * empties the cache (deletes every catalog:* KV key, forgets the isolate's
 * memo), so the GET finds nothing cached and reads the database, as on a
 * cold start. One client; after each miss it idles twice as long as the miss
 * took, so the refill's background KV writes do not land in the next
 * measurement; a GET that still answers other than X-Cache: MISS (such a
 * write landed after the invalidation) is not counted, and reported. Then
 * GET /__bench/profile times the steps of a miss one by one.
 */
async function databasePath(tag: string, url: (path: string) => string, worker: Worker, pro: Record<string, string>) {
  const label = "(c) list, cache invalidated before each request";
  const duration = options.durationSeconds;
  progress(`${tag} ${label}: ${duration} s…`);
  const times: number[] = [];
  const errors: string[] = [];
  let bytes = 0;
  let notMiss = 0;
  let busyMs = 0;
  let busyCpu = { proxy: 0, worker: 0 };
  const started = performance.now();
  const deadline = started + duration * 1000;
  // At least 10 samples (within 3x the duration), or the p95 means nothing.
  while (performance.now() < deadline || (times.length < 10 && performance.now() < started + 3 * duration * 1000)) {
    const invalidate = await fetch(url("/__bench/invalidate"), { method: "POST" });
    await invalidate.arrayBuffer();
    if (!invalidate.ok) {
      errors.push(`invalidate answered ${invalidate.status}`);
      break;
    }
    const cpuBefore = worker.cpu();
    const { response, body, ms } = await timedRequest(url("/v1/models"));
    const used = cpuBetween(cpuBefore, worker.cpu());
    busyCpu = { proxy: busyCpu.proxy + (used.proxy * ms) / 100, worker: busyCpu.worker + (used.worker * ms) / 100 };
    busyMs += ms;
    if (!response.ok) {
      errors.push(`GET answered ${response.status}`);
      break;
    }
    if (response.headers.get("X-Cache") === "MISS") {
      times.push(ms);
      bytes += body.byteLength;
    } else {
      notMiss++;
      busyMs -= ms;
    }
    await sleep(Math.min(3000, Math.max(100, 2 * ms)));
  }
  if (times.length === 0) errors.push(`no GET answered X-Cache: MISS after an invalidation (${notMiss} did not)`);
  times.sort((x, y) => x - y);

  // Where a miss spends its time, step by step (median of 5).
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < 5; i++) {
    const response = await fetch(url("/__bench/profile"), { headers: pro });
    if (!response.ok) {
      errors.push(`GET /__bench/profile answered ${response.status}`);
      break;
    }
    const result = (await response.json()) as {
      clockAdvancesInCpuWork: boolean;
      steps: Record<string, number>;
      perRequest: Record<string, number>;
    };
    if (!result.clockAdvancesInCpuWork) break;
    samples.push({
      ...result.steps,
      ...Object.fromEntries(Object.entries(result.perRequest).map(([step, ms]) => [`hit path, per request: ${step}`, ms])),
    });
  }
  const profile: Record<string, number> = {};
  for (const step of Object.keys(samples[0] ?? {})) {
    const values = samples.map((sample) => sample[step] ?? 0).sort((x, y) => x - y);
    profile[step] = values[Math.floor(values.length / 2)] as number;
  }

  const row: ScenarioRow = {
    key: "c",
    label,
    connections: 1,
    requests: times.length,
    // Per second of request time: the idle pauses are not the service's.
    rps: (times.length / busyMs) * 1000,
    mbps: bytes / busyMs / 1000,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    // CPU while a request was in flight, as % of that time.
    cpu: { proxy: (busyCpu.proxy / busyMs) * 100, worker: (busyCpu.worker / busyMs) * 100 },
    note: `${times.length} X-Cache: MISS timed${notMiss ? ` (${notMiss} not MISS, left out)` : ""}; req/s = 1 / mean latency`,
    errors,
  };
  say(
    `${tag} ${label}: p50 ${row.p50.toFixed(1)} / p95 ${row.p95.toFixed(1)} ms over ${times.length} misses${errors.length ? `  ERRORS: ${errors.join(", ")}` : ""}`,
  );
  if (Object.keys(profile).length) {
    say(
      `${tag} profile (ms): ${Object.entries(profile)
        .map(([step, ms]) => `${step} ${ms.toFixed(1)}`)
        .join(", ")}`,
    );
  }
  return { row, profile };
}

// --- main ---

const workDir = mkdtempSync(join(tmpdir(), "catalog-bench-"));
cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));

async function main() {
  let generator: LoadGenerator = autocannonGenerator;
  if (options.loadgen !== "autocannon") {
    const wrk = findWrk(options.install, say);
    if (wrk) generator = { ...wrkGenerator(workDir), name: `${wrk}, 1 thread` };
    else if (options.loadgen === "wrk") throw new Error("wrk is not installed (apt-get install -y wrk)");
    else
      say(
        `warning: wrk not found; falling back to ${autocannonGenerator.name}, which tops out near 170 MB/s: large-body numbers will be the load generator's`,
      );
  }

  // Where the catalog lives: never .data/pglite (npm run dev's) nor an existing database's tables.
  let serverUrl = process.env.DATABASE_URL;
  let postgresVersion: string | undefined;
  if (options.postgres) {
    if (serverUrl) throw new Error("--postgres starts its own PostgreSQL; unset DATABASE_URL or drop --postgres");
    progress("starting a temporary PostgreSQL…");
    const pg = await temporaryPostgres();
    cleanups.push(pg.stop);
    serverUrl = pg.url;
    postgresVersion = pg.version;
  }
  const kind = serverUrl ? "postgres" : "embedded";
  say(
    `bench: ${options.models.map(fmt).join(" and ")} synthetic models on ${serverUrl ? redact(serverUrl) : "embedded PGlite (in memory)"}; ${generator.name}, ${options.connections} connections, ${options.durationSeconds} s per scenario${options.quick ? " (quick)" : ""}`,
  );

  const runs: RunResult[] = [];
  let databaseVersion = "";
  for (const models of options.models) {
    const local = await startLocalDatabase(serverUrl ? { databaseUrl: serverUrl } : { dataDir: "memory://" });
    cleanups.push(local.stop);
    const database: BenchDatabase = serverUrl
      ? await throwawayDatabase(serverUrl, local.wsProxy)
      : { databaseUrl: local.databaseUrl, label: "embedded PGlite, in memory", kind: "embedded", stop: async () => {} };
    cleanups.push(database.stop);
    if (!databaseVersion) {
      const probe = await connect(database.databaseUrl, local.wsProxy);
      const { rows } = await probe.query("SELECT version() AS version");
      await probe.end();
      databaseVersion = String(rows[0]?.version ?? "")
        .replace(/ on .*?,/, ",")
        .replace(/, compiled by [^,]*,?/, ",");
    }
    runs.push(await benchAt(models, { database, wsProxy: local.wsProxy, generator, workDir, ...(postgresVersion && { postgresVersion }) }));
    // Stop this size's worker and database before the next size starts.
    await cleanupSince(cleanups.indexOf(local.stop));
  }

  const machine: MachineInfo = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
    cpu: `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    node: process.version,
    workerd: commandVersion(join(ROOT, "node_modules/.bin/workerd"), ["--version"]).replace(/^workerd /, ""),
    wrangler: (JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")) as { version: string }).version,
    database: `${kind === "embedded" ? "PGlite (embedded, in memory) behind pglite-socket" : postgresVersion ? `temporary local cluster (--postgres, fsync off), ${postgresVersion}` : "DATABASE_URL's server, throwaway database"}; reports \`${databaseVersion}\`; reached through the Neon driver and the local WebSocket proxy, as the Worker does`,
    loadGenerator: generator.name,
    acceptEncoding: ACCEPT_ENCODING,
    path: "HTTP/1.1 keep-alive on 127.0.0.1 into `wrangler dev`'s port: wrangler's proxy runtime, then the workerd runtime running the Worker; the same for every scenario, the ceiling (h) included",
    settings: options.quick
      ? `${options.connections} connections (c: 1), ${options.durationSeconds} s per scenario; 1 s warm-up of (h), (a), (b)`
      : `${options.connections} connections (c: 1), ${options.durationSeconds} s per scenario after a 2 s warm-up; (h), (a), (b) in ${HEADLINE_ROUNDS} interleaved, rotated rounds of ${Math.max(2, Math.round(options.durationSeconds / 2))} s, medians reported, ratios = median of each round's ratio`,
  };

  say("");
  console.log(summary(runs, machine));
  if (options.write) {
    writeDoc(DOC, kind, runs, machine);
    say(`\nwritten to docs/benchmarks.md (${kind} section)`);
  }

  const errors = runs.flatMap((run) => run.rows.flatMap((row) => row.errors.map((error) => `${fmt(run.models)} ${row.label}: ${error}`)));
  if (errors.length) {
    console.error(`\nerrors:\n${errors.map((e) => `  ${e}`).join("\n")}`);
    keepWranglerLog(workDir);
    process.exitCode = 1;
  } else if (options.strict && checkTargets(runs).some((check) => check.ok === false)) {
    console.error("\n--strict: a target was missed");
    process.exitCode = 1;
  }
}

/** The temporary directory goes away at exit; after a failure, wrangler's log is worth keeping. */
function keepWranglerLog(workDir: string) {
  const log = join(workDir, "wrangler.log");
  if (!existsSync(log)) return;
  const kept = join(tmpdir(), `catalog-bench-wrangler-${Date.now()}.log`);
  cpSync(log, kept);
  console.error(`wrangler's log: ${kept}`);
}

/** Runs (and removes) the cleanups registered at or after `index`. */
async function cleanupSince(index: number) {
  if (index < 0) return;
  const mine = cleanups.splice(index);
  for (const stop of mine.reverse()) {
    try {
      await stop();
    } catch {}
  }
}

function commandVersion(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return existsSync(command) ? "unknown" : "not installed";
  }
}

try {
  await main();
} catch (error) {
  say(`error: ${(error as Error).message}`);
  keepWranglerLog(workDir);
  process.exitCode = 1;
} finally {
  await cleanup();
}
// Drivers may keep sockets referenced; everything is stopped, so leave now.
process.exit(process.exitCode ?? 0);
