/**
 * Liveness never touches the database: it is what load balancers and uptime
 * checks hit, unauthenticated and often. Readiness probes the database, but at
 * most once per PROBE_INTERVAL_MS per isolate and deployment: other requests
 * get the latest result, so /healthz/ready cannot be used to open database
 * connections at will. Only results are shared between requests, never an
 * in-flight probe (a Worker may not await another request's I/O).
 */
import type { Database } from "../../db/client";
import { describeError } from "../../http/failures";
import type { AppRouteHandler } from "../../http/router";
import { log } from "../../log";
import { pingDatabase } from "../../queries/database";
import type * as routes from "./health.routes";

/** How long readiness waits for the database before calling it down. */
const DATABASE_PROBE_TIMEOUT_MS = 3000;
/** How long a probe's result answers readiness before the next probe. */
export const PROBE_INTERVAL_MS = 5000;

interface Probe {
  reachable: boolean;
  latencyMs?: number;
  at: number;
}

interface ProbeState {
  latest?: Probe;
  /** Set while a probe runs: requests meanwhile answer with the latest result instead of probing too. */
  probingSince?: number;
}

/** Per environment (a deployment's bindings object), so a test's broken environment has its own. */
const probes = new WeakMap<object, ProbeState>();

export const liveness: AppRouteHandler<typeof routes.liveness> = (c) =>
  c.json({ status: "ok" as const }, 200, { "Cache-Control": "no-store" });

export const readiness: AppRouteHandler<typeof routes.readiness> = async (c) => {
  const state = probes.get(c.env) ?? {};
  probes.set(c.env, state);
  const now = Date.now();
  const fresh = state.latest !== undefined && now - state.latest.at < PROBE_INTERVAL_MS;
  const probing = state.probingSince !== undefined && now - state.probingSince < DATABASE_PROBE_TIMEOUT_MS * 2;
  // Only a cold isolate (no result yet) lets concurrent requests probe together.
  if (!fresh && !(probing && state.latest)) {
    state.probingSince = now;
    try {
      state.latest = await probeDatabase(c.var.services.db, c.var.requestId);
    } finally {
      state.probingSince = undefined;
    }
  }
  const probe = state.latest as Probe;
  const checkedAt = new Date(probe.at).toISOString();
  if (probe.reachable) {
    return c.json({ status: "ok" as const, database: { reachable: true, latency_ms: probe.latencyMs, checked_at: checkedAt } }, 200, {
      "Cache-Control": "no-store",
    });
  }
  return c.json({ status: "degraded" as const, database: { reachable: false, checked_at: checkedAt } }, 503, {
    "Cache-Control": "no-store",
    "Retry-After": "5",
  });
};

async function probeDatabase(db: Database, requestId: string): Promise<Probe> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  try {
    await Promise.race([
      pingDatabase(db),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PROBE_TIMEOUT_MS} ms`)), DATABASE_PROBE_TIMEOUT_MS);
      }),
    ]);
    return { reachable: true, latencyMs: Date.now() - started, at: started };
  } catch (error) {
    log.warn("healthz_database_unreachable", { requestId, error: describeError(error) });
    return { reachable: false, at: started };
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
