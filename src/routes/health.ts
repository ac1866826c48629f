import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { log } from "../log";

/** Liveness plus database reachability; 503 when the database does not answer. */
export const health = new Hono<AppEnv>().get("/", async (c) => {
  const started = Date.now();
  try {
    await c.var.services.db.execute(sql`select 1`);
    return c.json({ status: "ok", database: { reachable: true, latency_ms: Date.now() - started } }, 200, { "Cache-Control": "no-store" });
  } catch (error) {
    log.warn("healthz_database_unreachable", { requestId: c.var.requestId, error });
    return c.json({ status: "degraded", database: { reachable: false } }, 503, { "Cache-Control": "no-store" });
  }
});
