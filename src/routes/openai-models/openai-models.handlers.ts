/**
 * Served from the same cache as /v1/models: the per-tier list bodies are
 * derived once per catalog version and memoized (catalog/cache.ts).
 */
import type { Context } from "hono";
import type { CacheOutcome } from "../../catalog/cache";
import { negotiateEncoding } from "../../catalog/encoding";
import { catalogEtag, encodedResponse, legacyHeaders, matchesIfNoneMatch, publicCacheHeaders } from "../../catalog/http-caching";
import { openAIListBody, openAIModelOpen } from "../../catalog/list-body";
import { findModel } from "../../catalog/lookup";
import { filterView, isFiltered, matchesFilters } from "../../catalog/model-filter";
import { accessStatusOf } from "../../catalog/public-model";
import { openAIListView } from "../../catalog/views";
import type { SubscriptionTier } from "../../domain/model-meta";
import type { AppEnv } from "../../http/context";
import type { AppRouteHandler } from "../../http/router";
import type * as routes from "./openai-models.routes";

export const OPENAI_BASE_PATH = "/openai/v1/models";

const tierOf = (c: Context<AppEnv>): SubscriptionTier => c.var.principal?.tier ?? "free";

const headersFor = (c: Context<AppEnv>, etag: string, outcome: CacheOutcome, negotiated = false) => ({
  "Content-Type": "application/json; charset=UTF-8",
  ...publicCacheHeaders(c.var.principal !== null, negotiated),
  ETag: etag,
  "X-Cache": outcome,
});

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const filters = c.req.valid("query");
  const tier = tierOf(c);
  const catalog = c.var.services.catalog;
  const head = await catalog.head();
  const filtered = isFiltered(filters);
  const view = filtered ? `openai:${filterView(filters)}` : openAIListView.name;
  const accepted = filtered ? "identity" : negotiateEncoding(c.req.header("Accept-Encoding"));
  if (head.at !== undefined) {
    const etag = catalogEtag(head.at, tier, view, accepted);
    if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headersFor(c, etag, head.outcome, !filtered));
  }
  if (!filtered) {
    const { at, body, encoding, outcome } = await catalog.body(openAIListView, tier, accepted, head);
    const response = c.body(body as Uint8Array<ArrayBuffer>, 200, headersFor(c, catalogEtag(at, tier, view, encoding), outcome, true));
    return encodedResponse(response, encoding);
  }
  const { snapshot, outcome } = await catalog.snapshot(head);
  const matching = snapshot.models.filter(({ model }) => matchesFilters(model, filters));
  return c.body(openAIListBody(matching, tier), 200, headersFor(c, catalogEtag(snapshot, tier, view), outcome));
};

export const detail: AppRouteHandler<typeof routes.detail> = async (c) => {
  const { id } = c.req.valid("param");
  const tier = tierOf(c);
  const { snapshot, outcome } = await c.var.services.catalog.snapshot();
  const entry = findModel(snapshot, id, OPENAI_BASE_PATH);
  const etag = catalogEtag(snapshot, tier, `openai-model:${id}`);
  const headers = { ...headersFor(c, etag, outcome), ...legacyHeaders(entry.model.legacy_info, OPENAI_BASE_PATH) };
  if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);
  return c.body(`${openAIModelOpen(entry)},"access_status":"${accessStatusOf(entry.model, tier)}"}`, 200, headers);
};
