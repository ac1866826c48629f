/**
 * How a scenario is measured: load runs with workerd's CPU over each, rows of
 * medians, and the interleaved rounds that judge a scenario against its ceiling.
 */
import type { LoadGenerator, LoadResult, LoadSpec } from "./load";
import type { BenchOptions } from "./options";
import { fmt, progress, say } from "./output";
import type { ScenarioRow } from "./report";
import type { WorkerUnderTest } from "./service";
import { cpuBetween } from "./workerd";

export const HEADLINE_ROUNDS = 5;

/** One catalog size's bench: the Worker under test, its tokens, and the settings every load run shares. */
export interface Stage {
  /** "[1,000]": prefixes every line about this size. */
  tag: string;
  options: BenchOptions;
  generator: LoadGenerator;
  worker: WorkerUnderTest;
  url: (path: string) => string;
  /** Authorization headers of a pro user and of an admin. */
  pro: { Authorization: string };
  admin: { Authorization: string };
  base: { connections: number; durationSeconds: number };
}

export interface Run {
  result: LoadResult;
  cpu: { proxy: number; worker: number };
}

export interface Scenario {
  key: string;
  label: string;
  spec: LoadSpec;
  note: string;
  /** The ceiling row this scenario is judged against. */
  ceiling?: string;
  /** Runs before each of this scenario's load runs (and its warm-up): a switch the scenario needs set. */
  before?: () => Promise<void>;
}

/** One load run, with workerd's CPU use over it; `during` runs alongside. */
export async function load(stage: Stage, spec: LoadSpec, during?: () => Promise<void>): Promise<Run> {
  const before = stage.worker.cpu();
  const [result] = await Promise.all([stage.generator.run(stage.worker.baseUrl, spec), during?.()]);
  return { result, cpu: cpuBetween(before, stage.worker.cpu()) };
}

export const median = (values: number[]) => values.toSorted((x, y) => x - y)[Math.floor((values.length - 1) / 2)] as number;

const rate = (run: Run) => run.result.requests / run.result.seconds;

/** Against the ceiling's runs, round by round: the median of each round's ratios. */
export const roundRatio = (runs: Run[], ceilingRuns: Run[]) => ({
  rps: median(runs.map((run, i) => rate(run) / rate(ceilingRuns[i] ?? run))),
  p95: median(runs.map((run, i) => run.result.p95 / (ceilingRuns[i] ?? run).result.p95)),
});

export function toRow(key: string, label: string, spec: LoadSpec, runs: Run[], note: string): ScenarioRow {
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
    rps: of(rate),
    mbps: of((r) => r.result.bytes / r.result.seconds / 1e6),
    p50: of((r) => r.result.p50),
    p95: of((r) => r.result.p95),
    p99: of((r) => r.result.p99),
    cpu: { proxy: of((r) => r.cpu.proxy), worker: of((r) => r.cpu.worker) },
    note: runs.length > 1 ? `${note}; median of ${runs.length} rounds (req/s ${runs.map((r) => Math.round(rate(r))).join(", ")})` : note,
    errors,
  };
}

export const report = (stage: Stage, row: ScenarioRow) =>
  say(
    `${stage.tag} ${row.label}: ${fmt(Math.round(row.rps))} req/s, ${row.mbps.toFixed(0)} MB/s, p50 ${row.p50.toFixed(2)} / p95 ${row.p95.toFixed(2)} / p99 ${row.p99.toFixed(2)} ms${row.errors.length ? `  ERRORS: ${row.errors.join(", ")}` : ""}`,
  );

/**
 * Scenarios whose ratios are targets run in interleaved rounds with their ceilings, the order rotated
 * each round (h a b, a b h, b h a, …); each ratio is the median of the rounds' own ratios.
 */
export async function inRounds(stage: Stage, group: Scenario[]): Promise<ScenarioRow[]> {
  const { options, tag } = stage;
  const rounds = options.quick ? 1 : HEADLINE_ROUNDS;
  const roundSeconds = roundSecondsOf(options);
  const runsOf = new Map<string, Run[]>();
  progress(`${tag} warming up…`);
  for (const s of group) {
    await s.before?.();
    await stage.generator.run(stage.worker.baseUrl, { ...s.spec, durationSeconds: options.quick ? 1 : 2 });
  }
  for (let round = 1; round <= rounds; round++) {
    const order = group.map((_, i) => group[(i + round - 1) % group.length] as Scenario);
    for (const s of order) {
      progress(`${tag} ${s.label}: round ${round}/${rounds}, ${roundSeconds} s…`);
      await s.before?.();
      runsOf.set(s.key, [...(runsOf.get(s.key) ?? []), await load(stage, { ...s.spec, durationSeconds: roundSeconds })]);
    }
  }
  const rows: ScenarioRow[] = [];
  for (const s of group) {
    const runs = runsOf.get(s.key) ?? [];
    const row = toRow(s.key, s.label, { ...s.spec, durationSeconds: roundSeconds }, runs, s.note);
    if (s.ceiling) {
      row.ceiling = s.ceiling;
      row.ratio = roundRatio(runs, runsOf.get(s.ceiling) ?? []);
    }
    rows.push(row);
    report(stage, row);
  }
  return rows;
}

/** A headline round's length: the whole duration when --quick (one round), else half of it (at least 2 s). */
export const roundSecondsOf = (options: BenchOptions) =>
  options.quick ? options.durationSeconds : Math.max(2, Math.round(options.durationSeconds / 2));
