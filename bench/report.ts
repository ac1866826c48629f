/** Tables, target checks and the docs/benchmarks.md section for `npm run bench`. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { QueryResult } from "./queries";
import type { Heap } from "./workerd";

export interface ScenarioRow {
  key: string;
  label: string;
  connections: number;
  requests: number;
  rps: number;
  mbps: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU use of wrangler's two workerd runtimes over the scenario, in % of one core. */
  cpu?: { proxy: number; worker: number };
  note: string;
  /** Non-2xx responses, socket errors, or a broken measurement. */
  errors: string[];
  hitRate?: number;
  /** Against its ceiling, round by round (median of the rounds' ratios), when run in rounds with it. */
  ratio?: { rps: number; p95: number };
  /** The key of the ceiling row it is judged against. */
  ceiling?: string;
}

/** req/s and p95 as multiples of the ceiling's: paired by round when available, else from the medians. */
export function ratioToCeiling(row: ScenarioRow, ceiling: ScenarioRow): { rps: number; p95: number } {
  return row.ratio ?? { rps: row.rps / ceiling.rps, p95: row.p95 / ceiling.p95 };
}

export interface RunResult {
  models: number;
  /** Models in the public list (the curated catalog included). */
  listed: number;
  listBytes: number;
  /** Bytes of the whole anonymous list on the wire, per Content-Encoding. */
  wire: Record<string, number>;
  /** The Worker isolate's heap after (a)/(b) warmed every list body, and at the end. */
  heap: { afterWarmUp: Heap | undefined; atEnd: Heap | undefined };
  rows: ScenarioRow[];
  queries: QueryResult[];
  /** Median ms per step of a cache miss, and per request on the hit path (GET /__bench/profile). */
  profile: Record<string, number>;
  /** Where the gate's and the detail's isolate CPU goes, from V8's profiler. */
  breakdown?: Breakdown[];
}

/** One route's sampled isolate CPU per request, by the src/ module on the stack (bench/scenarios/gate-profile.ts). */
export interface Breakdown {
  scenario: string;
  requests: number;
  busyMsPerRequest: number;
  parts: Array<{ part: string; msPerRequest: number }>;
}

export interface MachineInfo {
  date: string;
  command: string;
  cpu: string;
  memory: string;
  node: string;
  workerd: string;
  wrangler: string;
  database: string;
  loadGenerator: string;
  acceptEncoding: string;
  path: string;
  settings: string;
}

const n = (value: number) => value.toLocaleString("en-US");
const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const ms = (value: number) => (!Number.isFinite(value) ? "–" : value < 10 ? value.toFixed(2) : value.toFixed(1));

export function scenarioTable(runs: RunResult[]): string {
  const lines = [
    "| models | scenario | conn | req/s | MB/s | p50 ms | p95 ms | p99 ms | req/s ÷ ceiling | p95 ÷ ceiling | CPU proxy + worker | notes |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const run of runs) {
    for (const row of run.rows) {
      const ceiling = row.ceiling ? run.rows.find((other) => other.key === row.ceiling) : undefined;
      const ratios = ceiling
        ? [`${fixed(ratioToCeiling(row, ceiling).rps, 2)}× (${row.ceiling})`, `${fixed(ratioToCeiling(row, ceiling).p95, 2)}×`]
        : row.key.startsWith("h")
          ? ["1", "1"]
          : ["", ""];
      const cpu = row.cpu === undefined ? "" : `${Math.round(row.cpu.proxy)}% + ${Math.round(row.cpu.worker)}%`;
      const note = [row.note, ...row.errors.map((error) => `**${error}**`)].filter(Boolean).join("; ");
      lines.push(
        `| ${n(run.models)} | ${row.label} | ${row.connections} | ${fixed(row.rps, 0)} | ${fixed(row.mbps, 0)} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ${ratios[0]} | ${ratios[1]} | ${cpu} | ${note} |`,
      );
    }
  }
  return lines.join("\n");
}

export function queryTable(runs: RunResult[]): string {
  const lines = [
    "| models | query | rows | runs | p50 ms | p95 ms | server ms | index in the plan |",
    "|---:|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const run of runs) {
    for (const q of run.queries) {
      const forced = q.forcedPlan ? ` (planner's choice; with seqscan off: ${q.forcedPlan.indexes.join(", ") || "none"})` : "";
      lines.push(
        `| ${n(run.models)} | ${q.name} | ${n(q.rows)} | ${q.runs} | ${ms(q.p50)} | ${ms(q.p95)} | ${ms(q.serverMs)} | ${q.indexes.join(", ") || "seq scan"}${forced} |`,
      );
    }
  }
  return lines.join("\n");
}

