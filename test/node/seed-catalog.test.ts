/**
 * The seed catalog (issue 2 item 6): the plan's examples, a realistic current
 * catalog, and deterministic synthetic models for benchmarks, all valid meta.
 */
import { describe, expect, it } from "vitest";
import { SEED_ALIASES, SEED_MODELS } from "../../scripts/data/seed-catalog";
import type { SeedModel } from "../../scripts/lib/seed-model";
import { syntheticModels } from "../../scripts/lib/synthetic-models";
import { MODEL_ID_PATTERN, ModelMetaSchema, SUBSCRIPTION_TIERS } from "../../src/domain/model-meta";

const byId = new Map(SEED_MODELS.map((model) => [model.id, model]));
const isCurrent = (model: SeedModel) => !model.isArchived && !model.isLegacy;
const issuesOf = (meta: unknown) => ModelMetaSchema.safeParse(meta).error?.issues;

/** The rules every batch of models must follow to be inserted and served. */
function checkConsistency(models: readonly SeedModel[], known: Map<string, SeedModel>) {
  for (const model of models) {
    const { meta } = model;
    const legacyFields = [meta.legacyReplacementModelId, meta.deprecationNotice, meta.sunsetDate].filter((v) => v !== undefined);
    // Legacy details only on legacy models: unmark-legacy strips them, so an active model never carries them.
    if (!model.isLegacy) expect(legacyFields, model.id).toEqual([]);
    const replacementId = meta.legacyReplacementModelId;
    if (replacementId !== undefined) {
      const replacement = known.get(replacementId);
      expect(replacement, `${model.id} -> ${replacementId}`).toBeDefined();
      expect(replacementId, model.id).not.toBe(model.id);
      // A live legacy model must point somewhere usable, as mark-legacy requires.
      if (!model.isArchived) expect(replacement?.isArchived, `${model.id} -> ${replacementId}`).toBe(false);
    }
  }
}

describe("SEED_MODELS", () => {
  it.each(SEED_MODELS.map((model) => [model.id, model] as const))("%s has valid meta", (_, model) => {
    expect(issuesOf(model.meta)).toBeUndefined();
    // Stored as written: nothing for the schema to trim or coerce.
    expect(ModelMetaSchema.parse(model.meta)).toStrictEqual(model.meta);
  });

  it("has unique, well-formed ids, names and providers", () => {
    expect(byId.size).toBe(SEED_MODELS.length);
    for (const model of SEED_MODELS) {
      expect(model.id).toMatch(MODEL_ID_PATTERN);
      expect(model.name.trim()).not.toBe("");
      expect(model.provider).toMatch(/^[a-z0-9][a-z0-9._-]{0,63}$/);
    }
  });

  it("points every replacement at another existing, unarchived model; legacy details only on legacy models", () => {
    checkConsistency(SEED_MODELS, byId);
  });

  it("has at least 30 current models from several providers", () => {
    const current = SEED_MODELS.filter(isCurrent);
    expect(current.length).toBeGreaterThanOrEqual(30);
    expect(new Set(current.map((model) => model.provider)).size).toBeGreaterThanOrEqual(5);
  });

  it("exercises every restriction mode and every tier, for the list and access tests", () => {
    expect(new Set(SEED_MODELS.map((model) => model.meta.tierRestrictionMode))).toEqual(new Set(["minimum", "exact", "whitelist"]));
    expect(new Set(SEED_MODELS.flatMap((model) => model.meta.allowedTiers))).toEqual(new Set(SUBSCRIPTION_TIERS));
    expect(SEED_MODELS.some((model) => !model.isAvailable && !model.isArchived)).toBe(true);
  });

  describe("the richer model data", () => {
    const PLAN_EXAMPLES = new Set(["gpt-4", "gpt-3.5-turbo", "gpt-2"]);
    const curated = SEED_MODELS.filter((model) => !PLAN_EXAMPLES.has(model.id));

    it.each(curated.map((model) => [model.id, model] as const))(
      "%s states its modalities, reasoning, release date and open weights",
      (_, model) => {
        const { meta } = model;
        expect(meta.modalities?.output, model.id).toContain("text");
        expect(meta.reasoning, model.id).toEqual(expect.any(Boolean));
        expect(meta.releaseDate, model.id).toEqual(expect.any(String));
        expect(meta.openWeights, model.id).toEqual(expect.any(Boolean));
      },
    );

    it("agrees with the capabilities: image input exactly on vision models", () => {
      for (const { id, meta } of curated) expect(meta.modalities?.input.includes("image"), id).toBe(meta.capabilities.includes("vision"));
    });

    it("prices cache reads below the input price, and cache writes above it", () => {
      for (const { id, meta } of curated) {
        if (meta.cacheReadCostPerMillionTokens !== undefined)
          expect(meta.cacheReadCostPerMillionTokens, id).toBeLessThan(meta.inputCostPerMillionTokens);
        if (meta.cacheWriteCostPerMillionTokens !== undefined)
          expect(meta.cacheWriteCostPerMillionTokens, id).toBeGreaterThan(meta.inputCostPerMillionTokens);
      }
    });

    it("releases a model after its knowledge cutoff, and gives rate limits only to tiers that may call it", () => {
      for (const { id, meta } of curated) {
        if (meta.knowledgeCutoff && meta.releaseDate) expect(meta.knowledgeCutoff < meta.releaseDate, id).toBe(true);
        for (const tier of Object.keys(meta.rateLimits ?? {})) expect(meta.allowedTiers, `${id} ${tier}`).toContain(tier);
      }
    });

    it("gives the filters something to find: reasoning and non-reasoning models, image and audio input, several regions", () => {
      expect(new Set(curated.map((model) => model.meta.reasoning))).toEqual(new Set([true, false]));
      expect(curated.some((model) => model.meta.modalities?.input.includes("audio"))).toBe(true);
      expect(new Set(curated.flatMap((model) => model.meta.regions ?? [])).size).toBeGreaterThanOrEqual(4);
      expect(curated.filter((model) => model.meta.rateLimits).length).toBeGreaterThan(0);
    });
  });

  describe("the plan's three examples", () => {
    it("gpt-4 is active with the plan's meta", () => {
      expect(byId.get("gpt-4")).toStrictEqual({
        id: "gpt-4",
        name: "gpt-4",
        provider: "openai",
        isAvailable: true,
        isLegacy: false,
        isArchived: false,
        meta: {
          displayName: "GPT-4",
          description: "OpenAI GPT-4 with 8K context",
          capabilities: ["text", "function_calling", "code"],
          contextLength: 8192,
          maxOutputTokens: 4096,
          inputCostPerMillionTokens: 3000,
          outputCostPerMillionTokens: 6000,
          creditsPer1kTokens: 10,
          requiredTier: "pro",
          tierRestrictionMode: "minimum",
          allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
        },
      });
    });

    it("gpt-3.5-turbo is legacy, still live, replaced by gpt-4 with the plan's notice and a sunset date", () => {
      const model = byId.get("gpt-3.5-turbo");
      expect(model).toMatchObject({ provider: "openai", isAvailable: true, isLegacy: true, isArchived: false });
      expect(model?.meta).toMatchObject({
        displayName: "GPT-3.5 Turbo (Legacy)",
        requiredTier: "free",
        legacyReplacementModelId: "gpt-4",
        deprecationNotice: "GPT-3.5 Turbo is deprecated. Please upgrade to GPT-4.",
      });
      expect(Number.isNaN(Date.parse(model?.meta.sunsetDate ?? ""))).toBe(false);
    });

    it("one example is archived", () => {
      const archived = SEED_MODELS.filter((model) => model.isArchived);
      expect(archived.map((model) => model.id)).toContain("gpt-2");
      expect(byId.get("gpt-2")).toMatchObject({ isLegacy: true, isArchived: true });
    });
  });
});

