/**
 * Staff cache operations. POST /admin/cache/reset starts a new catalog epoch
 * (docs/cache.md): run it after restoring the database, so no isolate or KV
 * entry serves the catalog as it was before the restore.
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin } from "../auth/middleware";
import type { AppEnv } from "../http/context";
import { validate } from "../http/validate";
import { log } from "../log";

export const adminCache = new Hono<AppEnv>().use(requireAdmin).post("/reset", validate("json", z.strictObject({})), async (c) => {
  const at = await c.var.services.catalog.startNewEpoch();
  log.info("catalog_reset", { actor: c.var.principal?.subject ?? null, requestId: c.var.requestId, ...at });
  return c.json({ epoch: at.epoch, version: at.version });
});
