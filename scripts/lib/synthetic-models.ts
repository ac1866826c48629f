/**
 * Deterministic synthetic models for load and filter tests (`npm run bench`,
 * `npm run db:seed -- --synthetic N`).
 */
import type { ModelCapability, ModelMeta, SubscriptionTier } from "../../src/domain/model-meta";
import { fromTier, type SeedModel } from "./seed-model";

const SYNTHETIC_PROVIDERS = ["openai", "anthropic", "google", "mistral", "meta", "cohere"] as const;
const CONTEXT_LENGTHS = [8192, 16_384, 32_768, 65_536, 128_000, 200_000, 1_048_576] as const;
const OUTPUT_LIMITS = [4096, 8192, 16_384, 32_768] as const;
// Weighted toward the low tiers, as a real catalog is.
const REQUIRED_TIERS: readonly SubscriptionTier[] = [
  "free",
  "free",
  "free",
  "pro",
  "pro",
  "pro_max",
  "enterprise_pro",
  "enterprise_max",
  "perpetual",
];
const LONG_CONTEXT_MIN = 128_000;

/**
 * Deterministic per-index stream (an LCG seeded from the index), so a model's
 * fields depend only on its number: `syntheticModels(10, 5)` matches
 * `syntheticModels(15).slice(5)` except for legacy replacement links at a batch edge.
 */
function indexRandom(n: number): () => number {
  let state = (Math.imul(n, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

const pick = <T>(list: readonly T[], r: number): T => list[Math.floor(r * list.length)] as T;

// About 5% legacy, decided by the index alone so a replacement's status is known without generating it.
const isSyntheticLegacy = (n: number): boolean => indexRandom(n ^ 0x2f6b)() < 0.05;

const syntheticId = (n: number): string => `synthetic-${String(n).padStart(5, "0")}`;

function tierRules(rand: () => number): Pick<ModelMeta, "requiredTier" | "tierRestrictionMode" | "allowedTiers"> {
  const requiredTier = pick(REQUIRED_TIERS, rand());
  const modeRoll = rand();
  // perpetual is off the ladder, so it only makes sense as exact or whitelist.
  if (requiredTier === "perpetual" || modeRoll < 0.1) {
    return { requiredTier, tierRestrictionMode: "exact", allowedTiers: [requiredTier] };
  }
  if (modeRoll < 0.2) {
    const allowedTiers: SubscriptionTier[] = [requiredTier];
    for (const tier of ["enterprise_pro", "enterprise_max", "perpetual"] as const) {
      if (tier !== requiredTier && rand() < 0.5) allowedTiers.push(tier);
    }
    return { requiredTier, tierRestrictionMode: "whitelist", allowedTiers };
  }
  return { requiredTier, tierRestrictionMode: "minimum", allowedTiers: fromTier(requiredTier) };
}

function syntheticModel(n: number, batchFirst: number, batchLast: number): SeedModel {
  const rand = indexRandom(n);
  const id = syntheticId(n);
  const provider = pick(SYNTHETIC_PROVIDERS, rand());
  const contextLength = pick(CONTEXT_LENGTHS, rand());

  const capabilities: ModelCapability[] = ["text"];
  if (rand() < 1 / 3) capabilities.push("vision");
  if (rand() < 0.6) capabilities.push("function_calling");
  if (rand() < 0.4) capabilities.push("code");
  if (contextLength >= LONG_CONTEXT_MIN) capabilities.push("long_context");

  const input = 5 + Math.floor(rand() * 1500);
  const output = input * (2 + Math.floor(rand() * 4));
  const meta: ModelMeta = {
    displayName: `Synthetic ${provider} ${n}`,
    description: `Synthetic ${provider} model #${n} for load and filter tests`,
    version: `${1 + (n % 4)}.${n % 10}`,
    capabilities,
    contextLength,
    maxOutputTokens: Math.min(contextLength, pick(OUTPUT_LIMITS, rand())),
    inputCostPerMillionTokens: input,
    outputCostPerMillionTokens: output,
    creditsPer1kTokens: Math.max(1, Math.round((input + output) / 900)),
    ...tierRules(rand),
  };
  if (rand() < 0.2) meta.complianceTags = [...pick([["soc2"], ["soc2", "gdpr"], ["hipaa", "soc2"]], rand())];

  const isLegacy = isSyntheticLegacy(n);
  if (isLegacy) {
    meta.legacyReplacementModelId = syntheticReplacement(n, batchFirst, batchLast);
    meta.deprecationNotice = `${meta.displayName} is deprecated. Please move to ${meta.legacyReplacementModelId}.`;
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    meta.sunsetDate = `2028-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T00:00:00Z`;
  }

  return { id, name: id, provider, isAvailable: true, isLegacy, isArchived: false, meta };
}

/** The nearest non-legacy synthetic in the same batch, so a batch is self-consistent; else a seed model. */
function syntheticReplacement(n: number, first: number, last: number): string {
  for (let distance = 1; n - distance >= first || n + distance <= last; distance++) {
    if (n - distance >= first && !isSyntheticLegacy(n - distance)) return syntheticId(n - distance);
    if (n + distance <= last && !isSyntheticLegacy(n + distance)) return syntheticId(n + distance);
  }
  return "gpt-4";
}

/**
 * `count` deterministic synthetic models numbered from `startIndex + 1`
 * (`synthetic-00001`, ...): valid meta, varied providers, capabilities, tiers
 * and modes, about 5% legacy, all available, none archived. No zod parsing
 * here, so 10,000 are cheap to build.
 */
export function syntheticModels(count: number, startIndex = 0): SeedModel[] {
  const first = startIndex + 1;
  const last = startIndex + count;
  const models: SeedModel[] = [];
  for (let n = first; n <= last; n++) models.push(syntheticModel(n, first, last));
  return models;
}
