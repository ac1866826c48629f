/**
 * A throwaway service seeded as `npm run dev` seeds it, for the tests that
 * drive the real Worker (the browser tests, the catalog CLI, content codings):
 * an in-memory PGlite behind the WebSocket proxy, the migrations, the curated
 * models and aliases, then `wrangler dev` (scripts/lib/wrangler-dev.ts) with a
 * JWT secret of its own. `stop` undoes all of it, last started first.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "./database";
import { startLocalDatabase } from "./local-db";
import { migrate, readMigrations } from "./migrations";
import { rateLimitVars, withRateLimit } from "./rate-limit-settings";
import { seedCuratedCatalog } from "./seeding";
import { startWranglerDev } from "./wrangler-dev";

const ROOT = new URL("../..", import.meta.url).pathname;
const AUDIENCE = "model-catalog";

export interface SeededServiceOptions {
  /** Names its temporary folder and its JWT issuer, so that a leftover says whose it was. */
  name: string;
  /**
   * Requests a minute per key for every rate-limit binding (and the settings
   * that advertise them), for a test that sends more than wrangler.toml allows.
   */
  rateLimit?: number;
  readyWithinMs?: number;
}

export interface SeededService {
  baseUrl: string;
  /** The service's temporary folder (wrangler's log, its KV), removed by stop. */
  workDir: string;
  database: { url: string; wsProxy: string };
  jwt: { secret: string; issuer: string; audience: string };
  stop: () => Promise<void>;
}

export async function startSeededService(options: SeededServiceOptions): Promise<SeededService> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => {});
  };
  try {
    const database = await startLocalDatabase({ dataDir: "memory://" });
    stops.push(() => database.stop());
    const client = await connect(database.databaseUrl, database.wsProxy);
    try {
      await migrate(client, readMigrations());
      await seedCuratedCatalog(client);
    } finally {
      await client.end();
    }
    const workDir = mkdtempSync(join(tmpdir(), `${options.name}-`));
    stops.push(async () => rmSync(workDir, { recursive: true, force: true }));
    // The copy stands beside wrangler.toml so that its relative paths resolve alike.
    let config: string | undefined;
    if (options.rateLimit !== undefined) {
      const copy = join(ROOT, `.wrangler-${options.name}-${process.pid}.toml`);
      writeFileSync(copy, withRateLimit(readFileSync(join(ROOT, "wrangler.toml"), "utf8"), options.rateLimit));
      stops.push(async () => rmSync(copy, { force: true }));
      config = copy;
    }
    const jwt = { secret: randomBytes(32).toString("hex"), issuer: options.name, audience: AUDIENCE };
    const wrangler = await startWranglerDev({
      workDir,
      ...(config && { config }),
      readyWithinMs: options.readyWithinMs ?? 150_000,
      vars: {
        DATABASE_URL: database.databaseUrl,
        DB_WS_PROXY: database.wsProxy,
        JWT_SECRET: jwt.secret,
        JWT_ISSUER: jwt.issuer,
        JWT_AUDIENCE: jwt.audience,
        ...(options.rateLimit !== undefined && rateLimitVars(options.rateLimit)),
      },
    });
    stops.push(wrangler.stop);
    return { baseUrl: wrangler.baseUrl, workDir, database: { url: database.databaseUrl, wsProxy: database.wsProxy }, jwt, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
