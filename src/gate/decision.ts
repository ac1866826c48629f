/**
 * The inference gate's decision: may this caller use this model now? One
 * function for GET /v1/models/{id}/access and for CatalogGate.checkAccess,
 * so both answer the same status for the same request. Pure: the catalog
 * snapshot and the verified caller come in, a decision goes out.
 */
import type { Principal } from "../auth/principal";
import type { Snapshot } from "../catalog/cache";
import { successorOf } from "../catalog/http-caching";
import { findTarget, resolveId } from "../catalog/lookup";
import { accessStatusOf, type PublicModel } from "../catalog/public-model";
import type { SubscriptionTier } from "../domain/model-meta";
import { isTierAllowed, upgradeTierFor } from "../domain/tier-access";
import { ApiError } from "../http/errors";
import { toApiError } from "../http/failures";
import type { GateAnswer, GateError } from "./answer";
import type { UsageKey } from "./usage-counter";

/** What the caller asked for, and the model that answers for it. */
export interface Target {
  /** The resolved model: what inference runs. */
  modelId: string;
  /** The alias asked for, null when the caller named the model. */
  alias: string | null;
}

/** The one place an asked-for id becomes the model decided on: an alias resolves to its target with one map lookup. */
export function resolveTarget(snapshot: Snapshot, asked: string): Target {
  return resolveId(snapshot, asked);
}

export interface GateDecision {
  target: Target;
  tier: SubscriptionTier;
  /** The live model decided on; undefined when it is unknown or archived. */
  model: PublicModel | undefined;
  /** Why the gate refuses (the HTTP gate's error, status and headers), or null: allowed. */
  refusal: ApiError | null;
  /** A model the catalog has (live or archived): its decisions are usage. Unknown ids are not counted. */
  known: boolean;
}

function tierRefusal(model: PublicModel, id: string, tier: SubscriptionTier): ApiError | null {
  const rules = { requiredTier: model.required_tier, tierRestrictionMode: model.tier_restriction_mode, allowedTiers: model.allowed_tiers };
  if (isTierAllowed(rules, tier)) return null;
  const upgrade = upgradeTierFor(rules, tier);
  return new ApiError(
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

/** The decision for `principal` (null: anonymous, the free tier) asking for `asked`. */
export function decide(snapshot: Snapshot, asked: string, principal: Principal | null): GateDecision {
  const target = resolveTarget(snapshot, asked);
  const tier = principal?.tier ?? "free";
  let model: PublicModel;
  try {
    model = findTarget(snapshot, asked).entry.model;
  } catch (error) {
    // 404 unknown, or 410 archived (the model, or an alias's target) naming the recommended successor, Link header included.
    return { target, tier, model: undefined, refusal: toApiError(error), known: snapshot.archived.has(target.modelId) };
  }
  const refusal =
    tierRefusal(model, target.modelId, tier) ??
    (model.is_available
      ? null
      : new ApiError("model_unavailable", `model ${target.modelId} is temporarily unavailable`, { headers: { "Retry-After": "60" } }));
  return { target, tier, model, refusal, known: true };
}

/** The usage a decision counts as, or undefined for an id the catalog does not have. */
export function usageKeyOf(decision: GateDecision, caller: string): UsageKey | undefined {
  if (!decision.known) return undefined;
  return { model_id: decision.target.modelId, alias: decision.target.alias, caller, outcome: decision.refusal ? "refused" : "allowed" };
}

/** The HTTP gate's error object for a refusal. */
export function errorOf(refusal: ApiError, requestId: string): GateError {
  return {
    code: refusal.code,
    message: refusal.message,
    request_id: requestId,
    // Error details are built from JSON values (tier names, ids, zod issues).
    ...(refusal.options.details === undefined ? {} : { details: refusal.options.details as GateError["details"] }),
  };
}

/** The service binding's answer for a decision. */
export function answerOf(decision: GateDecision, requestId: string): GateAnswer {
  const { target, model, refusal, tier } = decision;
  return {
    allowed: refusal === null,
    status: refusal?.status ?? 200,
    model_id: target.modelId,
    alias: target.alias,
    access_status: model ? accessStatusOf(model, tier) : "restricted",
    legacy_info: model?.legacy_info ?? null,
    error: refusal && errorOf(refusal, requestId),
  };
}

/** The answer for a request refused before any model was decided on (bad input, bad token, our outage). */
export function refusedAnswer(asked: string, refusal: ApiError, requestId: string): GateAnswer {
  return {
    allowed: false,
    status: refusal.status,
    model_id: asked,
    alias: null,
    access_status: "restricted",
    legacy_info: null,
    error: errorOf(refusal, requestId),
  };
}

/** The HTTP gate's 200 body: `model` is the id asked for (as before), `model_id` the resolved one. */
export function grantBody(decision: GateDecision, asked: string) {
  const legacy = decision.model?.legacy_info;
  const successor = legacy && successorOf(legacy);
  return {
    allowed: true as const,
    model: asked,
    model_id: decision.target.modelId,
    alias: decision.target.alias,
    user_tier: decision.tier,
    ...(legacy && {
      legacy_info: legacy,
      warning: `model ${decision.target.modelId} is deprecated${successor ? `; migrate to ${successor}` : ""}`,
    }),
  };
}
