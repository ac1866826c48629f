import type { Context } from "hono";
import type { AppEnv } from "../../http/context";
import { ifMatchVersion } from "../../http/if-match";
import type { AppRouteHandler } from "../../http/router";
import { listScheduledChanges } from "../../queries/scheduled-changes";
import type * as routes from "./admin-scheduled-changes.routes";
import { toScheduledChange } from "./scheduled-change";

/** The caller's scheduling writes; with an Idempotency-Key, the 201 answer is saved in the write's transaction. */
function scheduling(c: Context<AppEnv>) {
  const claim = c.var.idempotencyClaim;
  return c.var.services.scheduledChanges(
    c.var.principal?.subject ?? "unknown",
    claim && { claim, answer: (row) => ({ status: 201, body: { scheduled_change: toScheduledChange(row) } }) },
  );
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const row = await scheduling(c).schedule(c.req.valid("json"), new Date(), ifMatchVersion(c.req.header("If-Match")));
  return c.json({ scheduled_change: toScheduledChange(row) }, 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const rows = await listScheduledChanges(c.var.services.db, c.req.valid("query"));
  return c.json({ scheduled_changes: rows.map(toScheduledChange) }, 200);
};

export const cancel: AppRouteHandler<typeof routes.cancel> = async (c) => {
  await scheduling(c).cancel(c.req.valid("param").id);
  return c.body(null, 204);
};
