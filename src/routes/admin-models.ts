/**
 * Staff lifecycle API. Every route needs an admin token; every write goes
 * through Lifecycle (transaction + audit + cache publish) and answers with
 * the updated model and its ETag.
 */
import { and, asc, desc, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { type ModelRow, models } from "../../drizzle/schema";
import { requireAdmin } from "../auth/middleware";
import { IsoDateTimeSchema, MODEL_ID_PATTERN, ModelIdSchema, ModelMetaFields } from "../domain/model-meta";
import { jsonBody } from "../http/body";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { validate } from "../http/validate";
import { auditTrail, rowEtag } from "../lifecycle/lifecycle";
import { sunsetDueModels } from "../lifecycle/sunset";
import { adminView } from "./admin-views";
import { idempotent } from "./idempotency";

/** Lifecycle fields are set by mark-legacy/unmark-legacy only, where their rules are checked. */
const LEGACY_FIELDS = { legacyReplacementModelId: true, deprecationNotice: true, sunsetDate: true } as const;
const EditableMetaFields = ModelMetaFields.omit(LEGACY_FIELDS);

/** Ids that would be shadowed by the admin list routes (GET /admin/models/legacy, ...) and the feed (GET /v1/models/changes). */
const RESERVED_IDS = new Set(["legacy", "archived", "sunsets", "changes"]);

const CreateModelSchema = z.strictObject({
  id: ModelIdSchema.refine((id) => !RESERVED_IDS.has(id), "is reserved for a route name"),
  name: z.string().trim().min(1).max(200),
  provider: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be a lowercase provider id such as openai"),
  isAvailable: z.boolean().optional(),
  meta: EditableMetaFields,
});

/**
 * A partial meta: every key optional; `null` removes an optional key (as in
 * JSON Merge Patch). Required keys cannot be nulled. The merged result is
 * then validated whole (Lifecycle.updateModelMeta).
 */
const MetaPatchSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(EditableMetaFields.shape).map(([key, field]) => [
        key,
        field instanceof z.ZodOptional ? field.nullable() : field.optional(),
      ]),
    ),
  )
  .refine((patch) => Object.keys(patch).length > 0, "the patch is empty");

const MarkLegacySchema = z.strictObject({
  replacementModelId: ModelIdSchema.optional(),
  deprecationNotice: z.string().trim().min(1).max(1000).optional(),
  sunsetDate: IsoDateTimeSchema.optional(),
});

const ArchiveSchema = z.strictObject({ reason: z.string().trim().min(1, "a reason is required").max(1000) });
const EmptySchema = z.strictObject({});

const AuditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});

const SunsetQuerySchema = z.strictObject({
  within: z
    .string()
    .regex(/^\d{1,4}[dh]$/, "must look like 30d or 12h")
    .default("30d")
    .transform((value) => Number(value.slice(0, -1)) * (value.endsWith("d") ? 86_400_000 : 3_600_000))
    .refine((ms) => ms <= 366 * 86_400_000, "must be at most a year"),
});

function modelIdParam(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!MODEL_ID_PATTERN.test(id)) throw new ApiError("not_found", "no such model");
  return id;
}

/** If-Match: a row version as given in an ETag. `*` or no header means "whatever is current". */
function ifMatchVersion(c: Context<AppEnv>): number | undefined {
  const header = c.req.header("If-Match")?.trim();
  if (header === undefined || header === "*") return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header);
  if (!match) throw new ApiError("precondition_failed", 'If-Match must be an ETag such as "3"');
  return Number(match[1]);
}

const modelResponse = (c: Context<AppEnv>, row: ModelRow, status: 200 | 201 = 200) =>
  c.json({ model: adminView(row) }, status, { ETag: rowEtag(row.rowVersion) });

const lifecycle = (c: Context<AppEnv>) => c.var.services.lifecycle(c.var.principal?.subject ?? "unknown");

export const adminModels = new Hono<AppEnv>()
  .use(requireAdmin)
  .use(async (c, next) => (c.req.method === "GET" ? next() : jsonBody(c, next)))
  .use(idempotent)

  .post("/", validate("json", CreateModelSchema), async (c) => {
    const input = c.req.valid("json");
    const row = await lifecycle(c).addModel(input);
    return modelResponse(c, row, 201);
  })

  .get("/legacy", async (c) => {
    const rows = await c.var.services.db
      .select()
      .from(models)
      .where(and(eq(models.isLegacy, true), eq(models.isArchived, false)))
      .orderBy(asc(models.provider), asc(models.id));
    return c.json({ models: rows.map(adminView), total: rows.length });
  })

  .get("/archived", async (c) => {
    const rows = await c.var.services.db
      .select()
      .from(models)
      .where(eq(models.isArchived, true))
      .orderBy(desc(models.updatedAt), asc(models.id));
    return c.json({ models: rows.map(adminView), total: rows.length });
  })

  .get("/sunsets", validate("query", SunsetQuerySchema), async (c) => {
    const { within } = c.req.valid("query");
    const cutoff = new Date(Date.now() + within);
    const rows = await sunsetDueModels(c.var.services.db, cutoff);
    return c.json({ cutoff: cutoff.toISOString(), models: rows.map(adminView), total: rows.length });
  })

  .get("/:id", async (c) => {
    const id = modelIdParam(c);
    const [row] = await c.var.services.db.select().from(models).where(eq(models.id, id));
    if (!row) throw new ApiError("not_found", `model ${id} does not exist`);
    return modelResponse(c, row);
  })

  .get("/:id/audit", validate("query", AuditQuerySchema), async (c) => {
    const id = modelIdParam(c);
    const { limit, before } = c.req.valid("query");
    // Models are never deleted: no model means a mistyped id, not an empty history.
    const [model] = await c.var.services.db.select({ id: models.id }).from(models).where(eq(models.id, id));
    if (!model) throw new ApiError("not_found", `model ${id} does not exist`);
    const { entries, nextCursor } = await auditTrail(c.var.services.db, id, limit, before);
    return c.json({
      entries: entries.map((entry) => ({
        id: entry.id,
        model_id: entry.modelId,
        actor: entry.actor,
        action: entry.action,
        previous_value: entry.previousValue,
        new_value: entry.newValue,
        reason: entry.reason,
        request_id: entry.requestId,
        created_at: entry.createdAt.toISOString(),
      })),
      next_cursor: nextCursor ?? null,
    });
  })

  .patch("/:id/meta", validate("json", MetaPatchSchema), async (c) => {
    const row = await lifecycle(c).updateModelMeta(modelIdParam(c), c.req.valid("json"), ifMatchVersion(c));
    return modelResponse(c, row);
  })

  .post("/:id/mark-legacy", validate("json", MarkLegacySchema), async (c) => {
    const row = await lifecycle(c).markAsLegacy(modelIdParam(c), c.req.valid("json"), ifMatchVersion(c));
    return modelResponse(c, row);
  })

  .post("/:id/unmark-legacy", validate("json", EmptySchema), async (c) => {
    const row = await lifecycle(c).unmarkLegacy(modelIdParam(c), ifMatchVersion(c));
    return modelResponse(c, row);
  })

  .post("/:id/archive", validate("json", ArchiveSchema), async (c) => {
    const row = await lifecycle(c).archive(modelIdParam(c), c.req.valid("json").reason, ifMatchVersion(c));
    return modelResponse(c, row);
  })

  .post("/:id/unarchive", validate("json", EmptySchema), async (c) => {
    const row = await lifecycle(c).unarchive(modelIdParam(c), ifMatchVersion(c));
    return modelResponse(c, row);
  });
