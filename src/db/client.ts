/**
 * Database access for one request: a Neon Pool over WebSocket, created on
 * first use and closed after the response (waitUntil). Locally the same
 * driver goes through the WebSocket proxy named by DB_WS_PROXY.
 */
import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import * as schema from "../../drizzle/schema";
import type { Config } from "../config";

export type Database = ReturnType<typeof drizzle<typeof schema>>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

let configuredProxy: string | undefined;

function configureDriver(wsProxy: string | undefined) {
  if (!wsProxy || configuredProxy === wsProxy) return;
  neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  configuredProxy = wsProxy;
}

export interface DatabaseHandle {
  db: Database;
  close(): Promise<void>;
}

export function openDatabase(config: Pick<Config, "DATABASE_URL" | "DB_WS_PROXY">): DatabaseHandle {
  configureDriver(config.DB_WS_PROXY);
  const pool = new Pool({ connectionString: config.DATABASE_URL, connectionTimeoutMillis: 5000, max: 4 });
  // An idle client erroring (e.g. the server going away) must not crash the isolate.
  pool.on("error", () => {});
  return { db: drizzle(pool, { schema }), close: () => pool.end() };
}
