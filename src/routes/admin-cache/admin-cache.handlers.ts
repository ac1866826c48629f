/** Staff cache operations (docs/cache.md, "Versions and epochs"). */
import type { AppRouteHandler } from "../../http/router";
import { log } from "../../log";
import type * as routes from "./admin-cache.routes";

export const reset: AppRouteHandler<typeof routes.reset> = async (c) => {
  const at = await c.var.services.catalog.startNewEpoch();
  log.info("catalog_reset", { actor: c.var.principal?.subject ?? null, requestId: c.var.requestId, ...at });
  return c.json({ epoch: at.epoch, version: at.version }, 200, { "Cache-Control": "no-store" });
};
