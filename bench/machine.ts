/** What the numbers were measured on, for the summary and docs/benchmarks.md. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { ACCEPT_ENCODING } from "./load";
import { HEADLINE_ROUNDS, roundSecondsOf } from "./measure";
import type { BenchOptions } from "./options";
import type { MachineInfo } from "./report";
import { ROOT } from "./service";

export function machineInfo(setup: {
  argv: readonly string[];
  options: BenchOptions;
  kind: "embedded" | "postgres";
  postgresVersion: string | undefined;
  databaseVersion: string;
  loadGenerator: string;
}): MachineInfo {
  const { argv, options, kind, postgresVersion, databaseVersion } = setup;
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
    cpu: `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    node: process.version,
    workerd: commandVersion(join(ROOT, "node_modules/.bin/workerd"), ["--version"]).replace(/^workerd /, ""),
    wrangler: (JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")) as { version: string }).version,
    database: `${kind === "embedded" ? "PGlite (embedded, in memory) behind pglite-socket" : postgresVersion ? `temporary local cluster (--postgres, fsync off), ${postgresVersion}` : "DATABASE_URL's server, throwaway database"}; reports \`${databaseVersion}\`; reached through the Neon driver and the local WebSocket proxy, as the Worker does`,
    loadGenerator: setup.loadGenerator,
    acceptEncoding: ACCEPT_ENCODING,
    path: "HTTP/1.1 keep-alive on 127.0.0.1 into `wrangler dev`'s port: wrangler's proxy runtime, then the workerd runtime running the Worker; the same for every scenario, the ceiling (h) included",
    settings: options.quick
      ? `${options.connections} connections (c: 1), ${options.durationSeconds} s per scenario; 1 s warm-up of (h), (a), (b)`
      : `${options.connections} connections (c: 1), ${options.durationSeconds} s per scenario after a 2 s warm-up; (h), (a), (b) in ${HEADLINE_ROUNDS} interleaved, rotated rounds of ${roundSecondsOf(options)} s, medians reported, ratios = median of each round's ratio`,
  };
}

function commandVersion(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return existsSync(command) ? "unknown" : "not installed";
  }
}
