import { describeError } from "../../http/failures";
import type { AppRouteHandler } from "../../http/router";
import { log } from "../../log";
import { pingDatabase } from "../../queries/database";
import type * as routes from "./health.routes";

/** How long /healthz waits for the database before calling it down. */
const DATABASE_PROBE_TIMEOUT_MS = 3000;

export const health: AppRouteHandler<typeof routes.health> = async (c) => {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  try {
    await Promise.race([
      pingDatabase(c.var.services.db),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PROBE_TIMEOUT_MS} ms`)), DATABASE_PROBE_TIMEOUT_MS);
      }),
    ]);
    return c.json({ status: "ok" as const, database: { reachable: true, latency_ms: Date.now() - started } }, 200, {
      "Cache-Control": "no-store",
    });
  } catch (error) {
    log.warn("healthz_database_unreachable", { requestId: c.var.requestId, error: describeError(error) });
    return c.json({ status: "degraded" as const, database: { reachable: false } }, 503, {
      "Cache-Control": "no-store",
      "Retry-After": "5",
    });
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
};
