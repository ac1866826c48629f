import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DeclaredModel } from "../../../scripts/catalog/catalog-file";
import { ImportBuilder, normalizeId } from "../../../scripts/catalog/importers/import-builder";
import { importLiteLlm } from "../../../scripts/catalog/importers/litellm";
import { importModelsDev } from "../../../scripts/catalog/importers/models-dev";
import { importOpenRouter } from "../../../scripts/catalog/importers/openrouter";

const NOW = new Date("2026-12-03T00:00:00Z");
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/catalog/${name}`, import.meta.url), "utf8"));
const byId = (models: DeclaredModel[]) => Object.fromEntries(models.map((model) => [model.id, model]));

describe("price units", () => {
  const builder = () => new ImportBuilder("litellm", { now: NOW });

  it("turns US dollars per token into integer cents per million tokens", () => {
    const b = builder();
    expect(b.perTokenPrice("m", "input", 0.0000025)).toBe(250); // $2.50 per 1M
    expect(b.perTokenPrice("m", "input", "0.00001")).toBe(1000); // OpenRouter's strings
    expect(b.perTokenPrice("m", "input", 3e-7)).toBe(30);
    expect(b.perTokenPrice("m", "input", "0")).toBe(0);
    expect(b.report.rounded).toEqual([]);
  });

  it("turns US dollars per million tokens into cents", () => {
    const b = builder();
    expect(b.perMillionPrice("m", "cost.input", 2.5)).toBe(250);
    expect(b.perMillionPrice("m", "cost.input", 15)).toBe(1500);
    expect(b.perMillionPrice("m", "cost.input", 0.1)).toBe(10);
  });

  it("rounds a fraction of a cent and says so", () => {
    const b = builder();
    expect(b.perTokenPrice("m", "input", 7.5e-8)).toBe(8);
    expect(b.perMillionPrice("m", "cost.cache_read", 0.075)).toBe(8);
    expect(b.report.rounded).toEqual([
      { entry: "m", field: "input", exact: 7.5, rounded: 8 },
      { entry: "m", field: "cost.cache_read", exact: 7.5, rounded: 8 },
    ]);
  });

  it("refuses what is not a price", () => {
    const b = builder();
    expect(b.perTokenPrice("m", "input", "-1")).toBeUndefined();
    expect(b.perTokenPrice("m", "input", "free")).toBeUndefined();
    expect(b.perMillionPrice("m", "input", null)).toBeUndefined();
  });

  it("makes ids this catalog accepts", () => {
    expect(normalizeId("openai/GPT-4o")).toBe("openai-gpt-4o");
    expect(normalizeId("fixture-lite:free")).toBe("fixture-lite:free");
    expect(normalizeId("__x")).toBe("x");
    expect(normalizeId("///")).toBeUndefined();
  });
});

describe("import from models.dev", () => {
  const { catalog, report } = importModelsDev(fixture("models-dev-api.json"), { now: NOW });
  const models = byId(catalog.models);

  it("maps prices (already per million), limits, modalities (pdf is file) and the spec's fields", () => {
    expect(models["fixture-omni-1"]).toMatchObject({
      name: "fixture-omni-1",
      provider: "fixturelabs",
      lifecycle: "active",
      meta: {
        displayName: "Fixture Omni 1",
        inputCostPerMillionTokens: 250,
        outputCostPerMillionTokens: 1000,
        cacheReadCostPerMillionTokens: 25,
        cacheWriteCostPerMillionTokens: 313,
        contextLength: 200_000,
        maxOutputTokens: 32_000,
        modalities: { input: ["text", "image", "file"], output: ["text"] },
        capabilities: ["text", "vision", "function_calling", "long_context"],
        reasoning: true,
        structuredOutputs: true,
        knowledgeCutoff: "2025-03",
        releaseDate: "2025-06-12",
        openWeights: false,
        requiredTier: "free",
        tierRestrictionMode: "minimum",
      },
    });
  });

  it('imports status "deprecated" as legacy', () => {
    expect(models["fixture-mini-0"]).toMatchObject({
      lifecycle: "legacy",
      meta: { inputCostPerMillionTokens: 15, outputCostPerMillionTokens: 60, openWeights: true },
    });
  });

  it("skips an entry without prices and reports every field it did not map", () => {
    expect(report.skipped).toEqual([{ entry: "fixture-free-preview", reason: "missing input price, output price (required here)" }]);
    expect([...report.unmapped.keys()].sort()).toEqual([
      "(provider).doc",
      "(provider).env",
      "(provider).name",
      "(provider).npm",
      "attachment",
      "cost.reasoning",
      "family",
      "last_updated",
      "temperature",
    ]);
    expect(report.rounded).toEqual([{ entry: "fixturelabs/fixture-omni-1", field: "cost.cache_write", exact: 312.5, rounded: 313 }]);
  });

  it("keeps only the providers asked for", () => {
    const only = importModelsDev(fixture("models-dev-api.json"), { now: NOW, providers: ["someone-else"] });
    expect(only.catalog.models).toEqual([]);
    expect(only.report.skipped).toHaveLength(3);
  });
});

describe("import from LiteLLM", () => {
  const { catalog, report } = importLiteLlm(fixture("litellm-prices.json"), { now: NOW, tier: "pro" });
  const models = byId(catalog.models);

  it("converts per-token prices to cents per million and maps supports_* to capabilities and modalities", () => {
    expect(models["fixturecloud-chat-large"]).toMatchObject({
      provider: "fixturecloud",
      meta: {
        inputCostPerMillionTokens: 250,
        outputCostPerMillionTokens: 1000,
        cacheReadCostPerMillionTokens: 125,
        contextLength: 128_000,
        maxOutputTokens: 16_384,
        capabilities: ["text", "vision", "function_calling", "long_context"],
        modalities: { input: ["text", "image", "file"], output: ["text"] },
        structuredOutputs: true,
        regions: ["us", "eu"],
        requiredTier: "pro",
        allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
      },
    });
  });

  it("drops the provider prefix of a key and turns a future deprecation_date into a sunset", () => {
    expect(models["chat-small"]).toMatchObject({
      name: "chat-small",
      lifecycle: "legacy",
      legacy: { sunsetDate: "2099-03-31T00:00:00Z" },
      meta: { inputCostPerMillionTokens: 8, outputCostPerMillionTokens: 30, capabilities: ["text"] },
    });
  });

  it("skips sample_spec silently (it documents the file) and non-chat modes loudly; reports unmapped fields", () => {
    expect(report.entries).toBe(3);
    expect(report.skipped).toEqual([{ entry: "fixturecloud-embed-1", reason: "mode embedding is not a chat model" }]);
    expect([...report.unmapped.keys()].sort()).toEqual([
      "supports_parallel_function_calling",
      "supports_prompt_caching",
      "supports_system_messages",
      "supports_tool_choice",
    ]);
  });

  it("marks a passed deprecation date legacy without a sunset (the server refuses a past one)", () => {
    const past = importLiteLlm(
      {
        m: {
          litellm_provider: "p",
          mode: "chat",
          input_cost_per_token: 0,
          output_cost_per_token: 0,
          max_input_tokens: 10,
          deprecation_date: "2025-01-01",
        },
      },
      { now: NOW },
    );
    expect(past.catalog.models[0]).toMatchObject({ lifecycle: "legacy" });
    expect(past.catalog.models[0]?.legacy).toBeUndefined();
    expect(past.report.notes).toEqual([expect.stringMatching(/2025-01-01 has passed/)]);
  });
});

describe("import from OpenRouter", () => {
  const { catalog, report } = importOpenRouter(fixture("openrouter-models.json"), { now: NOW });
  const models = byId(catalog.models);

  it("splits provider/model, converts string per-token prices and reads capabilities from supported_parameters", () => {
    expect(models["fixture-router-pro"]).toMatchObject({
      provider: "fixtureai",
      meta: {
        displayName: "FixtureAI: Router Pro",
        description: "A fixture model for the importer tests.",
        inputCostPerMillionTokens: 125,
        outputCostPerMillionTokens: 1000,
        cacheReadCostPerMillionTokens: 31,
        cacheWriteCostPerMillionTokens: 163,
        contextLength: 1_000_000,
        maxOutputTokens: 65_536,
        modalities: { input: ["text", "image", "file"], output: ["text"] },
        capabilities: ["text", "vision", "function_calling", "long_context"],
        reasoning: true,
        structuredOutputs: true,
      },
    });
    expect(models["fixture-lite:free"]).toMatchObject({
      meta: { inputCostPerMillionTokens: 0, outputCostPerMillionTokens: 0, reasoning: false, capabilities: ["text"] },
    });
    expect(models["fixture-lite:free"]?.meta.maxOutputTokens).toBeUndefined();
  });

  it("skips a router priced -1 and reports the fields it has no place for", () => {
    expect(report.skipped).toEqual([{ entry: "openrouter/auto", reason: "has variable pricing (-1): it routes to other models" }]);
    expect(report.unmapped.get("pricing.image")).toEqual(["fixtureai/fixture-router-pro"]);
    expect(report.unmapped.get("created")).toHaveLength(2);
    expect(report.unmapped.has("pricing.prompt")).toBe(false);
  });

  it("reports a modality this catalog does not know instead of dropping it", () => {
    const odd = importOpenRouter(
      {
        data: [
          {
            id: "x/y",
            context_length: 10,
            pricing: { prompt: "0", completion: "0" },
            architecture: { input_modalities: ["text", "smell"], output_modalities: ["text"] },
          },
        ],
      },
      { now: NOW },
    );
    expect(odd.catalog.models[0]?.meta.modalities).toEqual({ input: ["text"], output: ["text"] });
    expect([...odd.report.unmapped.keys()]).toEqual(["architecture.input_modalities=smell"]);
  });

  it("refuses a file that is not in the source's shape", () => {
    expect(() => importOpenRouter({ models: [] }, { now: NOW })).toThrow(/expected \{"data"/);
    expect(() => importLiteLlm([], { now: NOW })).toThrow(/LiteLLM/);
    expect(() => importModelsDev("x", { now: NOW })).toThrow(/models\.dev/);
  });
});
