/**
 * The OpenAI-compatible view of the catalog, for the OpenAI SDKs and every
 * tool built on them: base URL https://HOST/openai/v1.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { includeArchivedParam, modelFilterShape } from "../../catalog/model-filter";
import { GPT_4_EXAMPLE, PublicModelWithAccessSchema } from "../../catalog/public-model";
import { jsonContent, ModelIdParamSchema, openAIErrorResponses, optionalBearer } from "../../http/openapi";

const tags = ["OpenAI-compatible"];

export const OpenAIModelSchema = z
  .strictObject({
    // id first, as OpenAI orders it; the spread repeats the same field.
    ...PublicModelWithAccessSchema.pick({ id: true }).shape,
    object: z.literal("model"),
    created: z.number().int().openapi({ description: "When the model entered the catalog (Unix seconds)" }),
    owned_by: z.string().openapi({ description: "The provider" }),
    ...PublicModelWithAccessSchema.shape,
  })
  .openapi("OpenAIModel", {
    example: { object: "model", created: 1735689600, owned_by: "openai", ...GPT_4_EXAMPLE, aliases: [], access_status: "upgrade_required" },
  });

export const OpenAIModelListSchema = z
  .strictObject({ object: z.literal("list"), data: z.array(OpenAIModelSchema) })
  .openapi("OpenAIModelList");

const cachedHeaders = z.object({
  ETag: z.string().openapi({ description: "Weak: one per catalog version, tier and view, whatever the coding" }),
  "X-Cache": z.enum(["HIT", "MISS", "BYPASS", "STALE"]),
});

const notModified = { description: "If-None-Match matched: the client's copy is current", headers: cachedHeaders };

export const list = createRoute({
  method: "get",
  path: "/openai/v1/models",
  operationId: "listOpenAIModels",
  tags,
  summary: "List models (OpenAI format)",
  description:
    "`{object: \"list\", data: [...]}` with OpenAI's `id`, `object`, `created`, `owned_by`, then the same public fields as /v1/models (access_status for the caller's tier). Same filters, exclusions, cache and ETag as /v1/models.",
  security: optionalBearer,
  request: { query: z.strictObject({ ...modelFilterShape, includeArchived: includeArchivedParam }) },
  responses: {
    200: { ...jsonContent(OpenAIModelListSchema, "The catalog as the caller's tier sees it"), headers: cachedHeaders },
    304: notModified,
    ...openAIErrorResponses(403),
  },
});

export const detail = createRoute({
  method: "get",
  path: "/openai/v1/models/{id}",
  operationId: "retrieveOpenAIModel",
  tags,
  summary: "Retrieve a model (OpenAI format)",
  description: "Legacy models carry the Deprecation, Sunset and Link headers; archived models answer 410 (code model_archived).",
  security: optionalBearer,
  request: { params: ModelIdParamSchema },
  responses: {
    200: { ...jsonContent(OpenAIModelSchema, "The model"), headers: cachedHeaders },
    304: notModified,
    ...openAIErrorResponses(404, 410),
  },
});
