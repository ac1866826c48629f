/**
 * npm run dev: the service on localhost:8787 with nothing else installed.
 * Starts the embedded database (or uses DATABASE_URL) and its proxy, applies
 * migrations, seeds an empty catalog, then runs `wrangler dev` with the cron
 * test route. Ctrl-C stops everything.
 */
import { spawn } from "node:child_process";
import { rmSync, unlinkSync, writeFileSync } from "node:fs";
import { connect, DEV_STATE_FILE, EMBEDDED_DATA_DIR, redact, runCli } from "./lib/database";
import { writeDevVars } from "./lib/dev-settings";
import { startLocalDatabase } from "./lib/local-db";
import { migrate, readMigrations } from "./lib/migrations";
import { seedCuratedCatalog } from "./lib/seeding";

const PORT = Number(process.env.PORT ?? 8787);
const LOCAL_KV_STATE = new URL("../.wrangler/state/v3/kv", import.meta.url).pathname;

await runCli(async () => {
  const database = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: EMBEDDED_DATA_DIR });
  const label = database.embedded ? `embedded PGlite in ${EMBEDDED_DATA_DIR}` : redact(database.databaseUrl);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      unlinkSync(DEV_STATE_FILE);
    } catch {}
    await database.stop();
    process.exit(code);
  };

  try {
    const client = await connect(database.databaseUrl, database.wsProxy).catch((error: Error) => {
      throw new Error(`cannot reach the database (${label}): ${error.message}`);
    });
    try {
      const applied = await migrate(client, readMigrations());
      const seeded = await seedCuratedCatalog(client);
      console.log(`database: ${label}; ${applied.length} migration(s) applied; ${seeded.models} seed model(s) added`);
    } finally {
      await client.end();
    }
  } catch (error) {
    await database.stop();
    throw error;
  }

  writeDevVars(database);
  writeFileSync(DEV_STATE_FILE, JSON.stringify({ pid: process.pid, databaseUrl: database.databaseUrl, wsProxy: database.wsProxy }));
  // The local KV is only a cache of the database; start it empty so it cannot outlive a reset database.
  rmSync(LOCAL_KV_STATE, { recursive: true, force: true });

  const wrangler = spawn("wrangler", ["dev", "--port", String(PORT), "--ip", "127.0.0.1", "--test-scheduled"], {
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  console.log(`catalog API starting on http://localhost:${PORT} (try: curl localhost:${PORT}/v1/models)`);
  wrangler.on("exit", (code) => void stop(code ?? 0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      wrangler.kill("SIGINT");
      setTimeout(() => void stop(0), 3000).unref();
    });
  }
});