export function profileTable(runs: RunResult[]): string {
  const withProfile = runs.filter((run) => Object.keys(run.profile).length);
  if (!withProfile.length) return "";
  const steps = [...new Set(withProfile.flatMap((run) => Object.keys(run.profile)))];
  return [
    `| step (ms, median of 5 profiles) | ${withProfile.map((run) => `${n(run.models)} models`).join(" | ")} |`,
    `|---|${withProfile.map(() => "---:").join("|")}|`,
    ...steps.map((step) => `| ${step} | ${withProfile.map((run) => ms(run.profile[step] ?? Number.NaN)).join(" | ")} |`),
  ].join("\n");
}

/** Each profiled route's parts, in ms of isolate CPU per request. */
export function breakdownTable(runs: RunResult[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    for (const b of run.breakdown ?? []) {
      lines.push(
        "",
        `**${n(run.models)} models, ${b.scenario}**: ${ms(b.busyMsPerRequest)} ms of sampled isolate CPU per request (${n(b.requests)} requests)`,
        "",
        "| part (nearest src/ module on the stack) | ms per request | share |",
        "|---|---:|---:|",
        ...b.parts.map((p) => `| ${p.part} | ${p.msPerRequest.toFixed(3)} | ${fixed((p.msPerRequest / b.busyMsPerRequest) * 100, 0)}% |`),
      );
    }
  }
  return lines.join("\n").trim();
}

export interface TargetCheck {
  ok: boolean | undefined;
  text: string;
}

/** The SPEC/issue targets, judged on what this run measured. */
export function checkTargets(runs: RunResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const at = (models: number) => runs.find((run) => run.models === models);
  const big = at(10_000);
  const small = at(1000);
  const missing = (text: string) => checks.push({ ok: undefined, text: `${text}: not measured in this run` });
  const against = (run: RunResult, key: string) => {
    const row = run.rows.find((r) => r.key === key);
    const ceiling = row?.ceiling ? run.rows.find((r) => r.key === row.ceiling) : undefined;
    return row && ceiling ? { row, ...ratioToCeiling(row, ceiling) } : undefined;
  };
  const ratioCheck = (key: string, minRps: number, maxP95: number | undefined, what: string) => {
    const ratio = big && against(big, key);
    if (!ratio) return missing(`(${key}) ${what} at 10,000 models`);
    const ceiling = ratio.row.ceiling;
    checks.push({
      ok: ratio.rps >= minRps && (maxP95 === undefined || ratio.p95 <= maxP95),
      text: `(${key}) ${what} at 10,000 models: req/s ${fixed(ratio.rps, 2)}× (${ceiling}) (target ≥ ${minRps}×)${maxP95 === undefined ? "" : `, p95 ${fixed(ratio.p95, 2)}× (${ceiling}) (target ≤ ${maxP95}×)`}`,
    });
  };
  ratioCheck("e", 0.9, 1.25, "inference gate vs its small-body ceiling");
  ratioCheck("d", 0.9, 1.25, "detail vs its small-body ceiling");
  ratioCheck("r", 0.9, undefined, "checkAccess over the service binding vs a no-op method");
  ratioCheck("e-on", 0.95, undefined, "HTTP gate with usage counting vs without (cost < 5%)");
  ratioCheck("e-alias", 0.95, undefined, "HTTP gate on an alias vs on its target");
  ratioCheck("r-alias", 0.95, undefined, "checkAccess on an alias vs on its target");
  const w = big?.rows.find((r) => r.key === "w");
  if (w) checks.push({ ok: w.p95 < 250, text: `(w) admin write at 10,000 models: p95 ${ms(w.p95)} ms (target < 250 ms)` });
  else missing("(w) admin write at 10,000 models");
  ratioCheck("g", 0.8, undefined, "list during 1 write/s vs (h)");
  for (const key of ["y", "t"]) {
    const row = runs.at(-1)?.rows.find((r) => r.key === key);
    if (row) checks.push({ ok: row.p95 < 50, text: `${row.label}: p95 ${ms(row.p95)} ms (target < 50 ms)` });
    else missing(`(${key}) model history at 1,000 changes`);
  }
  const g = big?.rows.find((r) => r.key === "g");
  if (g?.hitRate !== undefined)
    checks.push({ ok: g.hitRate > 0.99, text: `(g) at 10,000 models: hit rate ${fixed(g.hitRate * 100, 2)}% (target > 99%)` });
  for (const [run, limit] of [
    [big, 300],
    [small, 60],
  ] as const) {
    const c = run?.rows.find((r) => r.key === "c");
    if (run && c)
      checks.push({ ok: c.p95 < limit, text: `(c) cold list at ${n(run.models)} models: p95 ${ms(c.p95)} ms (target < ${limit} ms)` });
    else missing(`(c) cold list at ${limit === 300 ? "10,000" : "1,000"} models`);
  }
  if (big?.wire.gzip !== undefined)
    checks.push({
      ok: big.wire.gzip < 1e6,
      text: `10,000-model list on the wire with gzip: ${n(big.wire.gzip)} B (br ${n(big.wire.br ?? 0)} B, identity ${n(big.wire.identity ?? 0)} B) (target < 1 MB)`,
    });
  else missing("10,000-model list on the wire with gzip");
  ratioCheck("az", 0.8, undefined, "list with gzip vs its gzip ceiling");
  ratioCheck("a", 0.8, 1.25, "list vs (h)");
  ratioCheck("b", 0.8, 1.25, "list with a pro token vs (h)");
  if (big) {
    const worst = big.queries.filter((q) => !q.name.startsWith("cache refill")).toSorted((x, y) => y.p95 - x.p95)[0];
    if (worst)
      checks.push({
        ok: worst.p95 < 50,
        text: `JSONB queries at 10,000 models: worst p95 ${ms(worst.p95)} ms, ${worst.name} (target < 50 ms)`,
      });
  } else missing("JSONB queries at 10,000 models");
  for (const run of runs) {
    const heap = run.heap.afterWarmUp;
    checks.push({
      ok: heap ? heap.usedBytes < 96 * 2 ** 20 : undefined,
      text: `Worker heap at ${n(run.models)} models after warm-up: ${heap ? `${(heap.usedBytes / 2 ** 20).toFixed(1)} MiB` : "unavailable"} (budget: < 96 MiB of the isolate's 128 MB)`,
    });
  }
  return checks;
}

