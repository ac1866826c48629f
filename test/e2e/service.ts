/**
 * The service the browser tests drive, started as `npm run dev` would be but
 * throwaway: an in-memory PGlite behind the WebSocket proxy, migrations, the
 * seed catalog, and `wrangler dev` on a free loopback port (never 8787) with
 * its own JWT secret and an empty KV. Everything stops when the run ends.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { SEED_MODELS } from "../../scripts/data/seed-catalog";
import { connect } from "../../scripts/lib/database";
import { startLocalDatabase } from "../../scripts/lib/local-db";
import { migrate, readMigrations } from "../../scripts/lib/migrations";
import { insertSeeds } from "../../scripts/lib/seeding";
import { startWranglerDev } from "../../scripts/lib/wrangler-dev";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    jwt: { secret: string; issuer: string; audience: string };
    /** The service's database, for tests that seed what the Worker only writes in the background (usage rollups). */
    database: { url: string; wsProxy: string };
  }
}

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
    const wrangler = await startWranglerDev({
      workDir,
      readyWithinMs: 150_000,
      vars: {
        DATABASE_URL: database.databaseUrl,
        DB_WS_PROXY: database.wsProxy,
        JWT_SECRET: secret,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
      },
    });
    stops.push(wrangler.stop);
    project.provide("baseUrl", wrangler.baseUrl);
    project.provide("jwt", { secret, issuer: ISSUER, audience: AUDIENCE });
    project.provide("database", { url: database.databaseUrl, wsProxy: database.wsProxy });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
