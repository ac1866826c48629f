/** Served by the catalog responder (catalog/responder.ts) from the cache (docs/cache.md); the inference gate here. */
import { historyPage, respondAsOf } from "../../catalog/as-of";
import { legacyHeaders } from "../../catalog/http-caching";
import { respondWithList, respondWithModel } from "../../catalog/responder";
import { publicListView } from "../../catalog/views";
import { grantBody } from "../../gate/decision";
import { checkGate } from "../../gate/gate";
import type { AppRouteHandler } from "../../http/router";
import type * as routes from "./public-models.routes";

export const list: AppRouteHandler<typeof routes.list> = (c) => respondWithList(c, publicListView, c.req.valid("query"));

export const detail: AppRouteHandler<typeof routes.detail> = (c) => {
  const { id } = c.req.valid("param");
  const { at } = c.req.valid("query");
  return at === undefined ? respondWithModel(c, publicListView, id) : respondAsOf(c, id, at);
};

export const history: AppRouteHandler<typeof routes.history> = async (c) => {
  const { after, limit } = c.req.valid("query");
  return c.json(await historyPage(c, c.req.valid("param").id, after === undefined ? undefined : Number(after), limit), 200);
};

// The inference gate: the platform asks this before every completion (the decision: src/gate/decision.ts).
export const access: AppRouteHandler<typeof routes.access> = async (c) => {
  const { id } = c.req.valid("param");
  const flushTo = { queue: c.env.USAGE_QUEUE, waitUntil: (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise) };
  const { decision, outcome } = await checkGate(c.get("services").catalog, id, c.get("principal"), flushTo);
  if (decision.refusal) throw decision.refusal;
  return c.json(grantBody(decision, id), 200, {
    "Cache-Control": "private, no-store",
    "X-Cache": outcome,
    ...legacyHeaders(decision.model?.legacy_info),
  });
};
