/**
 * Served from the same cache as /v1/models: the per-tier list bodies are
 * derived once per catalog version and memoized (catalog/cache.ts).
 */
import type { Context } from "hono";
import type { CacheOutcome } from "../../catalog/cache";
import { catalogEtag, legacyHeaders, matchesIfNoneMatch, publicCacheHeaders } from "../../catalog/http-caching";
import { openAIListBody, openAIModelOpen } from "../../catalog/list-body";
import { findModel } from "../../catalog/lookup";
import { filterView, isFiltered, matchesFilters } from "../../catalog/model-filter";
import { accessStatusOf } from "../../catalog/public-model";
import type { SubscriptionTier } from "../../domain/model-meta";
import type { AppEnv } from "../../http/context";
import type { AppRouteHandler } from "../../http/router";
import type * as routes from "./openai-models.routes";

export const OPENAI_BASE_PATH = "/openai/v1/models";

const tierOf = (c: Context<AppEnv>): SubscriptionTier => c.var.principal?.tier ?? "free";

const headersFor = (c: Context<AppEnv>, etag: string, outcome: CacheOutcome) => ({
  "Content-Type": "application/json; charset=UTF-8",
  ...publicCacheHeaders(c.var.principal !== null),
  ETag: etag,
  "X-Cache": outcome,
});

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const filters = c.req.valid("query");
  const tier = tierOf(c);
  const catalog = c.var.services.catalog;
  const head = await catalog.headVersion();
  const view = isFiltered(filters) ? `openai:${filterView(filters)}` : "openai";
  if (head.version !== undefined && matchesIfNoneMatch(c.req.header("If-None-Match"), catalogEtag(head.version, tier, view))) {
    return c.body(null, 304, headersFor(c, catalogEtag(head.version, tier, view), head.outcome));
  }
  if (!isFiltered(filters)) {
    const { version, body, outcome } = await catalog.openAIListBody(tier, head);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, headersFor(c, catalogEtag(version, tier, view), outcome));
  }
  const { snapshot, outcome } = await catalog.snapshot(head);
  const matching = snapshot.models.filter(({ model }) => matchesFilters(model, filters));
  return c.body(openAIListBody(matching, tier), 200, headersFor(c, catalogEtag(snapshot.version, tier, view), outcome));
};

export const detail: AppRouteHandler<typeof routes.detail> = async (c) => {
  const { id } = c.req.valid("param");
  const tier = tierOf(c);
  const catalog = c.var.services.catalog;
  const { snapshot, outcome } = await catalog.snapshot(await catalog.headVersion());
  const entry = findModel(snapshot, id, OPENAI_BASE_PATH);
  const etag = catalogEtag(snapshot.version, tier, `openai-model:${id}`);
  const headers = { ...headersFor(c, etag, outcome), ...legacyHeaders(entry.model.legacy_info, OPENAI_BASE_PATH) };
  if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);
  return c.body(`${openAIModelOpen(entry)},"access_status":"${accessStatusOf(entry.model, tier)}"}`, 200, headers);
};
