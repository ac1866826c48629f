/**
 * Every write goes through Lifecycle (transaction + audit + cache publish)
 * and answers with the updated model and its ETag; reads come from
 * queries/.
 */
import type { Context } from "hono";
import type { ModelRow } from "../../../drizzle/schema";
import type { AppEnv } from "../../http/context";
import { ApiError } from "../../http/errors";
import { ifMatchVersion, rowEtag } from "../../http/if-match";
import type { AppRouteHandler } from "../../http/router";
import type { Written } from "../../lifecycle/change";
import { auditTrail } from "../../queries/audit";
import { archivedModels, legacyModels, modelById, modelExists, sunsetDueModels } from "../../queries/models";
import { toAdminModel, toAuditEntry } from "./admin-model";
import type * as routes from "./admin-models.routes";

/** If-Match: a row version as given in an ETag. `*` or no header means "whatever is current". */
const ifMatch = (c: Context<AppEnv>) => ifMatchVersion(c.req.header("If-Match"));

const modelAnswer = (row: ModelRow) => [{ model: toAdminModel(row) }, { ETag: rowEtag(row.rowVersion) }] as const;

/** A write's answer body: the model, and for an archive the models whose successor moved. */
const writeAnswer = ({ row, affectedModels }: Written) => ({
  model: toAdminModel(row),
  ...(affectedModels !== undefined && { affected_models: affectedModels }),
});

/** The caller's writes; with an Idempotency-Key, the answer (`status`, writeAnswer) is saved in the write's transaction. */
function lifecycle(c: Context<AppEnv>, status: 200 | 201 = 200) {
  const claim = c.var.idempotencyClaim;
  const idempotency = claim && { claim, answer: (written: Written) => ({ status, body: writeAnswer(written) }) };
  return c.var.services.lifecycle(c.var.principal?.subject ?? "unknown", idempotency);
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const [body, headers] = modelAnswer(await lifecycle(c, 201).addModel(c.req.valid("json")));
  return c.json(body, 201, headers);
};

export const legacy: AppRouteHandler<typeof routes.legacy> = async (c) => {
  const rows = await legacyModels(c.var.services.db);
  return c.json({ models: rows.map(toAdminModel), total: rows.length }, 200);
};

export const archived: AppRouteHandler<typeof routes.archived> = async (c) => {
  const rows = await archivedModels(c.var.services.db);
  return c.json({ models: rows.map(toAdminModel), total: rows.length }, 200);
};

export const sunsets: AppRouteHandler<typeof routes.sunsets> = async (c) => {
  const cutoff = new Date(Date.now() + c.req.valid("query").within);
  const rows = await sunsetDueModels(c.var.services.db, cutoff);
  return c.json({ cutoff: cutoff.toISOString(), models: rows.map(toAdminModel), total: rows.length }, 200);
};

export const detail: AppRouteHandler<typeof routes.detail> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await modelById(c.var.services.db, id);
  if (!row) throw new ApiError("not_found", `model ${id} does not exist`);
  const [body, headers] = modelAnswer(row);
  return c.json(body, 200, headers);
};

export const audit: AppRouteHandler<typeof routes.audit> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, before } = c.req.valid("query");
  // Models are never deleted: no model means a mistyped id, not an empty history.
  if (!(await modelExists(c.var.services.db, id))) throw new ApiError("not_found", `model ${id} does not exist`);
  const { entries, nextCursor } = await auditTrail(c.var.services.db, id, limit, before);
  return c.json({ entries: entries.map(toAuditEntry), next_cursor: nextCursor ?? null }, 200);
};

export const updateMeta: AppRouteHandler<typeof routes.updateMeta> = async (c) => {
  const { id } = c.req.valid("param");
  const [body, headers] = modelAnswer(await lifecycle(c).updateModelMeta(id, c.req.valid("json"), ifMatch(c)));
  return c.json(body, 200, headers);
};

export const markLegacy: AppRouteHandler<typeof routes.markLegacy> = async (c) => {
  const { id } = c.req.valid("param");
  const [body, headers] = modelAnswer(await lifecycle(c).markAsLegacy(id, c.req.valid("json"), ifMatch(c)));
  return c.json(body, 200, headers);
};

export const unmarkLegacy: AppRouteHandler<typeof routes.unmarkLegacy> = async (c) => {
  const { id } = c.req.valid("param");
  const [body, headers] = modelAnswer(await lifecycle(c).unmarkLegacy(id, ifMatch(c)));
  return c.json(body, 200, headers);
};

export const archive: AppRouteHandler<typeof routes.archive> = async (c) => {
  const { id } = c.req.valid("param");
  const written = await lifecycle(c).archive(id, c.req.valid("json").reason, ifMatch(c));
  return c.json({ ...writeAnswer(written), affected_models: written.affectedModels }, 200, { ETag: rowEtag(written.row.rowVersion) });
};

export const unarchive: AppRouteHandler<typeof routes.unarchive> = async (c) => {
  const { id } = c.req.valid("param");
  const [body, headers] = modelAnswer(await lifecycle(c).unarchive(id, ifMatch(c)));
  return c.json(body, 200, headers);
};
