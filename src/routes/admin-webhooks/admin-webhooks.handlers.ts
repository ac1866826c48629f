/** Writes go through webhooks/endpoints.ts, reads come from queries/webhooks.ts. */
import { ApiError } from "../../http/errors";
import type { AppRouteHandler } from "../../http/router";
import { deliveriesOf, endpointById, listEndpoints } from "../../queries/webhooks";
import { createEndpoint, deleteEndpoint, rotateEndpointSecret } from "../../webhooks/endpoints";
import { toDelivery, toWebhook } from "./admin-webhook";
import type * as routes from "./admin-webhooks.routes";

/** Ids are wh_ + hex; anything outside this (NUL, 10 KB, "../") is refused without a lookup, the rest is looked up. */
const WEBHOOK_ID_PATTERN = /^[\w.:-]{1,100}$/;

function webhookId(id: string): string {
  if (!WEBHOOK_ID_PATTERN.test(id)) throw new ApiError("not_found", "no such webhook");
  return id;
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const { services, config, principal } = c.var;
  const { endpoint, secret } = await createEndpoint(
    services.db,
    services.secretBox,
    config,
    c.req.valid("json"),
    principal?.subject ?? "unknown",
  );
  return c.json({ webhook: toWebhook(endpoint), secret }, 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const rows = await listEndpoints(c.var.services.db);
  return c.json({ webhooks: rows.map(toWebhook) }, 200);
};

export const deliveries: AppRouteHandler<typeof routes.deliveries> = async (c) => {
  const id = webhookId(c.req.valid("param").id);
  const { limit, before } = c.req.valid("query");
  if (!(await endpointById(c.var.services.db, id))) throw new ApiError("not_found", `webhook ${id} does not exist`);
  const page = await deliveriesOf(c.var.services.db, id, limit, before);
  return c.json({ deliveries: page.deliveries.map(toDelivery), next_cursor: page.nextCursor ?? null }, 200);
};

export const rotateSecret: AppRouteHandler<typeof routes.rotateSecret> = async (c) => {
  const secret = await rotateEndpointSecret(c.var.services.db, c.var.services.secretBox, webhookId(c.req.valid("param").id));
  return c.json({ secret }, 200);
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  await deleteEndpoint(c.var.services.db, webhookId(c.req.valid("param").id));
  return c.body(null, 204);
};
