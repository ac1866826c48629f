/** Aliases (spec Part 3 "Aliases and dated snapshots"): moving names over models, staff only. */
import { createRoute, z } from "@hono/zod-openapi";
import { ModelIdSchema } from "../../domain/model-meta";
import { storedText } from "../../domain/text";
import { adminSecurity, errorResponses, jsonBody, jsonContent, NewestFirstPageQuerySchema } from "../../http/openapi";
import { auditTrailSchema } from "../admin-models/admin-model";
import { AdminAliasSchema, DeleteAliasRequestSchema, PutAliasRequestSchema } from "./admin-alias";

const tags = ["Admin: aliases"];

const AliasAnswerSchema = z.strictObject({ alias: AdminAliasSchema }).openapi("AdminAliasAnswer");
const etagHeader = z.object({ ETag: z.string().openapi({ description: 'The alias\'s row version, e.g. "2": send it as If-Match' }) });
const aliasAnswer = (description: string) => ({ ...jsonContent(AliasAnswerSchema, description), headers: etagHeader });

/** An alias that exists (or may): ids that cannot be one answer 404, as for models. */
const AliasParamSchema = z.object({ alias: ModelIdSchema.openapi({ param: { name: "alias", in: "path" }, example: "gpt-4o" }) });
/** A put names the alias to create: a malformed one is a 400 (checked by the service), not "no such alias". */
const NewAliasParamSchema = z.object({
  alias: storedText()
    .max(100)
    .openapi({ param: { name: "alias", in: "path" }, example: "gpt-4o" }),
});

const WriteHeaders = z.object({
  "if-match": storedText().max(64).optional().openapi({ description: 'Optimistic concurrency: the ETag of the alias you saw, e.g. "2"' }),
  "idempotency-key": storedText().max(255).optional().openapi({ description: "A retry with the same key gets the first answer back" }),
});

/** Every write: 403 without the role, 413/415 on a bad body, 409/422 on Idempotency-Key misuse, 412 stale If-Match. */
const WRITE_ERRORS = [403, 409, 412, 413, 415, 422] as const;

export const list = createRoute({
  method: "get",
  path: "/admin/aliases",
  operationId: "listAliases",
  tags,
  summary: "Every alias and its target",
  description: "Every alias with the model it points at, by alias: what clients calling a moving name get.",
  security: adminSecurity,
  responses: {
    200: jsonContent(z.strictObject({ aliases: z.array(AdminAliasSchema) }).openapi("AdminAliasList"), "By alias"),
    ...errorResponses(403),
  },
});

export const detail = createRoute({
  method: "get",
  path: "/admin/aliases/{alias}",
  operationId: "getAlias",
  tags,
  summary: "One alias",
  description: "One alias, its target and who last moved it; the ETag is what a re-point sends as If-Match.",
  security: adminSecurity,
  request: { params: AliasParamSchema },
  responses: { 200: aliasAnswer("The alias"), ...errorResponses(403, 404) },
});

export const put = createRoute({
  method: "put",
  path: "/admin/aliases/{alias}",
  operationId: "putAlias",
  tags,
  summary: "Create an alias, or re-point it",
  description:
    "201 when created, 200 when re-pointed (or already pointing there). The alias shares the models' id space: a model's id or a route's name is a 409 (`id_taken_by_model`, `id_reserved_for_route`), as is a target that is archived (`alias_target_archived`) or itself an alias (`alias_target_is_alias`); an unknown target is a 404.",
  security: adminSecurity,
  request: { params: NewAliasParamSchema, headers: WriteHeaders, body: jsonBody(PutAliasRequestSchema) },
  responses: { 200: aliasAnswer("Re-pointed"), 201: aliasAnswer("Created"), ...errorResponses(...WRITE_ERRORS, 404) },
});

export const remove = createRoute({
  method: "delete",
  path: "/admin/aliases/{alias}",
  operationId: "deleteAlias",
  tags,
  summary: "Delete an alias",
  description: "Clients calling it get 404 from then on. Its audit trail stays.",
  security: adminSecurity,
  request: { params: AliasParamSchema, headers: WriteHeaders, body: jsonBody(DeleteAliasRequestSchema) },
  responses: { 204: { description: "Deleted" }, ...errorResponses(...WRITE_ERRORS, 404) },
});

export const audit = createRoute({
  method: "get",
  path: "/admin/aliases/{alias}/audit",
  operationId: "getAliasAudit",
  tags,
  summary: "An alias's audit trail, newest first (also once deleted)",
  description: "Every change to the alias (created, re-pointed by staff or by an archive, deleted), newest first, paged by next_cursor.",
  security: adminSecurity,
  request: {
    params: AliasParamSchema,
    query: NewestFirstPageQuerySchema,
  },
  responses: {
    200: jsonContent(auditTrailSchema("AliasAuditTrail"), "Newest first"),
    ...errorResponses(403, 404),
  },
});
