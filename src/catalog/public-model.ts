/**
 * What clients see of a model: the seed's ModelListResponse item, snake_case,
 * without staff-only fields (internal notes, compliance tags, provider
 * metadata). Pure: no runtime needed.
 */
import type { ModelMeta, SubscriptionTier } from "../domain/model-meta";
import { type AccessStatus, accessStatusFor } from "../domain/tier-access";

export interface LegacyInfo {
  /** When the model was marked legacy (ISO 8601). */
  deprecated_at?: string;
  replacement_model_id?: string;
  deprecation_notice?: string;
  sunset_date?: string;
}

export interface PublicModel {
  id: string;
  name: string;
  provider: string;
  display_name: string;
  description?: string;
  version?: string;
  capabilities: string[];
  context_length: number;
  max_output_tokens?: number;
  input_cost_per_million_tokens: number;
  output_cost_per_million_tokens: number;
  credits_per_1k_tokens: number;
  is_available: boolean;
  is_legacy: boolean;
  is_archived: boolean;
  required_tier: SubscriptionTier;
  tier_restriction_mode: ModelMeta["tierRestrictionMode"];
  allowed_tiers: SubscriptionTier[];
  legacy_info?: LegacyInfo;
}

export type PublicModelWithAccess = PublicModel & { access_status: AccessStatus };

export interface ModelState {
  id: string;
  name: string;
  provider: string;
  isAvailable: boolean;
  isLegacy: boolean;
  isArchived: boolean;
  legacySince: Date | null;
  meta: ModelMeta;
}

export function legacyInfoOf(meta: ModelMeta, legacySince: Date | null): LegacyInfo {
  return {
    ...(legacySince && { deprecated_at: legacySince.toISOString() }),
    ...(meta.legacyReplacementModelId && { replacement_model_id: meta.legacyReplacementModelId }),
    ...(meta.deprecationNotice && { deprecation_notice: meta.deprecationNotice }),
    ...(meta.sunsetDate && { sunset_date: meta.sunsetDate }),
  };
}

export function toPublicModel(model: ModelState): PublicModel {
  const { meta } = model;
  return {
    id: model.id,
    name: model.name,
    provider: model.provider,
    display_name: meta.displayName,
    ...(meta.description !== undefined && { description: meta.description }),
    ...(meta.version !== undefined && { version: meta.version }),
    capabilities: meta.capabilities,
    context_length: meta.contextLength,
    ...(meta.maxOutputTokens !== undefined && { max_output_tokens: meta.maxOutputTokens }),
    input_cost_per_million_tokens: meta.inputCostPerMillionTokens,
    output_cost_per_million_tokens: meta.outputCostPerMillionTokens,
    credits_per_1k_tokens: meta.creditsPer1kTokens,
    is_available: model.isAvailable,
    is_legacy: model.isLegacy,
    is_archived: model.isArchived,
    required_tier: meta.requiredTier,
    tier_restriction_mode: meta.tierRestrictionMode,
    allowed_tiers: meta.allowedTiers,
    ...(model.isLegacy && { legacy_info: legacyInfoOf(meta, model.legacySince) }),
  };
}

export function accessStatusOf(model: PublicModel, tier: SubscriptionTier): AccessStatus {
  return accessStatusFor(
    { requiredTier: model.required_tier, tierRestrictionMode: model.tier_restriction_mode, allowedTiers: model.allowed_tiers },
    tier,
  );
}

export function withAccess(model: PublicModel, tier: SubscriptionTier): PublicModelWithAccess {
  return { ...model, access_status: accessStatusOf(model, tier) };
}

/** Clients see models by provider, then id. */
export function byProviderThenId(a: { provider: string; id: string }, b: { provider: string; id: string }): number {
  return a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
