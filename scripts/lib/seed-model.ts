/**
 * What a seed model is, and the shorthands the curated catalog
 * (scripts/data/seed-catalog.ts) and the synthetic generator
 * (synthetic-models.ts) build them with. Every meta must pass `ModelMetaSchema.parse`.
 */
import { type Modality, type ModelCapability, type ModelMeta, type SubscriptionTier, TIER_LADDER } from "../../src/domain/model-meta";

export interface SeedModel {
  id: string;
  name: string;
  provider: string;
  isAvailable: boolean;
  isLegacy: boolean;
  isArchived: boolean;
  meta: ModelMeta;
}

type LadderTier = (typeof TIER_LADDER)[number];

/** allowedTiers for "minimum" mode: the required tier and every ladder tier above it. */
export function fromTier(tier: LadderTier): SubscriptionTier[] {
  return TIER_LADDER.slice(TIER_LADDER.indexOf(tier));
}

interface Lifecycle {
  isAvailable?: boolean;
  isLegacy?: boolean;
  isArchived?: boolean;
}

/** A model as the curated catalog lists it: available, not legacy, not archived unless `lifecycle` says. */
export function seedModel(id: string, provider: string, meta: ModelMeta, lifecycle: Lifecycle = {}): SeedModel {
  return {
    id,
    name: id,
    provider,
    isAvailable: lifecycle.isAvailable ?? true,
    isLegacy: lifecycle.isLegacy ?? false,
    isArchived: lifecycle.isArchived ?? false,
    meta,
  };
}

export const EVERY_CAPABILITY = ["text", "vision", "function_calling", "code", "long_context"] satisfies ModelCapability[];

/** A model that writes text, reading the given modalities. */
export const reads = (...input: Modality[]): NonNullable<ModelMeta["modalities"]> => ({ input, output: ["text"] });
