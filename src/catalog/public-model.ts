/**
 * What clients see of a model: the seed's ModelListResponse item, snake_case,
 * without staff-only fields (internal notes, compliance tags, provider
 * metadata). The zod schemas are the one definition: the types below, the
 * OpenAPI document and the contract test all come from them. Pure.
 */
import { z } from "@hono/zod-openapi";
import type { ModelRow } from "../../drizzle/schema";
import {
  ModalitySchema,
  ModelCapabilitySchema,
  type ModelMeta,
  SUBSCRIPTION_TIERS,
  type SubscriptionTier,
  SubscriptionTierSchema,
  TierRestrictionModeSchema,
} from "../domain/model-meta";
import { AccessStatusSchema, accessStatusFor } from "../domain/tier-access";

export const LegacyInfoSchema = z
  .strictObject({
    deprecated_at: z.string().optional().openapi({ description: "When the model was marked legacy (ISO 8601)" }),
    replacement_model_id: z.string().optional().openapi({ description: "The successor staff named" }),
    recommended_model_id: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "The first model along the chain of replacements that is not archived (null if none): use this one" }),
    deprecation_notice: z.string().optional(),
    sunset_date: z.string().optional().openapi({ description: "When the cron archives it (ISO 8601)" }),
  })
  .openapi("LegacyInfo");

/** The richer model data (what models.dev and OpenRouter publish): each present when staff set it. */
const richMetaShape = {
  modalities: z
    .strictObject({ input: z.array(ModalitySchema), output: z.array(ModalitySchema) })
    .optional()
    .openapi({ description: "What the model reads and writes", example: { input: ["text", "image"], output: ["text"] } }),
  cache_read_cost_per_million_tokens: z.number().int().optional().openapi({ description: "Cached input, same unit as the other costs" }),
  cache_write_cost_per_million_tokens: z
    .number()
    .int()
    .optional()
    .openapi({ description: "Writing the cache, same unit as the other costs" }),
  reasoning: z.boolean().optional(),
  structured_outputs: z.boolean().optional(),
  knowledge_cutoff: z.string().optional().openapi({ description: "YYYY-MM or YYYY-MM-DD", example: "2024-06" }),
  release_date: z.string().optional().openapi({ description: "YYYY-MM-DD", example: "2024-05-13" }),
  open_weights: z.boolean().optional(),
  regions: z
    .array(z.string())
    .optional()
    .openapi({ description: "Where it is served", example: ["us", "eu"] }),
  rate_limits: z
    .partialRecord(SubscriptionTierSchema, z.strictObject({ requests_per_minute: z.number().int(), tokens_per_minute: z.number().int() }))
    .optional()
    .openapi({ description: "Per tier", example: { pro: { requests_per_minute: 500, tokens_per_minute: 300_000 } } }),
};

function richMetaOf(meta: ModelMeta) {
  // In the tiers' order, whatever order the jsonb column keeps keys in.
  const limits = SUBSCRIPTION_TIERS.flatMap((tier) => {
    const limit = meta.rateLimits?.[tier];
    return limit ? [[tier, { requests_per_minute: limit.requestsPerMinute, tokens_per_minute: limit.tokensPerMinute }] as const] : [];
  });
  return {
    ...(meta.modalities && { modalities: meta.modalities }),
    ...(meta.cacheReadCostPerMillionTokens !== undefined && { cache_read_cost_per_million_tokens: meta.cacheReadCostPerMillionTokens }),
    ...(meta.cacheWriteCostPerMillionTokens !== undefined && { cache_write_cost_per_million_tokens: meta.cacheWriteCostPerMillionTokens }),
    ...(meta.reasoning !== undefined && { reasoning: meta.reasoning }),
    ...(meta.structuredOutputs !== undefined && { structured_outputs: meta.structuredOutputs }),
    ...(meta.knowledgeCutoff !== undefined && { knowledge_cutoff: meta.knowledgeCutoff }),
    ...(meta.releaseDate !== undefined && { release_date: meta.releaseDate }),
    ...(meta.openWeights !== undefined && { open_weights: meta.openWeights }),
    ...(meta.regions && { regions: meta.regions }),
    ...(limits.length > 0 && { rate_limits: Object.fromEntries(limits) }),
  };
}