describe("syntheticModels", () => {
  const batch = syntheticModels(1000);
  const known = new Map([...byId, ...batch.map((model) => [model.id, model] as const)]);

  it("makes exactly N models numbered from 1, with ids that clash with nothing", () => {
    expect(batch).toHaveLength(1000);
    expect(batch[0]?.id).toBe("synthetic-00001");
    expect(batch.at(-1)?.id).toBe("synthetic-01000");
    expect(known.size).toBe(SEED_MODELS.length + 1000);
    for (const model of batch) expect(model.id).toMatch(MODEL_ID_PATTERN);
  });

  it("makes only valid meta", () => {
    const invalid = batch.filter((model) => issuesOf(model.meta)).map((model) => ({ id: model.id, issues: issuesOf(model.meta) }));
    expect(invalid).toEqual([]);
  });

  it("makes 10,000 valid models too (the large benchmark)", () => {
    const large = syntheticModels(10_000);
    expect(large).toHaveLength(10_000);
    expect(large.filter((model) => !ModelMetaSchema.safeParse(model.meta).success).map((model) => model.id)).toEqual([]);
  });

  it("is deterministic", () => {
    expect(syntheticModels(1000)).toStrictEqual(batch);
  });

  it("makes the same model for the same number in any batch, but for replacement links at the edges", () => {
    const withoutLinks = (models: SeedModel[]) =>
      models.map(({ meta: { legacyReplacementModelId: _r, deprecationNotice: _n, ...meta }, ...model }) => ({ ...model, meta }));
    expect(withoutLinks(syntheticModels(10, 5))).toStrictEqual(withoutLinks(syntheticModels(15).slice(5)));
    expect(syntheticModels(10, 5)[0]?.id).toBe("synthetic-00006");
  });

  it("makes live models, about 5% legacy, with replacements that exist, are not legacy, and differ", () => {
    expect(batch.every((model) => model.isAvailable && !model.isArchived)).toBe(true);
    const legacy = batch.filter((model) => model.isLegacy);
    expect(legacy.length).toBeGreaterThanOrEqual(20);
    expect(legacy.length).toBeLessThanOrEqual(100);
    checkConsistency(batch, known);
    for (const model of legacy) {
      expect(model.meta.legacyReplacementModelId).toBeDefined();
      expect(known.get(model.meta.legacyReplacementModelId ?? "")?.isLegacy, model.id).toBe(false);
    }
  });

  it("varies providers, capabilities, tiers and modes, for filters to bite", () => {
    expect(new Set(batch.map((model) => model.provider)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(batch.flatMap((model) => model.meta.capabilities)).size).toBe(5);
    expect(new Set(batch.map((model) => model.meta.requiredTier))).toEqual(new Set(SUBSCRIPTION_TIERS));
    expect(new Set(batch.map((model) => model.meta.tierRestrictionMode))).toEqual(new Set(["minimum", "exact", "whitelist"]));
  });
});

describe("SEED_ALIASES", () => {
  it("point at live seed models, under ids no model has, with no alias of an alias", () => {
    const aliasIds = new Set(SEED_ALIASES.map((entry) => entry.alias));
    expect(aliasIds.size).toBe(SEED_ALIASES.length);
    for (const { alias, targetModelId } of SEED_ALIASES) {
      expect(byId.has(alias), alias).toBe(false);
      expect(byId.get(targetModelId)?.isArchived, targetModelId).toBe(false);
      expect(aliasIds.has(targetModelId)).toBe(false);
    }
  });
});
