/**
 * How the Node scripts (migrate, seed, dev, bench, tests' global setup) reach
 * the database: the same Neon driver the Worker uses, through the local
 * WebSocket proxy.
 */
import { existsSync, readFileSync } from "node:fs";
import { Client, neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { type LocalDatabase, startLocalDatabase } from "./local-db";

export const EMBEDDED_DATA_DIR = new URL("../../.data/pglite", import.meta.url).pathname;
/** Written by `npm run dev` while it runs, so other scripts use its database instead of opening PGlite twice. */
export const DEV_STATE_FILE = new URL("../../.data/dev-server.json", import.meta.url).pathname;

export function useProxy(wsProxy: string) {
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

export async function connect(databaseUrl: string, wsProxy: string): Promise<Client> {
  useProxy(wsProxy);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}

/** A running dev server's database, if one is up. */
export function runningDevDatabase(): { databaseUrl: string; wsProxy: string } | undefined {
  if (!existsSync(DEV_STATE_FILE)) return undefined;
  try {
    const state = JSON.parse(readFileSync(DEV_STATE_FILE, "utf8"));
    process.kill(state.pid, 0);
    return { databaseUrl: state.databaseUrl, wsProxy: state.wsProxy };
  } catch {
    return undefined;
  }
}

/**
 * Runs `work` with a connected client: DATABASE_URL if set, else the running
 * dev server's database, else the embedded one opened for the duration.
 */
export async function withDatabase<T>(work: (client: Client, target: string) => Promise<T>): Promise<T> {
  const running = process.env.DATABASE_URL ? undefined : runningDevDatabase();
  let local: LocalDatabase | undefined;
  let target: { databaseUrl: string; wsProxy: string };
  let label: string;
  if (running) {
    target = running;
    label = "the running dev server's database";
  } else {
    local = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: EMBEDDED_DATA_DIR });
    target = local;
    label = local.embedded ? `embedded PGlite (${EMBEDDED_DATA_DIR})` : redact(target.databaseUrl);
  }
  let client: Client | undefined;
  try {
    client = await connect(target.databaseUrl, target.wsProxy).catch((error: Error) => {
      throw new Error(`cannot reach the database at ${label}: ${error.message}`);
    });
    return await work(client, label);
  } finally {
    await client?.end().catch(() => {});
    await local?.stop();
  }
}

/** A database URL without its password, for messages. */
export function redact(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

/** Exits with one clear line instead of a stack trace. */
export async function runCli(main: () => Promise<void>) {
  try {
    await main();
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
