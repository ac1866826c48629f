/**
 * Staff webhook endpoints: create (the secret is shown once), list, rotate
 * the secret, delete, and the delivery log of one endpoint.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "../../drizzle/schema";
import { requireAdmin } from "../auth/middleware";
import { ChangeEventTypeSchema } from "../changes/events";
import { jsonBody } from "../http/body";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { validate } from "../http/validate";
import { deliveriesOf, endpointById, listEndpoints } from "../queries/webhooks";
import { createEndpoint, deleteEndpoint, rotateEndpointSecret } from "../webhooks/endpoints";

export const CreateWebhookSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  events: z.array(ChangeEventTypeSchema).max(20).optional(),
  description: z.string().trim().max(500).optional(),
});

export const DeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});

const WEBHOOK_ID_PATTERN = /^wh_[0-9a-f]{24}$/;

function webhookIdParam(id: string | undefined): string {
  if (!id || !WEBHOOK_ID_PATTERN.test(id)) throw new ApiError("not_found", "no such webhook");
  return id;
}

export const webhookView = (row: WebhookEndpointRow) => ({
  id: row.id,
  url: row.url,
  events: row.events,
  description: row.description,
  created_at: row.createdAt.toISOString(),
});

export const deliveryView = (row: WebhookDeliveryRow) => ({
  event_id: row.eventId,
  attempt: row.attempt,
  outcome: row.outcome,
  status_code: row.statusCode,
  error: row.error,
  attempted_at: row.attemptedAt.toISOString(),
  next_retry_at: row.nextRetryAt?.toISOString() ?? null,
});

export const adminWebhooks = new Hono<AppEnv>()
  .use(requireAdmin)
  .use(async (c, next) => (c.req.method === "POST" ? jsonBody(c, next) : next()))

  .post("/", validate("json", CreateWebhookSchema), async (c) => {
    const { services, config, principal } = c.var;
    const { endpoint, secret } = await createEndpoint(
      services.db,
      services.secretBox,
      config,
      c.req.valid("json"),
      principal?.subject ?? "unknown",
    );
    return c.json({ webhook: webhookView(endpoint), secret }, 201);
  })

  .get("/", async (c) => {
    const rows = await listEndpoints(c.var.services.db);
    return c.json({ webhooks: rows.map(webhookView) });
  })

  .get("/:id/deliveries", validate("query", DeliveriesQuerySchema), async (c) => {
    const id = webhookIdParam(c.req.param("id"));
    const { limit, before } = c.req.valid("query");
    if (!(await endpointById(c.var.services.db, id))) throw new ApiError("not_found", `webhook ${id} does not exist`);
    const { deliveries, nextCursor } = await deliveriesOf(c.var.services.db, id, limit, before);
    return c.json({ deliveries: deliveries.map(deliveryView), next_cursor: nextCursor ?? null });
  })

  .post("/:id/rotate-secret", async (c) => {
    const secret = await rotateEndpointSecret(c.var.services.db, c.var.services.secretBox, webhookIdParam(c.req.param("id")));
    return c.json({ secret });
  })

  .delete("/:id", async (c) => {
    await deleteEndpoint(c.var.services.db, webhookIdParam(c.req.param("id")));
    return c.body(null, 204);
  });
