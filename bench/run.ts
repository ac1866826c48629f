/**
 * npm run bench [-- --models 1000|10000] [--quick] [--postgres] [--duration S] [--connections C]
 *                [--only c,queries]   (a subset of the scenarios by key: a d r f i c w g y, queries; never written)
 *
 * Starts the service as `npm run dev` does (a throwaway embedded PGlite, or
 * a throwaway database on DATABASE_URL's server, or --postgres for a
 * temporary local cluster; `wrangler dev` on a free port, never 8787), seeds
 * N synthetic models, times the public API under load next to a ceiling
 * route serving the same bytes, times the JSONB queries directly, prints one
 * table and writes it to docs/benchmarks.md. See docs/benchmarks.md for what
 * each scenario measures (bench/scenarios/, one file each). Everything it
 * starts is stopped on exit, error or Ctrl-C. It fails only on real errors
 * (non-2xx, crashes), never on timings, unless --strict.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redact } from "../scripts/lib/database";
import { cleanup, cleanupOnSignals, cleanupSince, onCleanup } from "./cleanup";
import { benchDatabase, databaseVersion, temporaryPostgres } from "./database";
import { autocannonGenerator, findWrk, type LoadGenerator, wrkGenerator } from "./load";
import { machineInfo } from "./machine";
import { benchAt } from "./one-size";
import { type BenchOptions, parseOptions, printHelpIfAsked, unknownOption } from "./options";
import { fmt, progress, say } from "./output";
import { checkTargets, type RunResult, summary, writeDoc } from "./report";
import { ROOT } from "./service";

const DOC = join(ROOT, "docs/benchmarks.md");
const argv = process.argv.slice(2);

printHelpIfAsked(argv, import.meta.url);
const unknown = unknownOption(argv);
if (unknown) {
  console.error(`error: unknown option ${unknown} (see npm run bench -- --help)`);
  process.exit(2);
}
let options: BenchOptions;
try {
  options = parseOptions(argv);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(2);
}
cleanupOnSignals();

const workDir = mkdtempSync(join(tmpdir(), "catalog-bench-"));
onCleanup(() => rmSync(workDir, { recursive: true, force: true }));

function loadGenerator(): LoadGenerator {
  if (options.loadgen === "autocannon") return autocannonGenerator;
  const wrk = findWrk(options.install, say);
  if (wrk) return { ...wrkGenerator(workDir), name: `${wrk}, 1 thread` };
  if (options.loadgen === "wrk") throw new Error("wrk is not installed (apt-get install -y wrk)");
  say(
    `warning: wrk not found; falling back to ${autocannonGenerator.name}, which tops out near 170 MB/s: large-body numbers will be the load generator's`,
  );
  return autocannonGenerator;
}

/** Where the catalog lives: never .data/pglite (npm run dev's) nor an existing database's tables. */
async function databaseServer(): Promise<{ serverUrl: string | undefined; postgresVersion: string | undefined }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!options.postgres) return { serverUrl, postgresVersion: undefined };
  if (serverUrl) throw new Error("--postgres starts its own PostgreSQL; unset DATABASE_URL or drop --postgres");
  progress("starting a temporary PostgreSQL…");
  const pg = await temporaryPostgres();
  onCleanup(pg.stop);
  return { serverUrl: pg.url, postgresVersion: pg.version };
}

async function main() {
  const generator = loadGenerator();
  const { serverUrl, postgresVersion } = await databaseServer();
  const kind = serverUrl ? "postgres" : "embedded";
  say(
    `bench: ${options.models.map(fmt).join(" and ")} synthetic models on ${serverUrl ? redact(serverUrl) : "embedded PGlite (in memory)"}; ${generator.name}, ${options.connections} connections, ${options.durationSeconds} s per scenario${options.quick ? " (quick)" : ""}`,
  );

  const runs: RunResult[] = [];
  let version = "";
  for (const models of options.models) {
    const { database, wsProxy, stop } = await benchDatabase(serverUrl);
    version ||= await databaseVersion(database, wsProxy);
    runs.push(await benchAt(models, { options, database, wsProxy, generator, workDir }));
    // Stop this size's worker and database before the next size starts.
    await cleanupSince(stop);
  }

  const machine = machineInfo({ argv, options, kind, postgresVersion, databaseVersion: version, loadGenerator: generator.name });
  say("");
  console.log(summary(runs, machine));
  if (options.write) {
    writeDoc(DOC, kind, runs, machine);
    say(`\nwritten to docs/benchmarks.md (${kind} section)`);
  }

  const errors = runs.flatMap((run) => run.rows.flatMap((row) => row.errors.map((error) => `${fmt(run.models)} ${row.label}: ${error}`)));
  if (errors.length) {
    console.error(`\nerrors:\n${errors.map((e) => `  ${e}`).join("\n")}`);
    keepWranglerLog();
    process.exitCode = 1;
  } else if (options.strict && checkTargets(runs).some((check) => check.ok === false)) {
    console.error("\n--strict: a target was missed");
    process.exitCode = 1;
  }
}

/** The temporary directory goes away at exit; after a failure, wrangler's log is worth keeping. */
function keepWranglerLog() {
  const log = join(workDir, "wrangler.log");
  if (!existsSync(log)) return;
  const kept = join(tmpdir(), `catalog-bench-wrangler-${Date.now()}.log`);
  cpSync(log, kept);
  console.error(`wrangler's log: ${kept}`);
}

try {
  await main();
} catch (error) {
  say(`error: ${(error as Error).message}`);
  keepWranglerLog();
  process.exitCode = 1;
} finally {
  await cleanup();
}
// Drivers may keep sockets referenced; everything is stopped, so leave now.
process.exit(process.exitCode ?? 0);
