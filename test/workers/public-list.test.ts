/**
 * GET /v1/models: the list every client reads. The database is shared with
 * other test files, so each test lists only its own provider (or its own ids).
 */
import { describe, expect, it } from "vitest";
import type { ModelMeta } from "../../src/domain/model-meta";
import { adminPost, adminToken, call, type ErrorBody, expectError, mintToken, userToken } from "./support/client";
import { createModel, current, farSunset, uniqueProvider } from "./support/fixtures";

interface ListedModel {
  id: string;
  name: string;
  provider: string;
  display_name: string;
  capabilities: string[];
  context_length: number;
  credits_per_1k_tokens: number;
  is_available: boolean;
  is_legacy: boolean;
  is_archived: boolean;
  required_tier: string;
  tier_restriction_mode: string;
  allowed_tiers: string[];
  access_status: "allowed" | "upgrade_required" | "restricted";
  legacy_info?: { replacement_model_id?: string; deprecation_notice?: string; sunset_date?: string; deprecated_at?: string };
}
interface ListBody {
  models: ListedModel[];
  total: number;
  user_tier: string;
}

async function list(query = "", token?: string): Promise<{ response: Response; body: ListBody }> {
  const response = await call(`/v1/models${query}`, token === undefined ? {} : { token });
  expect(response.status, await response.clone().text()).toBe(200);
  return { response, body: await response.json<ListBody>() };
}

const ids = (body: ListBody) => body.models.map((model) => model.id);

const expectBadRequest = async (query: string) => expectError(await call(`/v1/models${query}`), 400, "invalid_request");

describe("GET /v1/models", () => {
  it("answers the snake_case ModelListResponse with models, total and user_tier", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider, meta: { displayName: "Listed", contextLength: 8192, maxOutputTokens: 1024 } });
    const { response, body } = await list(`?provider=${provider}`);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(body).toEqual({ models: [expect.any(Object)], total: 1, user_tier: "free" });
    expect(body.models[0]).toMatchObject({
      id: model.id,
      name: model.id,
      provider,
      display_name: "Listed",
      capabilities: ["text", "code"],
      context_length: 8192,
      max_output_tokens: 1024,
      credits_per_1k_tokens: 2,
      is_available: true,
      is_legacy: false,
      is_archived: false,
      required_tier: "free",
      tier_restriction_mode: "minimum",
      allowed_tiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
      access_status: "allowed",
    });
    expect(body.models[0]).not.toHaveProperty("legacy_info");
  });

  it("never shows staff-only meta (internal notes, compliance tags, provider metadata)", async () => {
    const provider = uniqueProvider();
    await createModel({ provider, meta: { internalNotes: "do not leak", complianceTags: ["soc2"], providerMetadata: { region: "eu" } } });
    const { body } = await list(`?provider=${provider}`);
    const text = JSON.stringify(body);
    expect(text).not.toContain("do not leak");
    expect(text).not.toContain("soc2");
    expect(text).not.toMatch(/internal_?notes|compliance_?tags|provider_?metadata/i);
  });

  it("hides archived models", async () => {
    const provider = uniqueProvider();
    const kept = await createModel({ provider });
    const gone = await createModel({ provider });
    expect((await adminPost(`/admin/models/${gone.id}/archive`, { reason: "retired" })).status).toBe(200);
    const { body } = await list(`?provider=${provider}`);
    expect(ids(body)).toEqual([kept.id]);
    expect(body.total).toBe(1);
    // The unfiltered list hides it too.
    expect(ids((await list()).body)).not.toContain(gone.id);
  });

  it("includes legacy models with is_legacy and their legacy_info", async () => {
    const provider = uniqueProvider();
    const successor = await createModel({ provider });
    const old = await createModel({ provider });
    const sunset = farSunset();
    const marked = await adminPost(`/admin/models/${old.id}/mark-legacy`, {
      replacementModelId: successor.id,
      deprecationNotice: "moving on",
      sunsetDate: sunset,
    });
    expect(marked.status).toBe(200);
    const { body } = await list(`?provider=${provider}`);
    const listed = body.models.find((model) => model.id === old.id);
    expect(listed).toMatchObject({
      is_legacy: true,
      is_archived: false,
      legacy_info: { replacement_model_id: successor.id, deprecation_notice: "moving on", sunset_date: sunset },
    });
    // The instant the database holds, to the millisecond, as the admin API reports it.
    expect(listed?.legacy_info?.deprecated_at).toBe((await current(old.id)).model.legacy_since);
    expect(body.models.find((model) => model.id === successor.id)).toMatchObject({ is_legacy: false });
  });

  it("lists in a stable order: provider, then id (byte order, whatever the database collation)", async () => {
    const base = uniqueProvider("ord");
    // Created out of order; "-" < "." < letters in byte order, which a locale collation would ignore.
    const second = await createModel({ provider: `${base}-b`, id: `${base}-m-a` });
    const firstC = await createModel({ provider: `${base}-a`, id: `${base}-ma` });
    const firstA = await createModel({ provider: `${base}-a`, id: `${base}-m-b` });
    const firstB = await createModel({ provider: `${base}-a`, id: `${base}-m.a` });
    const { body } = await list();
    const mine = ids(body).filter((id) => id.startsWith(base));
    expect(mine).toEqual([firstA.id, firstB.id, firstC.id, second.id]);
    // The whole list, whoever created it, follows the same order.
    const keys = body.models.map((model) => [model.provider, model.id] as const);
    const sorted = keys.toSorted(([pa, ia], [pb, ib]) => (pa === pb ? (ia < ib ? -1 : ia > ib ? 1 : 0) : pa < pb ? -1 : 1));
    expect(keys).toEqual(sorted);
  });
});

