/** Alias writes go through Lifecycle (transaction + audit + feed event + cache publish); reads come from queries/. */
import type { Context } from "hono";
import { EVENT_OF_SCHEDULING } from "../../changes/events";
import type { AppEnv } from "../../http/context";
import { ApiError } from "../../http/errors";
import { ifMatchVersion, rowEtag } from "../../http/if-match";
import type { AppRouteHandler } from "../../http/router";
import { EVENT_OF_ALIAS_ACTION } from "../../lifecycle/alias-rules";
import type { AliasWritten, AnyWritten } from "../../lifecycle/change";
import { aliasById, allAliases } from "../../queries/aliases";
import { auditTrail } from "../../queries/audit";
import { toAuditEntry } from "../admin-models/admin-model";
import { toAdminAlias } from "./admin-alias";
import type * as routes from "./admin-aliases.routes";

// With what happened to its scheduled re-points (scheduled-changes/), which are written in the alias's trail.
const ALIAS_ACTIONS = [...Object.keys(EVENT_OF_ALIAS_ACTION), ...Object.keys(EVENT_OF_SCHEDULING)];

const ifMatch = (c: Context<AppEnv>) => ifMatchVersion(c.req.header("If-Match"));

/** A put's status and body: 201 created, 200 otherwise; a delete's: 204, no body. */
const answerOf = (written: AliasWritten) =>
  written.alias ? { status: written.created ? 201 : 200, body: { alias: toAdminAlias(written.alias) } } : { status: 204, body: null };

/** The caller's writes; with an Idempotency-Key, the answer is saved in the write's transaction. */
function lifecycle(c: Context<AppEnv>) {
  const claim = c.var.idempotencyClaim;
  const idempotency = claim && { claim, answer: (written: AnyWritten) => answerOf(written as AliasWritten) };
  return c.var.services.lifecycle(c.var.principal?.subject ?? "unknown", idempotency);
}

export const list: AppRouteHandler<typeof routes.list> = async (c) =>
  c.json({ aliases: (await allAliases(c.var.services.db)).map(toAdminAlias) }, 200);

export const detail: AppRouteHandler<typeof routes.detail> = async (c) => {
  const { alias } = c.req.valid("param");
  const row = await aliasById(c.var.services.db, alias);
  if (!row) throw new ApiError("not_found", `alias ${alias} does not exist`);
  return c.json({ alias: toAdminAlias(row) }, 200, { ETag: rowEtag(row.rowVersion) });
};

export const put: AppRouteHandler<typeof routes.put> = async (c) => {
  const { alias } = c.req.valid("param");
  const { targetModelId, reason } = c.req.valid("json");
  const written = await lifecycle(c).putAlias(alias, targetModelId, { reason, ifMatch: ifMatch(c) });
  const row = written.alias as NonNullable<AliasWritten["alias"]>;
  return c.json({ alias: toAdminAlias(row) }, written.created ? 201 : 200, { ETag: rowEtag(row.rowVersion) });
};

export const remove: AppRouteHandler<typeof routes.remove> = async (c) => {
  const { alias } = c.req.valid("param");
  await lifecycle(c).deleteAlias(alias, { reason: c.req.valid("json").reason, ifMatch: ifMatch(c) });
  return c.body(null, 204);
};

export const audit: AppRouteHandler<typeof routes.audit> = async (c) => {
  const { alias } = c.req.valid("param");
  const { limit, before } = c.req.valid("query");
  const { entries, nextCursor } = await auditTrail(c.var.services.db, alias, limit, before, ALIAS_ACTIONS);
  // A deleted alias keeps its trail; an id that never was an alias has none.
  if (entries.length === 0 && before === undefined) throw new ApiError("not_found", `alias ${alias} does not exist`);
  return c.json({ entries: entries.map(toAuditEntry), next_cursor: nextCursor ?? null }, 200);
};
