/** Served by the catalog responder (catalog/responder.ts) from the cache (docs/cache.md); the inference gate here. */
import { historyPage, respondAsOf } from "../../catalog/as-of";
import { legacyHeaders, successorOf } from "../../catalog/http-caching";
import { findModel } from "../../catalog/lookup";
import { respondWithList, respondWithModel, tierOf } from "../../catalog/responder";
import { publicListView } from "../../catalog/views";
import { isTierAllowed, upgradeTierFor } from "../../domain/tier-access";
import { ApiError } from "../../http/errors";
import type { AppRouteHandler } from "../../http/router";
import type * as routes from "./public-models.routes";

export const list: AppRouteHandler<typeof routes.list> = (c) => respondWithList(c, publicListView, c.req.valid("query"));

export const detail: AppRouteHandler<typeof routes.detail> = (c) => {
  const { id } = c.req.valid("param");
  const { at } = c.req.valid("query");
  return at === undefined ? respondWithModel(c, publicListView, id) : respondAsOf(c, id, at);
};

export const history: AppRouteHandler<typeof routes.history> = async (c) => {
  const { after, limit } = c.req.valid("query");
  return c.json(await historyPage(c, c.req.valid("param").id, after === undefined ? undefined : Number(after), limit), 200);
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