describe("GET /v1/models filters", () => {
  async function threeModels() {
    const provider = uniqueProvider();
    const textOnly = await createModel({ provider, meta: { capabilities: ["text"] } });
    const vision = await createModel({ provider, meta: { capabilities: ["text", "vision"] } });
    const visionCode = await createModel({ provider, meta: { capabilities: ["text", "vision", "code"] }, isAvailable: false });
    return { provider, textOnly, vision, visionCode };
  }

  it("filters by provider", async () => {
    const { provider, textOnly, vision, visionCode } = await threeModels();
    const { body } = await list(`?provider=${provider}`);
    expect(ids(body).toSorted()).toEqual([textOnly.id, vision.id, visionCode.id].toSorted());
    expect(body.total).toBe(3);
    expect((await list(`?provider=${uniqueProvider("nobody")}`)).body).toEqual({ models: [], total: 0, user_tier: "free" });
  });

  it("filters by capability, every repeated capability must match", async () => {
    const { provider, vision, visionCode } = await threeModels();
    expect(ids((await list(`?provider=${provider}&capability=vision`)).body).toSorted()).toEqual([vision.id, visionCode.id].toSorted());
    expect(ids((await list(`?provider=${provider}&capability=vision&capability=code`)).body)).toEqual([visionCode.id]);
    expect(ids((await list(`?provider=${provider}&capability=long_context`)).body)).toEqual([]);
  });

  it("filters by availability", async () => {
    const { provider, textOnly, vision, visionCode } = await threeModels();
    expect(ids((await list(`?provider=${provider}&available=false`)).body)).toEqual([visionCode.id]);
    expect(ids((await list(`?provider=${provider}&available=true`)).body).toSorted()).toEqual([textOnly.id, vision.id].toSorted());
    const all = (await list(`?provider=${provider}`)).body.models;
    expect(all.find((model) => model.id === visionCode.id)?.is_available).toBe(false);
  });

  it.each([
    ["an unknown parameter", "?color=blue"],
    ["a tier parameter (the tier comes from the token)", "?tier=pro"],
    ["a repeated provider", "?provider=openai&provider=anthropic"],
    ["a repeated available", "?available=true&available=false"],
    ["an empty provider", "?provider="],
    ["a bare provider", "?provider"],
    ["an empty capability", "?capability="],
    ["an empty available", "?available="],
    ["an unknown capability", "?capability=teleport"],
    ["an unknown capability among known ones", "?capability=text&capability=teleport"],
    ["available=maybe", "?available=maybe"],
    ["includeArchived=yes", "?includeArchived=yes"],
    ["a provider that is no provider id", "?provider=Open%20AI"],
    ["too many parameters", `?${Array.from({ length: 20 }, (_, i) => `capability=text&x${i}=1`).join("&")}`],
  ])("refuses %s with a 400 JSON error", async (_name, query) => {
    await expectBadRequest(query);
  });

  it("says which parameter is wrong in the error details", async () => {
    const body = await expectBadRequest("?capability=teleport");
    expect(JSON.stringify(body.error.details)).toContain("capability");
    const unknown = await expectBadRequest("?color=blue");
    expect(JSON.stringify(unknown.error.details)).toContain("color");
  });
});

