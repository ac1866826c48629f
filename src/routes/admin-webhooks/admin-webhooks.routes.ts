/** Staff webhook endpoints: where catalog changes are pushed (spec "Change feed and webhooks"). */
import { createRoute, z } from "@hono/zod-openapi";
import { ChangeEventTypeSchema } from "../../changes/events";
import { storedText } from "../../domain/text";
import { adminSecurity, errorResponses, jsonBody, jsonContent, NewestFirstPageQuerySchema, optionalJsonBody } from "../../http/openapi";
import { EmptyRequestSchema } from "../../lifecycle/inputs";
import { DeliverySchema, SecretSchema, WebhookSchema } from "./admin-webhook";

const tags = ["Admin: webhooks"];

export const NewWebhookSchema = z
  .strictObject({
    url: storedText().min(1).max(2048).openapi({
      description: "https:// to a public host (http://localhost and http://127.0.0.1 only where ALLOW_LOCAL_WEBHOOKS is on)",
      example: "https://hooks.example.com/catalog",
    }),
    events: z.array(ChangeEventTypeSchema).max(20).optional().openapi({ description: "Only these types; omitted: every type" }),
    description: storedText().trim().max(500).optional(),
  })
  .openapi("NewWebhook");

const WebhookIdParamSchema = z.object({
  id: z
    .string()
    .max(128)
    .openapi({ param: { name: "id", in: "path" }, example: "wh_5a7c1b2e4f603f0c2b8e6d1a" }),
});

/** Webhook bodies: 413 and 415 from the body guard. */
const BODY_ERRORS = [403, 413, 415] as const;

export const create = createRoute({
  method: "post",
  path: "/admin/webhooks",
  operationId: "createWebhook",
  tags,
  summary: "Add a webhook endpoint",
  description:
    "Its URL is checked (400 saying why when refused) but never contacted here. The signing secret is in this answer only. Deliveries are signed per Standard Webhooks; see docs/webhooks.md.",
  security: adminSecurity,
  request: { body: jsonBody(NewWebhookSchema) },
  responses: {
    201: jsonContent(z.strictObject({ webhook: WebhookSchema, secret: SecretSchema }).openapi("NewWebhookAnswer"), "Created"),
    ...errorResponses(...BODY_ERRORS),
  },
});

export const list = createRoute({
  method: "get",
  path: "/admin/webhooks",
  operationId: "listWebhooks",
  tags,
  summary: "Webhook endpoints (no secrets)",
  description: "Every registered endpoint with its URL, event filter and description, oldest first; secrets are never shown again.",
  security: adminSecurity,
  responses: {
    200: jsonContent(z.strictObject({ webhooks: z.array(WebhookSchema) }).openapi("WebhookList"), "Oldest first"),
    ...errorResponses(403),
  },
});

export const deliveries = createRoute({
  method: "get",
  path: "/admin/webhooks/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  tags,
  summary: "Delivery attempts of one endpoint, newest first",
  description: "Each attempt with its outcome, the receiver's status or error and the next retry. Paged with `before` = next_cursor.",
  security: adminSecurity,
  request: {
    params: WebhookIdParamSchema,
    query: NewestFirstPageQuerySchema,
  },
  responses: {
    200: jsonContent(
      z.strictObject({ deliveries: z.array(DeliverySchema), next_cursor: z.number().int().nullable() }).openapi("WebhookDeliveries"),
      "Every attempt, newest first",
    ),
    ...errorResponses(403, 404),
  },
});

export const rotateSecret = createRoute({
  method: "post",
  path: "/admin/webhooks/{id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  tags,
  summary: "Replace the signing secret",
  description:
    "Deliveries carry a signature with the new secret and, for 24 hours, one with the old, so receivers can switch without a gap.",
  security: adminSecurity,
  request: { params: WebhookIdParamSchema, body: optionalJsonBody(EmptyRequestSchema) },
  responses: {
    200: jsonContent(z.strictObject({ secret: SecretSchema }).openapi("RotatedSecret"), "The new secret (shown only here)"),
    ...errorResponses(...BODY_ERRORS, 404),
  },
});

export const remove = createRoute({
  method: "delete",
  path: "/admin/webhooks/{id}",
  operationId: "deleteWebhook",
  tags,
  summary: "Delete a webhook endpoint",
  description: "Nothing more is sent to it, including deliveries already queued; its delivery log goes with it.",
  security: adminSecurity,
  request: { params: WebhookIdParamSchema, body: optionalJsonBody(EmptyRequestSchema) },
  responses: { 204: { description: "Deleted" }, ...errorResponses(...BODY_ERRORS, 404) },
});
