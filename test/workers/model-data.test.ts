/**
 * The richer model data (spec Part 3 "Richer model data"): modalities, cache
 * prices, reasoning, structured outputs, knowledge cutoff, release date, open
 * weights, regions and per-tier rate limits are public, snake_case in both
 * views and the detail, filterable by `modality`, `region` and `reasoning`,
 * and their changes are told by the feed.
 */
import { describe, expect, it } from "vitest";
import type { PublicModel } from "../../src/catalog/public-model";
import type { ModelMeta } from "../../src/domain/model-meta";
import { adminToken, call, expectError } from "./support/client";
import { type FeedEvent, feedEnd, feedSince } from "./support/feed";
import { createModel, uniqueProvider } from "./support/fixtures";

const RICH: Partial<ModelMeta> = {
  modalities: { input: ["text", "image", "file"], output: ["text"] },
  cacheReadCostPerMillionTokens: 30,
  cacheWriteCostPerMillionTokens: 375,
  reasoning: true,
  structuredOutputs: true,
  knowledgeCutoff: "2025-03",
  releaseDate: "2025-05-22",
  openWeights: false,
  regions: ["us", "eu"],
  rateLimits: {
    pro: { requestsPerMinute: 500, tokensPerMinute: 300_000 },
    enterprise_max: { requestsPerMinute: 5000, tokensPerMinute: 4_000_000 },
  },
};

const SNAKE = {
  modalities: { input: ["text", "image", "file"], output: ["text"] },
  cache_read_cost_per_million_tokens: 30,
  cache_write_cost_per_million_tokens: 375,
  reasoning: true,
  structured_outputs: true,
  knowledge_cutoff: "2025-03",
  release_date: "2025-05-22",
  open_weights: false,
  regions: ["us", "eu"],
  rate_limits: {
    pro: { requests_per_minute: 500, tokens_per_minute: 300_000 },
    enterprise_max: { requests_per_minute: 5000, tokens_per_minute: 4_000_000 },
  },
};

const listIds = async (path: string) => {
  const response = await call(path);
  expect(response.status, await response.clone().text()).toBe(200);
  const body = await response.json<{ models?: PublicModel[]; data?: PublicModel[] }>();
  return (body.models ?? body.data ?? []).map((model) => model.id).toSorted();
};

describe("the richer fields in the public views", () => {
  it("shows them snake_case in the list, the detail and the OpenAI view", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider, meta: RICH });
    const list = await (await call(`/v1/models?provider=${provider}`)).json<{ models: PublicModel[] }>();
    expect(list.models[0]).toMatchObject(SNAKE);
    expect(await (await call(`/v1/models/${model.id}`)).json()).toMatchObject(SNAKE);
    const openai = await (await call(`/openai/v1/models?provider=${provider}`)).json<{ data: PublicModel[] }>();
    expect(openai.data[0]).toMatchObject(SNAKE);
    expect(await (await call(`/openai/v1/models/${model.id}`)).json()).toMatchObject(SNAKE);
    // No camelCase twin leaks through.
    expect(JSON.stringify(list)).not.toMatch(/cacheRead|rateLimits|requestsPerMinute|knowledgeCutoff|openWeights/);
  });

  it("lists rate limits in the tiers' order, whatever order they were sent or stored in", async () => {
    const limit = { requestsPerMinute: 1, tokensPerMinute: 1 };
    const model = await createModel({ meta: { rateLimits: { enterprise_max: limit, pro: limit, enterprise_pro: limit } } });
    const body = await (await call(`/v1/models/${model.id}`)).json<{ rate_limits: Record<string, unknown> }>();
    expect(Object.keys(body.rate_limits)).toEqual(["pro", "enterprise_pro", "enterprise_max"]);
  });

  it("leaves out what staff did not set", async () => {
    const model = await createModel();
    const body = await (await call(`/v1/models/${model.id}`)).json<Record<string, unknown>>();
    for (const key of Object.keys(SNAKE)) expect(body).not.toHaveProperty(key);
  });

  it("is refused with the field named when it breaks a rule (a date that does not exist, an unknown modality or tier)", async () => {
    for (const [field, value] of [
      ["releaseDate", "2026-02-30"],
      ["knowledgeCutoff", "2024-13"],
      ["modalities", { input: ["text", "pdf"], output: ["text"] }],
      ["regions", ["EU"]],
      ["rateLimits", { gold: { requestsPerMinute: 1, tokensPerMinute: 1 } }],
      ["cacheReadCostPerMillionTokens", -1],
    ] as const) {
      const response = await call("/admin/models", {
        token: await adminToken(),
        json: { id: `bad-${crypto.randomUUID().slice(0, 8)}`, name: "bad", provider: "testprov", meta: { ...baseMeta(), [field]: value } },
      });
      const body = await expectError(response, 400, "invalid_request");
      expect(JSON.stringify(body.error.details), field).toContain(field);
    }
  });
});

