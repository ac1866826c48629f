/**
 * Served from the catalog cache (docs/cache.md); only a miss touches the
 * database. The admin listing with archived models reads the database.
 */
import type { Context } from "hono";
import type { CacheOutcome } from "../../catalog/cache";
import { negotiateEncoding } from "../../catalog/encoding";
import { catalogEtag, encodedResponse, legacyHeaders, matchesIfNoneMatch, publicCacheHeaders } from "../../catalog/http-caching";
import { listBody } from "../../catalog/list-body";
import { findModel } from "../../catalog/lookup";
import { filterView, isFiltered, matchesFilters } from "../../catalog/model-filter";
import { accessStatusOf, toPublicModel, withAccess } from "../../catalog/public-model";
import { withRecommendedSuccessors } from "../../catalog/successors";
import { publicListView } from "../../catalog/views";
import type { SubscriptionTier } from "../../domain/model-meta";
import { grantBody } from "../../gate/decision";
import { checkGate } from "../../gate/gate";
import type { AppEnv } from "../../http/context";
import { ApiError } from "../../http/errors";
import type { AppRouteHandler } from "../../http/router";
import { allModels } from "../../queries/models";
import type * as routes from "./public-models.routes";

const tierOf = (c: Context<AppEnv>): SubscriptionTier => c.var.principal?.tier ?? "free";

function cacheHeaders(c: Context<AppEnv>, etag: string, outcome: CacheOutcome, negotiated = false) {
  return { ...publicCacheHeaders(c.var.principal !== null, negotiated), ETag: etag, "X-Cache": outcome };
}

const JSON_TYPE = { "Content-Type": "application/json; charset=UTF-8" };

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { includeArchived, ...filters } = c.req.valid("query");
  const tier = tierOf(c);
  if (includeArchived) {
    if (!c.var.principal?.isAdmin) throw new ApiError("forbidden", "includeArchived=true requires an admin token");
    const rows = await allModels(c.var.services.db);
    const archivedReplacement = new Map(
      rows.filter((row) => row.isArchived).map((row) => [row.id, row.meta.legacyReplacementModelId ?? null]),
    );
    const models = withRecommendedSuccessors(rows.map(toPublicModel), archivedReplacement)
      .filter((model) => matchesFilters(model, filters))
      .map((model) => withAccess(model, tier));
    return c.json({ models, total: models.length, user_tier: tier }, 200, { "Cache-Control": "no-store", "X-Cache": "BYPASS" });
  }
  const catalog = c.var.services.catalog;
  const head = await catalog.head();
  const filtered = isFiltered(filters);
  const view = filtered ? filterView(filters) : publicListView.name;
  // Whole lists are compressed once per version; filtered ones are built per request, uncompressed.
  const accepted = filtered ? "identity" : negotiateEncoding(c.req.header("Accept-Encoding"));
  if (head.at !== undefined) {
    const etag = catalogEtag(head.at, tier, view, accepted);
    if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, cacheHeaders(c, etag, head.outcome, !filtered));
  }
  if (!filtered) {
    const { at, body, encoding, outcome } = await catalog.body(publicListView, tier, accepted, head);
    const response = c.body(body as Uint8Array<ArrayBuffer>, 200, {
      ...JSON_TYPE,
      ...cacheHeaders(c, catalogEtag(at, tier, view, encoding), outcome, true),
    });
    return encodedResponse(response, encoding);
  }
  const { snapshot, outcome } = await catalog.snapshot(head);
  const matching = snapshot.models.filter(({ model }) => matchesFilters(model, filters));
  return c.body(listBody(matching, tier), 200, { ...JSON_TYPE, ...cacheHeaders(c, catalogEtag(snapshot, tier, view), outcome) });
};

export const detail: AppRouteHandler<typeof routes.detail> = async (c) => {
  const { id } = c.req.valid("param");
  const tier = tierOf(c);
  const { snapshot, outcome } = await c.var.services.catalog.snapshot();
  const { model, open } = findModel(snapshot, id);
  const etag = catalogEtag(snapshot, tier, `model:${id}`);
  const headers = { ...cacheHeaders(c, etag, outcome), ...legacyHeaders(model.legacy_info) };
  if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);
  // The model's JSON was serialized once for this version: splice in the tier's access status.
  return c.body(`${open},"access_status":"${accessStatusOf(model, tier)}"}`, 200, { ...JSON_TYPE, ...headers });
};

// The inference gate: the platform asks this before every completion (the decision: src/gate/decision.ts).
export const access: AppRouteHandler<typeof routes.access> = async (c) => {
  const { id } = c.req.valid("param");
  const flushTo = { queue: c.env.USAGE_QUEUE, waitUntil: (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise) };
  const { decision, outcome } = await checkGate(c.var.services.catalog, id, c.var.principal, flushTo);
  if (decision.refusal) throw decision.refusal;
  return c.json(grantBody(decision, id), 200, {
    "Cache-Control": "private, no-store",
    "X-Cache": outcome,
    ...legacyHeaders(decision.model?.legacy_info),
  });
};
