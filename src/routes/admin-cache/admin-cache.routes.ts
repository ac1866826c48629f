import { createRoute, z } from "@hono/zod-openapi";
import { adminSecurity, errorResponses, jsonContent, optionalJsonBody } from "../../http/openapi";

export const CatalogEpochSchema = z
  .strictObject({
    epoch: z.string().openapi({ description: "The new epoch: every cache key, head and ETag carries it" }),
    version: z.number().int().openapi({ description: "The catalog version, unchanged" }),
  })
  .openapi("CatalogEpoch");

export const reset = createRoute({
  method: "post",
  path: "/admin/cache/reset",
  operationId: "resetCatalogCache",
  tags: ["Operations"],
  summary: "Start a new catalog epoch",
  description:
    "Run after restoring the database: everything cached before (KV entries, isolate memos, ETags) names the old epoch and is never served again. The catalog is published under the new epoch before the answer.",
  security: adminSecurity,
  request: { body: optionalJsonBody(z.strictObject({})) },
  responses: {
    200: jsonContent(CatalogEpochSchema, "The new epoch, published"),
    ...errorResponses(403, 413, 415),
  },
});
