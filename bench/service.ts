/**
 * The Worker under test: `wrangler dev` of the bench entry (bench/worker.ts:
 * the app plus the /__bench routes, which the production entry never bundles),
 * on a frozen copy of the sources.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rateLimitVars, withRateLimit } from "../scripts/lib/rate-limit-settings";
import { startWranglerDev } from "../scripts/lib/wrangler-dev";
import { onCleanup } from "./cleanup";
import { type CpuSample, processTree, workerdCpu } from "./workerd";

export const ROOT = new URL("..", import.meta.url).pathname;

export interface WorkerUnderTest {
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
  // The bench's own rate limits: its load generator must never meet them (rateLimitVars advertise the same).
  const toml = join(app, "wrangler.toml");
  writeFileSync(toml, `${withRateLimit(readFileSync(toml, "utf8"), BENCH_RATE_LIMIT)}\n${BENCH_INFERENCE_BINDING}`);
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"));
  // The one test module the bench entry imports (a "new isolate" for scenario c).
  mkdirSync(join(app, "test"));
  cpSync(join(ROOT, "test/isolate-memo.ts"), join(app, "test/isolate-memo.ts"));
  return app;
}

/** The bench's copy only: the catalog reaches the example inference Worker (bench/inference/) to forward /__bench/rpc/*. */
const BENCH_INFERENCE_BINDING = `[[services]]
binding = "BENCH_INFERENCE"
service = "inference-worker-bench"
`;

/** Requests a minute per key: far above anything the bench sends from its one address. */
const BENCH_RATE_LIMIT = 100_000_000;

export async function startWorker(workDir: string, vars: Record<string, string>): Promise<WorkerUnderTest> {
  const { baseUrl, port, inspectorPort, child, stop } = await startWranglerDev({
    workDir,
    vars: { ...vars, ...rateLimitVars(BENCH_RATE_LIMIT) },
    entry: "bench/worker.ts",
    auxiliaryConfigs: ["bench/inference/wrangler.toml"],
    cwd: snapshotSources(workDir),
  });
  onCleanup(stop);
  // wrangler's runtimes are up once /healthz answers; they keep their pids for the run.
  const tree = processTree(child.pid ?? -1);
  return { baseUrl, inspectorPort, cpu: () => workerdCpu(tree, port), stop };
}
