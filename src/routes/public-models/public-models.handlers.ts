/**
 * Served from the catalog cache (docs/cache.md); only a miss touches the
 * database. The admin listing with archived models reads the database.
 */
import type { Context } from "hono";
import type { CacheOutcome } from "../../catalog/cache";
import { negotiateEncoding } from "../../catalog/encoding";
import {
  catalogEtag,
  encodedResponse,
  legacyHeaders,
  matchesIfNoneMatch,
  publicCacheHeaders,
  successorOf,
} from "../../catalog/http-caching";
import { listBody } from "../../catalog/list-body";
import { findModel } from "../../catalog/lookup";
import { filterView, isFiltered, matchesFilters } from "../../catalog/model-filter";
import { accessStatusOf, toPublicModel, withAccess } from "../../catalog/public-model";
import { withRecommendedSuccessors } from "../../catalog/successors";
import { publicListView } from "../../catalog/views";
import type { SubscriptionTier } from "../../domain/model-meta";
import { isTierAllowed, upgradeTierFor } from "../../domain/tier-access";
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
    const json = JSON.stringify({ models, total: models.length, user_tier: tier });
    // Read from the database, not a catalog version: the ETag names these bytes.
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(json)));
    const etag = `"a${[...digest.slice(0, 12)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}"`;
    return c.body(json, 200, { ...JSON_TYPE, "Cache-Control": "no-store", "X-Cache": "BYPASS", ETag: etag });
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

// The inference gate: the platform asks this before every completion.
export const access: AppRouteHandler<typeof routes.access> = async (c) => {
  const { id } = c.req.valid("param");
  const tier = tierOf(c);
  const { snapshot, outcome } = await c.var.services.catalog.snapshot();
  const { model } = findModel(snapshot, id);
  const rules = { requiredTier: model.required_tier, tierRestrictionMode: model.tier_restriction_mode, allowedTiers: model.allowed_tiers };
  if (!isTierAllowed(rules, tier)) {
    const upgrade = upgradeTierFor(rules, tier);
    throw new ApiError(
      "tier_not_allowed",
      // "or higher" holds only for the minimum mode: exact and whitelist models may skip tiers above.
      upgrade
        ? `model ${id} needs the ${upgrade} tier${rules.tierRestrictionMode === "minimum" ? " or higher" : ""} (you have ${tier})`
        : `model ${id} is not available on the ${tier} tier, and no upgrade would allow it`,
      {
        details: {
          user_tier: tier,
          required_tier: model.required_tier,
          tier_restriction_mode: model.tier_restriction_mode,
          ...(upgrade && { upgrade_to: upgrade }),
        },
      },
    );
  }
  if (!model.is_available) {
    throw new ApiError("model_unavailable", `model ${id} is temporarily unavailable`, { headers: { "Retry-After": "60" } });
  }
  const legacy = model.legacy_info;
  const successor = legacy && successorOf(legacy);
  return c.json(
    {
      allowed: true as const,
      model: id,
      user_tier: tier,
      ...(legacy && {
        legacy_info: legacy,
        warning: `model ${id} is deprecated${successor ? `; migrate to ${successor}` : ""}`,
      }),
    },
    200,
    { "Cache-Control": "private, no-store", "X-Cache": outcome, ...legacyHeaders(legacy) },
  );
};
