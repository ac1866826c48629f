/** Who still calls a model (spec Part 3): the gate's decisions, as hourly rollups, for staff. */
import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, errorResponses, jsonContent, ModelIdParamSchema } from "../../http/openapi";
import { UsageWindowSchema } from "../../usage/window";

const tags = ["Admin: usage"];

const windowParam = UsageWindowSchema.default("7d").openapi({
  description: "The whole UTC hours read: the current one and the 23, 167 or 719 before it (400 for anything else)",
});
const formatParam = z.enum(["json", "csv"]).default("json").openapi({ description: "csv: RFC 4180, with a header row" });

const TopCallerSchema = z.strictObject({
  caller: z.string().openapi({ description: "The token's sub, or anonymous" }),
  calls: z.number().int(),
  last_seen: z.string().openapi({ description: "The caller's last decision on this model in the window (ISO 8601)" }),
});

const ModelUsageSchema = z
  .strictObject({
    model_id: z.string(),
    window: UsageWindowSchema,
    calls: z.number().int().openapi({ description: "Gate decisions on the model, allowed and refused" }),
    refused: z.number().int(),
    callers: z.number().int().openapi({ description: "Distinct callers" }),
    top_callers: z.array(TopCallerSchema).openapi({ description: "Up to 10, most calls first" }),
    by_hour: z
      .array(z.strictObject({ hour: z.string(), calls: z.number().int() }))
      .openapi({ description: "Every hour of the window, oldest first (0 when no call)" }),
  })
  .openapi("ModelUsage");

const CallerUsageSchema = TopCallerSchema.extend({ refused: z.number().int() });

const ModelCallersSchema = z
  .strictObject({ model_id: z.string(), window: UsageWindowSchema, callers: z.array(CallerUsageSchema) })
  .openapi("ModelCallers");

const LegacyUsageSchema = z
  .strictObject({
    window: UsageWindowSchema,
    models: z.array(
      z.strictObject({
        model_id: z.string(),
        sunset_date: z.string().nullable(),
        recommended_model_id: z.string().nullable().openapi({ description: "Where its callers should go (null: no live successor)" }),
        calls: z.number().int(),
        callers: z.number().int(),
      }),
    ),
  })
  .openapi("LegacyUsage");

/** JSON, or the same rows as CSV with ?format=csv. */
const jsonOrCsv = <T extends z.ZodType>(schema: T, description: string, csvExample: string) => ({
  description,
  content: {
    "application/json": { schema },
    "text/csv": { schema: z.string().openapi({ description: "RFC 4180 CSV (CRLF, header row)", example: csvExample }) },
  },
});

export const modelUsage = createRoute({
  method: "get",
  path: "/admin/models/{id}/usage",
  operationId: "getModelUsage",
  tags,
  summary: "Who calls a model",
  description: "Gate decisions on the model over the window (HTTP and service binding), counted per caller and hour.",
  security: adminSecurity,
  request: { params: ModelIdParamSchema, query: z.strictObject({ window: windowParam }) },
  responses: { 200: jsonContent(ModelUsageSchema, "The model's usage"), ...errorResponses(403, 404) },
});

export const modelCallers = createRoute({
  method: "get",
  path: "/admin/models/{id}/usage/callers",
  operationId: "listModelCallers",
  tags,
  summary: "Every caller of a model",
  description: "Every caller over the window, most calls first; `?format=csv` for a spreadsheet.",
  security: adminSecurity,
  request: { params: ModelIdParamSchema, query: z.strictObject({ window: windowParam, format: formatParam }) },
  responses: {
    200: jsonOrCsv(ModelCallersSchema, "The callers", "caller,calls,refused,last_seen\r\nuser-42,1200,3,2026-12-03T09:59:58.120Z\r\n"),
    ...errorResponses(403, 404),
  },
});

export const legacyUsage = createRoute({
  method: "get",
  path: "/admin/usage/legacy",
  operationId: "getLegacyUsage",
  tags,
  summary: "Who still calls the legacy models",
  description: "One row per legacy (not archived) model, most callers first: who a sunset would break.",
  security: adminSecurity,
  request: { query: z.strictObject({ window: windowParam, format: formatParam }) },
  responses: {
    200: jsonOrCsv(
      LegacyUsageSchema,
      "The legacy models and their callers",
      "model_id,sunset_date,recommended_model_id,calls,callers\r\ngpt-3.5-turbo,2027-01-01T00:00:00.000Z,gpt-4o-mini,5400,31\r\n",
    ),
    ...errorResponses(403),
  },
});