export const formatCheck = (check: TargetCheck) => `- ${check.ok === undefined ? "–" : check.ok ? "✅" : "❌"} ${check.text}`;

export function summary(runs: RunResult[], machine: MachineInfo): string {
  return [
    scenarioTable(runs),
    "",
    "Targets:",
    ...checkTargets(runs).map(formatCheck),
    "",
    queryTable(runs),
    "",
    profileTable(runs),
    "",
    breakdownTable(runs),
    "",
    `${machine.loadGenerator}; Accept-Encoding: ${machine.acceptEncoding}; ${machine.settings}`,
  ].join("\n");
}

function machineBlock(machine: MachineInfo): string {
  return [
    `Run of ${machine.date}: \`${machine.command}\``,
    "",
    `- Machine: ${machine.cpu}, ${machine.memory}`,
    `- Node ${machine.node} (bench and PGlite); workerd ${machine.workerd} via wrangler ${machine.wrangler}`,
    `- Database: ${machine.database}`,
    `- Load generator: ${machine.loadGenerator}`,
    `- Settings: ${machine.settings}`,
    `- Accept-Encoding: \`${machine.acceptEncoding}\` unless the scenario says otherwise ((h-gz), (a-gz) send \`gzip\`)`,
    `- Path measured: ${machine.path}`,
  ].join("\n");
}

function plans(runs: RunResult[]): string {
  const run = runs.at(-1);
  if (!run) return "";
  const body = run.queries
    .map((q) => {
      const forced = q.forcedPlan ? `\n\nWith \`SET enable_seqscan = off\`:\n\n\`\`\`\n${q.forcedPlan.plan}\n\`\`\`` : "";
      return `**${q.name}**\n\n\`\`\`sql\n${q.sql}\n\`\`\`\n\n\`\`\`\n${q.plan}\n\`\`\`${forced}`;
    })
    .join("\n\n");
  return `<details><summary>EXPLAIN ANALYZE plans at ${n(run.models)} models</summary>\n\n${body}\n\n</details>`;
}

/** Replaces this database kind's section of docs/benchmarks.md (or appends it), leaving the rest as written. */
export function writeDoc(file: string, kind: "embedded" | "postgres", runs: RunResult[], machine: MachineInfo) {
  const begin = `<!-- bench:${kind}:begin (written by npm run bench) -->`;
  const end = `<!-- bench:${kind}:end -->`;
  const title = kind === "embedded" ? "Results: embedded database (PGlite)" : "Results: PostgreSQL";
  const section = [
    begin,
    `## ${title}`,
    "",
    machineBlock(machine),
    "",
    scenarioTable(runs),
    "",
    "Targets:",
    "",
    ...checkTargets(runs).map(formatCheck),
    "",
    "JSONB queries, timed from Node through the same driver and proxy as the Worker:",
    "",
    queryTable(runs),
    "",
    "Where the time goes (`GET /__bench/profile`, in the Worker: a cache miss's statement and functions timed one by one, where the `store:` steps are the ones the refill starts in the background, then a write's patch; then the KV read of the head and the JWT check, averaged over 100 calls, which the hit path now pays at most once a second and once per request):",
    "",
    profileTable(runs),
    "",
    "Where the gate's and the detail's isolate CPU goes (V8's sampling profiler over the DevTools port during one 5 s load run each, bench/cpu-profile.ts; the runtime's C++ and the rate-limit binding's Durable Object are outside the isolate and not in these numbers):",
    "",
    breakdownTable(runs),
    "",
    plans(runs),
    end,
  ].join("\n");
  let doc = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = doc.indexOf(begin.slice(0, begin.indexOf(" (")));
  const stop = doc.indexOf(end);
  if (start >= 0 && stop > start) doc = `${doc.slice(0, start)}${section}${doc.slice(stop + end.length)}`;
  else doc = `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, doc);
}
