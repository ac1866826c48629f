/** The staff lifecycle API: every route needs an admin token. */
import { createRoute, z } from "@hono/zod-openapi";
import { ModelMetaPatchSchema } from "../../domain/model-meta";
import { storedText } from "../../domain/text";
import {
  adminSecurity,
  errorResponses,
  jsonBody,
  jsonContent,
  ModelIdParamSchema,
  NewestFirstPageQuerySchema,
  optionalJsonBody,
} from "../../http/openapi";
import { ArchiveRequestSchema, EmptyRequestSchema, LegacyOptionsSchema, NewModelSchema } from "../../lifecycle/inputs";
import { isRouteName } from "../route-names";
import { AdminModelSchema, auditTrailSchema } from "./admin-model";

const tags = ["Admin: models"];

const ModelAnswerSchema = z.strictObject({ model: AdminModelSchema }).openapi("AdminModelAnswer");
const ModelListAnswerSchema = z.strictObject({ models: z.array(AdminModelSchema), total: z.number().int() }).openapi("AdminModelList");

const etagHeader = z.object({ ETag: z.string().openapi({ description: 'The row version, e.g. "3": send it as If-Match' }) });
const modelAnswer = (description: string) => ({ ...jsonContent(ModelAnswerSchema, description), headers: etagHeader });

const IfMatchHeaders = z.object({
  "if-match": storedText()
    .max(64)
    .optional()
    .openapi({ description: 'Optimistic concurrency: the ETag of the version you edited, e.g. "3"' }),
});
const WriteHeaders = IfMatchHeaders.extend({
  "idempotency-key": storedText().max(255).optional().openapi({ description: "A retry with the same key gets the first answer back" }),
});

/** Every write: 403 without the role, 413/415 on a bad body, 409/422 on Idempotency-Key misuse. */
const WRITE_ERRORS = [403, 409, 413, 415, 422] as const;

const ArchiveAnswerSchema = z
  .strictObject({
    model: AdminModelSchema,
    affected_models: z
      .array(z.string())
      .openapi({ description: "Live models that name this one as their replacement: their successor moved" }),
  })
  .openapi("ArchiveAnswer");

interface ModelWrite<B extends z.ZodType> {
  path: string;
  operationId: string;
  summary: string;
  description: string;
  /** The request body; `required: false` for transitions that take none. */
  body: ReturnType<typeof jsonBody<B>> | ReturnType<typeof optionalJsonBody<B>>;
  statuses: (404 | 410 | 412)[];
}

const modelWrite = <B extends z.ZodType>({ path, operationId, summary, description, body, statuses }: ModelWrite<B>) =>
  createRoute({
    method: "post",
    path,
    operationId,
    tags,
    summary,
    description,
    security: adminSecurity,
    request: { params: ModelIdParamSchema, headers: WriteHeaders, body },
    responses: { 200: modelAnswer("The updated model"), ...errorResponses(...WRITE_ERRORS, ...statuses) },
  });

export const create = createRoute({
  method: "post",
  path: "/admin/models",
  operationId: "createModel",
  tags,
  summary: "Add a model",
  description:
    "A new model, active and visible to clients at once (model.created on the change feed). The id is permanent: never reused, even after archiving. Answers its row version as ETag.",
  security: adminSecurity,
  request: {
    headers: z.object({ "idempotency-key": WriteHeaders.shape["idempotency-key"] }),
    body: jsonBody(NewModelSchema.refine(({ id }) => !isRouteName(id), { path: ["id"], message: "is reserved for a route name" })),
  },
  responses: { 201: modelAnswer("Created"), ...errorResponses(...WRITE_ERRORS) },
});

export const legacy = createRoute({
  method: "get",
  path: "/admin/models/legacy",
  operationId: "listLegacyModels",
  tags,
  summary: "Live legacy models",
  description: "Models marked legacy and not archived, with their replacement and sunset date, by provider then id.",
  security: adminSecurity,
  responses: { 200: jsonContent(ModelListAnswerSchema, "By provider, then id"), ...errorResponses(403) },
});

export const archived = createRoute({
  method: "get",
  path: "/admin/models/archived",
  operationId: "listArchivedModels",
  tags,
  summary: "Archived models",
  description: "Every archived model, most recently changed first: what unarchive can bring back.",
  security: adminSecurity,
  responses: { 200: jsonContent(ModelListAnswerSchema, "Most recently changed first"), ...errorResponses(403) },
});

