/**
 * Where the catalog lives for a bench run: a throwaway database, never the
 * dev server's (the embedded one is made in run.ts; this is the PostgreSQL side).
 */
import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, redact } from "../scripts/lib/database";
import { freePort } from "../scripts/lib/free-port";
import { startLocalDatabase } from "../scripts/lib/local-db";
import { onCleanup } from "./cleanup";

export interface BenchDatabase {
  /** What the Worker and the bench connect to. */
  databaseUrl: string;
  label: string;
  kind: "embedded" | "postgres";
  stop(): Promise<void>;
}

/**
 * This size's database and the WebSocket proxy the Worker reaches it through:
 * a fresh in-memory PGlite, or a throwaway database on `serverUrl`'s server.
 * Both are stopped by cleanup(), or by cleanupSince(`stop`) before the next size.
 */
export async function benchDatabase(
  serverUrl: string | undefined,
): Promise<{ database: BenchDatabase; wsProxy: string; stop: () => Promise<void> }> {
  const local = await startLocalDatabase(serverUrl ? { databaseUrl: serverUrl } : { dataDir: "memory://" });
  onCleanup(local.stop);
  const database: BenchDatabase = serverUrl
    ? await throwawayDatabase(serverUrl, local.wsProxy)
    : { databaseUrl: local.databaseUrl, label: "embedded PGlite, in memory", kind: "embedded", stop: async () => {} };
  onCleanup(database.stop);
  return { database, wsProxy: local.wsProxy, stop: local.stop };
}

/** The server's version() line, without the build details. */
export async function databaseVersion(database: BenchDatabase, wsProxy: string): Promise<string> {
  const probe = await connect(database.databaseUrl, wsProxy);
  const { rows } = await probe.query("SELECT version() AS version");
  await probe.end();
  return String(rows[0]?.version ?? "")
    .replace(/ on .*?,/, ",")
    .replace(/, compiled by [^,]*,?/, ",");
}

/**
 * A database created for this run on the server DATABASE_URL names, dropped
 * afterwards, so a shared or development database is never touched.
 */
async function throwawayDatabase(serverUrl: string, wsProxy: string): Promise<BenchDatabase> {
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
