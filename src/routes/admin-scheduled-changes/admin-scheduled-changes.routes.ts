/** Staff plan lifecycle changes for later; the cron applies them (docs/scheduled-changes.md). */
import { createRoute, z } from "@hono/zod-openapi";
import { ModelIdSchema } from "../../domain/model-meta";
import { storedText } from "../../domain/text";
import { adminSecurity, errorResponses, jsonBody, jsonContent } from "../../http/openapi";
import { EmptyRequestSchema } from "../../lifecycle/inputs";
import { ScheduleChangeSchema } from "../../scheduled-changes/inputs";
import { ScheduledChangeSchema, ScheduledChangeStatusSchema } from "./scheduled-change";

const tags = ["Admin: scheduled changes"];

const AnswerSchema = z.strictObject({ scheduled_change: ScheduledChangeSchema }).openapi("ScheduledChangeAnswer");

export const create = createRoute({
  method: "post",
  path: "/admin/scheduled-changes",
  operationId: "scheduleModelChange",
  tags,
  summary: "Schedule a change",
  description:
    "`body` is what the immediate route takes (400 with the same issues, under `body`). `effectiveAt` at least 60 s and at most 2 years ahead. 404 for an unknown model; 409 when the action will not be legal at `effectiveAt` (the model as the pending changes before it leave it). With `If-Match`, the change applies only if the model is still at that version (else it fails).",
  security: adminSecurity,
  request: {
    headers: z.object({
      "idempotency-key": storedText().max(255).optional().openapi({ description: "A retry with the same key gets the first answer back" }),
      "if-match": storedText().max(64).optional().openapi({ description: 'The model version planned against, e.g. "3"' }),
    }),
    body: jsonBody(ScheduleChangeSchema),
  },
  responses: { 201: jsonContent(AnswerSchema, "Scheduled (pending)"), ...errorResponses(403, 404, 409, 413, 415, 422) },
});

export const list = createRoute({
  method: "get",
  path: "/admin/scheduled-changes",
  operationId: "listScheduledChanges",
  tags,
  summary: "Scheduled changes, soonest first",
  description: "Every scheduled change, soonest first, optionally only those with one `status` or of one `model`.",
  security: adminSecurity,
  request: { query: z.strictObject({ status: ScheduledChangeStatusSchema.optional(), model: ModelIdSchema.optional() }) },
  responses: {
    200: jsonContent(z.strictObject({ scheduled_changes: z.array(ScheduledChangeSchema) }).openapi("ScheduledChangeList"), "Soonest first"),
    ...errorResponses(403),
  },
});

export const cancel = createRoute({
  method: "delete",
  path: "/admin/scheduled-changes/{id}",
  operationId: "cancelScheduledChange",
  tags,
  summary: "Cancel a pending change",
  description:
    "Cancels a pending change (a model.change_cancelled event when it was announced); 409 once it is applied, failed or cancelled.",
  security: adminSecurity,
  request: {
    params: z.object({
      // Text the database can hold (no NUL): anything else names nothing, 404 without a lookup (http/router.ts).
      id: storedText()
        .max(100)
        .regex(/^[A-Za-z0-9_-]{1,100}$/)
        .openapi({ param: { name: "id", in: "path" }, example: "sc_3f0c2b8e6d1a4d2f9d0e5a7c1b2e4f60" }),
    }),
    body: jsonBody(EmptyRequestSchema),
  },
  responses: { 204: { description: "Cancelled" }, ...errorResponses(403, 404, 409, 413, 415) },
});