describe("GET /v1/models?includeArchived=true", () => {
  it("shows archived models to an admin", async () => {
    const provider = uniqueProvider();
    const live = await createModel({ provider });
    const archived = await createModel({ provider });
    await adminPost(`/admin/models/${archived.id}/archive`, { reason: "retired" });
    const { response, body } = await list(`?provider=${provider}&includeArchived=true`, await adminToken());
    expect(ids(body).toSorted()).toEqual([live.id, archived.id].toSorted());
    expect(body.models.find((model) => model.id === archived.id)).toMatchObject({ is_archived: true });
    // Staff answers are never cached by anyone.
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("carries the ETag the document declares, answers it with 304, and a write changes it", async () => {
    const token = await adminToken();
    const first = await call("/v1/models?includeArchived=true", { token });
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag") as string;
    expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
    expect(etag).not.toBe((await call("/v1/models", { token })).headers.get("ETag"));
    const again = await call("/v1/models?includeArchived=true", { token, headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("ETag")).toBe(etag);
    await createModel();
    const changed = await call("/v1/models?includeArchived=true", { token, headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
  });

  it("is forbidden without a token", async () => {
    const response = await call("/v1/models?includeArchived=true");
    expect(response.status).toBe(403);
    expect((await response.json<ErrorBody>()).error.code).toBe("forbidden");
  });

  it("is forbidden with a non-admin token", async () => {
    for (const token of [await userToken("enterprise_max"), await mintToken({ role: "support", tier: "pro" })]) {
      const response = await call("/v1/models?includeArchived=true", { token });
      expect(response.status).toBe(403);
      expect((await response.json<ErrorBody>()).error).toMatchObject({ code: "forbidden", request_id: expect.any(String) });
    }
  });

  it("with includeArchived=false is the public list", async () => {
    const provider = uniqueProvider();
    const live = await createModel({ provider });
    const archived = await createModel({ provider });
    await adminPost(`/admin/models/${archived.id}/archive`, { reason: "retired" });
    expect(ids((await list(`?provider=${provider}&includeArchived=false`)).body)).toEqual([live.id]);
  });
});

describe("access_status by tier", () => {
  type Status = ListedModel["access_status"];
  type Tier = "free" | "pro" | "pro_max" | "enterprise_pro" | "enterprise_max" | "perpetual";
  const TIERS: Tier[] = ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max", "perpetual"];

  // The spec's rules, one row per model, one column per tier (in TIERS order).
  const CASES: Array<{ name: string; meta: Pick<ModelMeta, "requiredTier" | "tierRestrictionMode" | "allowedTiers">; expected: Status[] }> =
    [
      {
        name: "minimum pro, perpetual allowed",
        meta: { tierRestrictionMode: "minimum", requiredTier: "pro", allowedTiers: ["pro", "perpetual"] },
        expected: ["upgrade_required", "allowed", "allowed", "allowed", "allowed", "allowed"],
      },
      {
        name: "minimum enterprise_pro, perpetual not listed",
        meta: { tierRestrictionMode: "minimum", requiredTier: "enterprise_pro", allowedTiers: ["enterprise_pro"] },
        expected: ["upgrade_required", "upgrade_required", "upgrade_required", "allowed", "allowed", "restricted"],
      },
      {
        name: "exact pro_max",
        meta: { tierRestrictionMode: "exact", requiredTier: "pro_max", allowedTiers: ["pro_max"] },
        expected: ["upgrade_required", "upgrade_required", "allowed", "restricted", "restricted", "restricted"],
      },
      {
        name: "whitelist pro, enterprise_max, perpetual",
        meta: { tierRestrictionMode: "whitelist", requiredTier: "pro", allowedTiers: ["pro", "enterprise_max", "perpetual"] },
        expected: ["upgrade_required", "allowed", "upgrade_required", "upgrade_required", "allowed", "allowed"],
      },
      {
        name: "whitelist free and perpetual",
        meta: { tierRestrictionMode: "whitelist", requiredTier: "free", allowedTiers: ["free", "perpetual"] },
        expected: ["allowed", "restricted", "restricted", "restricted", "restricted", "allowed"],
      },
    ];

  async function tableModels() {
    const provider = uniqueProvider("tiers");
    const created = [];
    for (const rule of CASES) created.push({ ...rule, id: (await createModel({ provider, meta: rule.meta })).id });
    return { provider, created };
  }

  it("gives every tier the status the rules say, for every mode", async () => {
    const { provider, created } = await tableModels();
    const seen: Record<string, Record<string, Status | undefined>> = {};
    const expected: Record<string, Record<string, Status>> = {};
    for (const tier of TIERS) {
      const { body } = await list(`?provider=${provider}`, await userToken(tier));
      expect(body.user_tier).toBe(tier);
      for (const { name, id, expected: row } of created) {
        seen[name] = { ...seen[name], [tier]: body.models.find((model) => model.id === id)?.access_status };
        expected[name] = { ...expected[name], [tier]: row[TIERS.indexOf(tier)] as Status };
      }
    }
    expect(seen).toEqual(expected);
  });

  it("gives the same statuses in the unfiltered list (served from the per-tier cache)", async () => {
    const { created } = await tableModels();
    for (const tier of TIERS) {
      const { body } = await list("", await userToken(tier));
      for (const { name, id, expected } of created) {
        expect(body.models.find((model) => model.id === id)?.access_status, `${name} for ${tier}`).toBe(expected[TIERS.indexOf(tier)]);
      }
    }
  });

  it("treats a caller without a token as free", async () => {
    const { provider, created } = await tableModels();
    const { response, body } = await list(`?provider=${provider}`);
    expect(body.user_tier).toBe("free");
    expect(Object.fromEntries(body.models.map((model) => [model.id, model.access_status]))).toEqual(
      Object.fromEntries(created.map(({ id, expected }) => [id, expected[0]])),
    );
    // Anonymous answers may be kept by shared caches; per-user ones may not.
    expect(response.headers.get("Cache-Control")).toMatch(/^public\b/);
  });

  it("treats a token without a tier claim as free", async () => {
    const { provider } = await tableModels();
    const { body } = await list(`?provider=${provider}`, await mintToken({ sub: "no-tier" }));
    expect(body.user_tier).toBe("free");
  });

  it.each([
    ["a malformed token", async () => "not-a-jwt"],
    ["a token signed with another secret", () => mintToken({ tier: "enterprise_max" }, { secret: "another-secret-0123456789abcdef" })],
    ["an expired token", () => mintToken({ tier: "pro" }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ["a token for another audience", () => mintToken({ tier: "pro" }, { audience: "someone-else" })],
    ["a token with an unknown tier", () => mintToken({ tier: "platinum" })],
  ])("answers 401 to %s instead of downgrading to free", async (_name, token) => {
    const response = await call("/v1/models", { token: await token() });
    expect(response.status).toBe(401);
    expect((await response.json<ErrorBody>()).error).toMatchObject({ code: "unauthorized", request_id: expect.any(String) });
  });

  it("answers 401 to an Authorization header that is not a bearer token", async () => {
    const response = await call("/v1/models", { headers: { Authorization: "Basic dXNlcjpwYXNz" } });
    expect(response.status).toBe(401);
  });
});