export const sunsets = createRoute({
  method: "get",
  path: "/admin/models/sunsets",
  operationId: "listUpcomingSunsets",
  tags,
  summary: "Legacy models whose sunset date falls within a window",
  description: "Legacy models the sunset cron will archive within `within` (default 30 days), soonest first, with the cutoff used.",
  security: adminSecurity,
  request: {
    query: z.strictObject({
      within: storedText()
        .max(5)
        .regex(/^\d{1,4}[dh]$/, "must look like 30d or 12h")
        .default("30d")
        .transform((value) => Number(value.slice(0, -1)) * (value.endsWith("d") ? 86_400_000 : 3_600_000))
        .refine((ms) => ms <= 366 * 86_400_000, "must be at most a year")
        .openapi({ type: "string", maxLength: 5, example: "30d", description: "How far ahead: Nd or Nh, at most a year" }),
    }),
  },
  responses: {
    200: jsonContent(
      z.strictObject({ cutoff: z.string(), models: z.array(AdminModelSchema), total: z.number().int() }).openapi("SunsetList"),
      "Soonest first",
    ),
    ...errorResponses(403),
  },
});

export const detail = createRoute({
  method: "get",
  path: "/admin/models/{id}",
  operationId: "getAdminModel",
  tags,
  summary: "One model, as staff see it",
  description:
    "Flags, the full meta (staff-only fields included) and the row version, archived models too. The ETag is the row version to send as If-Match.",
  security: adminSecurity,
  request: { params: ModelIdParamSchema },
  responses: { 200: modelAnswer("The model"), ...errorResponses(403, 404) },
});

export const audit = createRoute({
  method: "get",
  path: "/admin/models/{id}/audit",
  operationId: "listModelAudit",
  tags,
  summary: "A model's audit trail, newest first",
  description:
    "Every change to the model: who, what before and after, why, and the request that made it. Paged with `before` = next_cursor.",
  security: adminSecurity,
  request: {
    params: ModelIdParamSchema,
    query: NewestFirstPageQuerySchema,
  },
  responses: {
    200: jsonContent(auditTrailSchema("AuditTrail"), "Newest first"),
    ...errorResponses(403, 404),
  },
});

export const updateMeta = createRoute({
  method: "patch",
  path: "/admin/models/{id}/meta",
  operationId: "updateModelMeta",
  tags,
  summary: "Change some meta fields",
  description: "Merged into the current meta (null removes an optional key), then validated whole. Legacy fields are set by mark-legacy.",
  security: adminSecurity,
  request: { params: ModelIdParamSchema, headers: IfMatchHeaders, body: jsonBody(ModelMetaPatchSchema.openapi("ModelMetaPatch")) },
  responses: { 200: modelAnswer("The updated model"), ...errorResponses(403, 404, 412, 413, 415) },
});

export const markLegacy = modelWrite({
  path: "/admin/models/{id}/mark-legacy",
  operationId: "markModelLegacy",
  summary: "Deprecate a model",
  description:
    "Optionally naming a replacement (which must exist, differ and not be archived), a notice and a future sunset date. Clients see legacy_info and the RFC 9745/8594 headers at once.",
  body: jsonBody(LegacyOptionsSchema),
  statuses: [404, 412],
});
export const unmarkLegacy = modelWrite({
  path: "/admin/models/{id}/unmark-legacy",
  operationId: "unmarkModelLegacy",
  summary: "Undo a deprecation",
  description:
    "The model is active again: its replacement, notice and sunset date are removed and clients stop seeing the deprecation headers. Takes no body (or `{}`).",
  body: optionalJsonBody(EmptyRequestSchema),
  statuses: [404, 412],
});
export const archive = createRoute({
  method: "post",
  path: "/admin/models/{id}/archive",
  operationId: "archiveModel",
  tags,
  summary: "Archive a model",
  description:
    "Hidden from public lists; its detail and access answer 410 naming the recommended successor. Allowed when other models name it as their replacement: they are listed in affected_models, and clients following them are sent further along the chain.",
  security: adminSecurity,
  request: { params: ModelIdParamSchema, headers: WriteHeaders, body: jsonBody(ArchiveRequestSchema) },
  responses: {
    200: { ...jsonContent(ArchiveAnswerSchema, "The archived model, and whose successor moved"), headers: etagHeader },
    ...errorResponses(...WRITE_ERRORS, 404, 412),
  },
});
export const unarchive = modelWrite({
  path: "/admin/models/{id}/unarchive",
  operationId: "unarchiveModel",
  summary: "Bring a model back",
  description: "Visible to clients again; keeps its legacy status. Takes no body (or `{}`).",
  body: optionalJsonBody(EmptyRequestSchema),
  statuses: [404, 412],
});
