import { createRoute, z } from "@hono/zod-openapi";
import { ErrorEnvelopeSchema, errorResponses, jsonContent } from "../../http/openapi";

export const LivenessSchema = z.strictObject({ status: z.literal("ok") }).openapi("Liveness");

export const ReadinessSchema = z
  .strictObject({
    status: z.enum(["ok", "degraded"]),
    database: z.strictObject({
      reachable: z.boolean(),
      latency_ms: z.number().optional(),
      checked_at: z.string().openapi({ description: "When this isolate last probed the database (probes are a few seconds apart)" }),
    }),
  })
  .openapi("Readiness");

export const liveness = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "checkLiveness",
  tags: ["Operations"],
  summary: "Liveness: the Worker answers (never touches the database)",
  description: "For load balancers and uptime checks: 200 whenever the Worker runs, whatever the database does. No token.",
  security: [],
  responses: {
    ...errorResponses(),
    200: jsonContent(LivenessSchema, "The Worker runs"),
  },
});

export const readiness = createRoute({
  method: "get",
  path: "/healthz/ready",
  operationId: "checkReadiness",
  tags: ["Operations"],
  summary: "Readiness: the database answers (probed at most once per few seconds per isolate)",
  description:
    "200 when the database answered the latest probe, 503 when it did not; repeated calls within a few seconds reuse the last probe, so this cannot be used to open connections. No token.",
  security: [],
  responses: {
    ...errorResponses(),
    200: jsonContent(ReadinessSchema, "Up, and the database answered the latest probe"),
    503: jsonContent(
      z.union([ReadinessSchema, ErrorEnvelopeSchema]),
      "The database did not answer the latest probe in time (or the service is misconfigured)",
    ),
  },
});
