/**
 * The service the browser tests drive, started as `npm run dev` would be but
 * throwaway: an in-memory PGlite behind the WebSocket proxy, migrations, the
 * seed catalog, and `wrangler dev` on a free loopback port (never 8787) with
 * its own JWT secret and an empty KV. Everything stops when the run ends.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../../scripts/bench-db";
import { connect } from "../../scripts/database";
import { startLocalDatabase } from "../../scripts/local-db";
import { migrate, readMigrations } from "../../scripts/migrations";
import { SEED_MODELS } from "../../scripts/seed-catalog";
import { insertSeeds } from "../../scripts/seeding";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    jwt: { secret: string; issuer: string; audience: string };
  }
}

const ROOT = new URL("../..", import.meta.url).pathname;
const ISSUER = "model-catalog-e2e";
const AUDIENCE = "model-catalog";

export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    const database = await startLocalDatabase({ dataDir: "memory://" });
    stops.push(() => database.stop());
    const client = await connect(database.databaseUrl, database.wsProxy);
    try {
      await migrate(client, readMigrations());
      await insertSeeds(client, SEED_MODELS);
    } finally {
      await client.end();
    }

    const secret = randomBytes(32).toString("hex");
    const workDir = mkdtempSync(join(tmpdir(), "catalog-e2e-"));
    stops.push(async () => rmSync(workDir, { recursive: true, force: true }));
    const baseUrl = await startWrangler(workDir, stops, {
      DATABASE_URL: database.databaseUrl,
      DB_WS_PROXY: database.wsProxy,
      JWT_SECRET: secret,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
    project.provide("baseUrl", baseUrl);
    project.provide("jwt", { secret, issuer: ISSUER, audience: AUDIENCE });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}

async function startWrangler(workDir: string, stops: Array<() => Promise<void>>, vars: Record<string, string>): Promise<string> {
  const port = await freePort();
  const inspectorPort = await freePort();
  // An env file (even empty) makes wrangler skip .dev.vars, which belongs to `npm run dev`.
  const envFile = join(workDir, "e2e.env");
  writeFileSync(envFile, "");
  const logFile = join(workDir, "wrangler.log");
  const log = openSync(logFile, "a");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      join(workDir, "state"),
      "--env-file",
      envFile,
      "--log-level",
      "warn",
      ...Object.entries(vars).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
    },
  );
  closeSync(log);
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  stops.push(async () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    for (let i = 0; i < 50 && !exited; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const tail = () => readFileSync(logFile, "utf8").trim().split("\n").slice(-20).join("\n");
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (exited) throw new Error(`wrangler dev exited during startup:\n${tail()}`);
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer /healthz within 150 s:\n${tail()}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return baseUrl;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
