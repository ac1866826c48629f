/** The public catalog: what every client of the platform reads. */
import { createRoute, z } from "@hono/zod-openapi";
import { booleanParam, modelFilterShape } from "../../catalog/model-filter";
import { LegacyInfoSchema, PublicModelWithAccessSchema } from "../../catalog/public-model";
import { SubscriptionTierSchema } from "../../domain/model-meta";
import { storedText } from "../../domain/text";
import { errorResponses, jsonContent, ModelIdParamSchema, optionalBearer } from "../../http/openapi";

const tags = ["Models"];

const cachedHeaders = z.object({
  ETag: z.string().openapi({ description: "Weak: one per catalog version, tier and view, whatever the coding" }),
  "X-Cache": z.enum(["HIT", "MISS", "BYPASS", "STALE"]).openapi({ description: "How the answer was served" }),
});

const legacyHeaders = z.object({
  Deprecation: z.string().optional().openapi({ description: "RFC 9745, on legacy models: @unix-seconds" }),
  Sunset: z.string().optional().openapi({ description: "RFC 8594, when a sunset date is set" }),
  Link: z.string().optional().openapi({ description: 'The successor: </v1/models/ID>; rel="successor-version"' }),
});

/** A client's If-None-Match: a few tags at most (a browser sends one). */
const IfNoneMatchHeaders = z.object({ "if-none-match": storedText().max(1024).optional() });

const notModified = { description: "If-None-Match matched: the client's copy is current", headers: cachedHeaders };

const ModelListSchema = z
  .strictObject({
    models: z.array(PublicModelWithAccessSchema),
    total: z.number().int(),
    user_tier: SubscriptionTierSchema,
  })
  .openapi("ModelList");

const AccessGrantedSchema = z
  .strictObject({
    allowed: z.literal(true),
    model: z.string().openapi({ description: "The id asked for" }),
    model_id: z.string().openapi({ description: "The resolved model (an alias's target): what inference must run" }),
    alias: z.string().nullable().openapi({ description: "The alias asked for; null when the id names a model" }),
    user_tier: SubscriptionTierSchema,
    legacy_info: LegacyInfoSchema.optional(),
    warning: z.string().optional().openapi({ description: "Present on legacy models: migrate before the sunset" }),
  })
  .openapi("AccessGranted", { example: { allowed: true, model: "gpt-4", model_id: "gpt-4", alias: null, user_tier: "pro" } });

export const list = createRoute({
  method: "get",
  path: "/v1/models",
  operationId: "listModels",
  tags,
  summary: "List the catalog",
  description:
    "Every model a client may see, with `access_status` for the caller's tier (no token: free). Archived models are excluded unless an admin asks for `includeArchived=true`. Send the ETag back as If-None-Match for a 304.",
  security: optionalBearer,
  request: {
    query: z.strictObject({
      ...modelFilterShape,
      includeArchived: booleanParam.optional().openapi({ description: "Admins only (403 otherwise): include archived models" }),
    }),
    headers: IfNoneMatchHeaders,
  },
  responses: {
    200: { ...jsonContent(ModelListSchema, "The catalog as the caller's tier sees it"), headers: cachedHeaders },
    304: notModified,
    ...errorResponses(403),
  },
});

export const detail = createRoute({
  method: "get",
  path: "/v1/models/{id}",
  operationId: "getModel",
  tags,
  summary: "One model",
  description:
    "A model with its `legacy_info` and `aliases`; legacy models carry Deprecation, Sunset and Link headers. Archived: 410. An alias answers its entry: its target's fields under the alias's id, `alias_for` naming the target (410 as its target when that is archived).",
  security: optionalBearer,
  request: { params: ModelIdParamSchema, headers: IfNoneMatchHeaders },
  responses: {
    200: { ...jsonContent(PublicModelWithAccessSchema, "The model"), headers: cachedHeaders.extend(legacyHeaders.shape) },
    304: notModified,
    ...errorResponses(404, 410),
  },
});

export const access = createRoute({
  method: "get",
  path: "/v1/models/{id}/access",
  operationId: "checkModelAccess",
  tags,
  summary: "The inference gate",
  description:
    "May the caller's tier use this model now? 200 allowed (with a warning on legacy models), 403 tier, 404, 410 archived, 503 unavailable. On an alias the gate decides on its target: `model_id` names it, `alias` the name asked for.",
  security: optionalBearer,
  request: { params: ModelIdParamSchema },
  responses: {
    200: { ...jsonContent(AccessGrantedSchema, "Allowed"), headers: legacyHeaders },
    ...errorResponses(403, 404, 410),
  },
});