const publicModelShape = {
  id: z.string(),
  alias_for: z
    .string()
    .optional()
    .openapi({ description: "On an alias's entry: the model it points at (the entry shows that model's fields under the alias's id)" }),
  name: z.string(),
  provider: z.string(),
  display_name: z.string(),
  description: z.string().optional(),
  version: z.string().optional(),
  capabilities: z.array(ModelCapabilitySchema),
  context_length: z.number().int(),
  max_output_tokens: z.number().int().optional(),
  input_cost_per_million_tokens: z.number().int(),
  output_cost_per_million_tokens: z.number().int(),
  credits_per_1k_tokens: z.number().int(),
  ...richMetaShape,
  is_available: z.boolean(),
  is_legacy: z.boolean(),
  is_archived: z.boolean(),
  required_tier: SubscriptionTierSchema,
  tier_restriction_mode: TierRestrictionModeSchema,
  allowed_tiers: z.array(SubscriptionTierSchema),
  legacy_info: LegacyInfoSchema.optional().openapi({ description: "Present on legacy models" }),
};

/** gpt-4 from the seed catalog, as clients see it: the document's example. */
export const GPT_4_EXAMPLE = {
  id: "gpt-4",
  name: "gpt-4",
  provider: "openai",
  display_name: "GPT-4",
  description: "OpenAI GPT-4 with 8K context",
  capabilities: ["text", "function_calling", "code"],
  context_length: 8192,
  max_output_tokens: 4096,
  input_cost_per_million_tokens: 3000,
  output_cost_per_million_tokens: 6000,
  credits_per_1k_tokens: 10,
  is_available: true,
  is_legacy: false,
  is_archived: false,
  required_tier: "pro",
  tier_restriction_mode: "minimum",
  allowed_tiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
} satisfies Record<string, unknown>;

/** A model as every client sees it, before the caller's tier is known. */
export const PublicModelSchema = z.strictObject(publicModelShape).openapi("PublicModel", { example: GPT_4_EXAMPLE });

/** A catalog entry's aliases: sorted ids, [] when none (and on an alias's own entry: no chains). */
const aliasesField = z.array(z.string()).openapi({ description: "The aliases pointing at this model, sorted ([] when none)" });

/** A model with the caller's access status: what /v1/models and /v1/models/{id} answer. */
export const PublicModelWithAccessSchema = z
  .strictObject({ ...publicModelShape, aliases: aliasesField, access_status: AccessStatusSchema })
  .openapi("PublicModelWithAccess", { example: { ...GPT_4_EXAMPLE, aliases: [], access_status: "upgrade_required" } });

export type LegacyInfo = z.infer<typeof LegacyInfoSchema>;
export type PublicModel = z.infer<typeof PublicModelSchema>;
export type PublicModelWithAccess = z.infer<typeof PublicModelWithAccessSchema>;
/** A catalog entry before the caller's tier is known: a model with its aliases, or an alias's entry. */
export type CatalogEntry = PublicModel & { aliases: string[] };

/** An alias's entry: its target's public fields under the alias's id, `alias_for` naming the target. */
export function aliasEntry(alias: string, target: PublicModel): PublicModel {
  const { id, alias_for: _none, ...fields } = target;
  return { id: alias, alias_for: id, ...fields };
}

/** The row fields a public model is built from. */
export type ModelState = Pick<ModelRow, "id" | "name" | "provider" | "isAvailable" | "isLegacy" | "isArchived" | "legacySince" | "meta">;

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
    ...richMetaOf(meta),
    is_available: model.isAvailable,
    is_legacy: model.isLegacy,
    is_archived: model.isArchived,
    required_tier: meta.requiredTier,
    tier_restriction_mode: meta.tierRestrictionMode,
    allowed_tiers: meta.allowedTiers,
    ...(model.isLegacy && { legacy_info: legacyInfoOf(meta, model.legacySince) }),
  };
}

export function accessStatusOf(model: PublicModel, tier: SubscriptionTier) {
  return accessStatusFor(
    { requiredTier: model.required_tier, tierRestrictionMode: model.tier_restriction_mode, allowedTiers: model.allowed_tiers },
    tier,
  );
}

export function withAccess(model: CatalogEntry, tier: SubscriptionTier): PublicModelWithAccess {
  return { ...model, access_status: accessStatusOf(model, tier) };
}

/** Clients see models by provider, then id. */
export function byProviderThenId(a: { provider: string; id: string }, b: { provider: string; id: string }): number {
  return a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
