import { createRoute, z } from "@hono/zod-openapi";
import { ErrorEnvelopeSchema, errorResponses, jsonContent } from "../../http/openapi";

export const HealthSchema = z
  .strictObject({
    status: z.enum(["ok", "degraded"]),
    database: z.strictObject({ reachable: z.boolean(), latency_ms: z.number().optional() }),
  })
  .openapi("Health");

export const health = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Operations"],
  summary: "Liveness and database reachability",
  responses: {
    ...errorResponses(),
    200: jsonContent(HealthSchema, "Up, and the database answers"),
    503: jsonContent(
      z.union([HealthSchema, ErrorEnvelopeSchema]),
      "The database does not answer in time (or the service is misconfigured)",
    ),
  },
});
