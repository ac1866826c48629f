/** How staff see a webhook endpoint (never its secret) and its delivery attempts. */
import { z } from "@hono/zod-openapi";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "../../../drizzle/schema";
import { ChangeEventTypeSchema } from "../../changes/events";

export const WebhookSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z.array(ChangeEventTypeSchema).openapi({ description: "Event types delivered; empty: every type" }),
    description: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Webhook", {
    example: {
      id: "wh_5a7c1b2e4f603f0c2b8e6d1a",
      url: "https://hooks.example.com/catalog",
      events: ["model.deprecated", "model.sunset_approaching"],
      description: "pricing page",
      created_at: "2026-11-02T10:00:00.000Z",
    },
  });

export const SecretSchema = z.string().openapi({
  description: "Standard Webhooks signing secret (whsec_ + base64). Shown only here: store it now.",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const DeliverySchema = z
  .strictObject({
    event_id: z.string(),
    attempt: z.number().int().openapi({ description: "1-8" }),
    outcome: z.enum(["delivered", "retrying", "failed"]).openapi({ description: "failed: the last attempt, given up" }),
    status_code: z.number().int().nullable().openapi({ description: "The receiver's status; null when it did not answer" }),
    error: z.string().nullable(),
    attempted_at: z.string(),
    next_retry_at: z.string().nullable(),
  })
  .openapi("WebhookDelivery");

export const toWebhook = (row: WebhookEndpointRow): z.infer<typeof WebhookSchema> => ({
  id: row.id,
  url: row.url,
  events: row.events,
  description: row.description,
  created_at: row.createdAt.toISOString(),
});

export const toDelivery = (row: WebhookDeliveryRow): z.infer<typeof DeliverySchema> => ({
  event_id: row.eventId,
  attempt: row.attempt,
  outcome: row.outcome,
  status_code: row.statusCode,
  error: row.error,
  attempted_at: row.attemptedAt.toISOString(),
  next_retry_at: row.nextRetryAt?.toISOString() ?? null,
});