function baseMeta(): Partial<ModelMeta> {
  return {
    displayName: "Bad",
    capabilities: ["text"],
    contextLength: 8192,
    inputCostPerMillionTokens: 1,
    outputCostPerMillionTokens: 1,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: ["free"],
  };
}

describe.each([
  ["/v1/models", "GET /v1/models"],
  ["/openai/v1/models", "GET /openai/v1/models"],
])("%s: the modality, region and reasoning filters", (path) => {
  async function models() {
    const provider = uniqueProvider();
    const textOnly = await createModel({ provider, meta: { modalities: { input: ["text"], output: ["text"] }, regions: ["us"] } });
    const vision = await createModel({
      provider,
      meta: { modalities: { input: ["text", "image"], output: ["text"] }, regions: ["us", "eu"], reasoning: false },
    });
    const everything = await createModel({
      provider,
      meta: { modalities: { input: ["text", "image", "audio"], output: ["text", "audio"] }, regions: ["eu"], reasoning: true },
    });
    const undeclared = await createModel({ provider });
    return { provider, textOnly, vision, everything, undeclared };
  }

  it("modality: every input modality named must be accepted; the output side does not count", async () => {
    const { provider, vision, everything } = await models();
    expect(await listIds(`${path}?provider=${provider}&modality=image`)).toEqual([vision.id, everything.id].toSorted());
    expect(await listIds(`${path}?provider=${provider}&modality=image&modality=audio`)).toEqual([everything.id]);
    expect(await listIds(`${path}?provider=${provider}&modality=video`)).toEqual([]);
  });

  it("region: every region named must be listed; a model without regions matches none", async () => {
    const { provider, textOnly, vision, everything } = await models();
    expect(await listIds(`${path}?provider=${provider}&region=eu`)).toEqual([vision.id, everything.id].toSorted());
    expect(await listIds(`${path}?provider=${provider}&region=us&region=eu`)).toEqual([vision.id]);
    expect(await listIds(`${path}?provider=${provider}&region=us`)).toEqual([textOnly.id, vision.id].toSorted());
  });

  it("reasoning: true is the models that say so; false the others, stated or not", async () => {
    const { provider, textOnly, vision, everything, undeclared } = await models();
    expect(await listIds(`${path}?provider=${provider}&reasoning=true`)).toEqual([everything.id]);
    expect(await listIds(`${path}?provider=${provider}&reasoning=false`)).toEqual([textOnly.id, vision.id, undeclared.id].toSorted());
  });

  it("combines with the other filters, and each filter names its own ETag", async () => {
    const { provider, vision } = await models();
    expect(await listIds(`${path}?provider=${provider}&modality=image&region=us&reasoning=false`)).toEqual([vision.id]);
    const etags = await Promise.all(
      ["modality=image", "region=eu", "reasoning=true", "reasoning=false"].map(async (query) =>
        (await call(`${path}?provider=${provider}&${query}`)).headers.get("ETag"),
      ),
    );
    expect(new Set(etags).size).toBe(4);
    // The same filters in another order are the same bytes.
    const [a, b] = await Promise.all(
      [`region=us&region=eu`, `region=eu&region=us`].map(async (query) =>
        (await call(`${path}?provider=${provider}&${query}`)).headers.get("ETag"),
      ),
    );
    expect(a).toBe(b);
  });

  it.each([
    ["an unknown modality", "?modality=pdf"],
    ["an empty modality", "?modality="],
    ["a region that is no region code", "?region=EU"],
    ["an empty region", "?region="],
    ["reasoning=yes", "?reasoning=yes"],
    ["a repeated reasoning", "?reasoning=true&reasoning=false"],
    ["too many modalities", `?${Array.from({ length: 6 }, () => "modality=text").join("&")}`],
  ])("refuses %s with a 400", async (_, query) => {
    const response = await call(`${path}${query}`);
    expect(response.status).toBe(400);
  });
});

describe("the change feed", () => {
  it("names a changed rich field in changed_fields, snake_case", async () => {
    const start = await feedEnd();
    const model = await createModel({ meta: { regions: ["us"] } });
    const token = await adminToken();
    const patch = (json: Record<string, unknown>) => call(`/admin/models/${model.id}/meta`, { method: "PATCH", token, json });
    expect((await patch({ regions: ["us", "eu"] })).status).toBe(200);
    expect((await patch({ modalities: { input: ["text", "image"], output: ["text"] }, reasoning: true })).status).toBe(200);
    expect((await patch({ rateLimits: { pro: { requestsPerMinute: 60, tokensPerMinute: 90_000 } } })).status).toBe(200);
    const mine = (await feedSince(start)).events.filter((event: FeedEvent) => event.model_id === model.id);
    expect(mine.map((event) => [event.type, event.changed_fields])).toEqual([
      ["model.created", expect.arrayContaining(["regions"])],
      ["model.updated", ["regions"]],
      ["model.updated", ["modalities", "reasoning"]],
      ["model.updated", ["rate_limits"]],
    ]);
    expect(mine.at(-1)?.model).toMatchObject({ rate_limits: { pro: { requests_per_minute: 60, tokens_per_minute: 90_000 } } });
  });
});
