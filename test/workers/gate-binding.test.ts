/**
 * The gate as a service binding (spec Part 3): CatalogGate.checkAccess gives
 * the HTTP gate's decision, status and error for the same request, never
 * throws, and the example inference Worker (examples/inference-worker, an
 * auxiliary Worker in workerd) refuses what the catalog refuses over it.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ModelMeta } from "../../src/domain/model-meta";
import type { GateAnswer } from "../../src/gate";
import { adminPost, call, type ErrorBody, mintToken, userToken } from "./support/client";
import { createModel, farSunset, uniqueId, uniqueProvider } from "./support/fixtures";
import { callWith, deadDatabaseEnv, type TestEnv } from "./support/reliability";

const gate = () => (exports as unknown as { CatalogGate: { checkAccess(input: unknown): Promise<GateAnswer> } }).CatalogGate;
const inference = () => (env as unknown as { INFERENCE: Fetcher }).INFERENCE;

/** The same question over HTTP and over the binding. */
async function bothWays(modelId: string, token?: string) {
  const http = await call(`/v1/models/${modelId}/access`, token === undefined ? {} : { token });
  const body = await http.json<Record<string, unknown> & ErrorBody>();
  const rpc = await gate().checkAccess(token === undefined ? { modelId } : { modelId, token });
  return { http, body, rpc };
}

/** The binding's answer agrees with the HTTP gate's: status, and the error (all but the request id) or the grant. */
function expectSameDecision({ http, body, rpc }: Awaited<ReturnType<typeof bothWays>>) {
  expect(rpc.status).toBe(http.status);
  expect(rpc.allowed).toBe(http.status === 200);
  if (http.status === 200) {
    expect(rpc.error).toBeNull();
    expect(rpc).toMatchObject({ model_id: body.model_id, alias: body.alias, legacy_info: body.legacy_info ?? null });
  } else {
    const { request_id: _http, ...httpError } = body.error;
    const { request_id, ...rpcError } = rpc.error ?? { request_id: undefined };
    expect(rpcError).toEqual(httpError);
    expect(request_id).toEqual(expect.any(String));
  }
}

const model = (meta: Partial<ModelMeta> = {}, options: { isAvailable?: boolean } = {}) =>
  createModel({ provider: uniqueProvider("gate"), meta, ...options });

async function archivedWithSuccessor() {
  const provider = uniqueProvider("gate");
  const successor = await createModel({ provider });
  const old = await createModel({ provider });
  await adminPost(`/admin/models/${old.id}/mark-legacy`, { replacementModelId: successor.id });
  await adminPost(`/admin/models/${old.id}/archive`, { reason: "retired" });
  return { old, successor };
}

describe("CatalogGate.checkAccess", () => {
  it("allows what the HTTP gate allows, naming the resolved model (alias null on a model id)", async () => {
    const { id } = await model({ requiredTier: "pro", allowedTiers: ["pro"] });
    const answer = await bothWays(id, await userToken("pro_max"));
    expectSameDecision(answer);
    expect(answer.rpc).toEqual({
      allowed: true,
      status: 200,
      model_id: id,
      alias: null,
      access_status: "allowed",
      legacy_info: null,
      error: null,
    });
    expect(answer.body).toMatchObject({ allowed: true, model: id, model_id: id, alias: null });
  });

  it("allows a legacy model with its legacy_info, as the HTTP gate does", async () => {
    const provider = uniqueProvider("gate");
    const successor = await createModel({ provider });
    const old = await createModel({ provider });
    await adminPost(`/admin/models/${old.id}/mark-legacy`, { replacementModelId: successor.id, sunsetDate: farSunset() });
    const answer = await bothWays(old.id);
    expectSameDecision(answer);
    expect(answer.rpc.legacy_info).toMatchObject({ replacement_model_id: successor.id, recommended_model_id: successor.id });
  });

  it.each([
    ["a tier below the minimum", { requiredTier: "pro_max", allowedTiers: ["pro_max"] } as Partial<ModelMeta>, "free", "upgrade_required"],
    [
      "a tier no upgrade would help",
      { tierRestrictionMode: "exact", requiredTier: "pro", allowedTiers: ["pro"] } as Partial<ModelMeta>,
      "enterprise_max",
      "restricted",
    ],
  ])("refuses %s with the HTTP gate's 403 and details", async (_case, meta, tier, accessStatus) => {
    const { id } = await model(meta);
    const answer = await bothWays(id, await userToken(tier));
    expectSameDecision(answer);
    expect(answer.rpc).toMatchObject({ allowed: false, status: 403, access_status: accessStatus, error: { code: "tier_not_allowed" } });
  });

  it("refuses an archived model with 410, naming the successor", async () => {
    const { old, successor } = await archivedWithSuccessor();
    const answer = await bothWays(old.id);
    expectSameDecision(answer);
    expect(answer.rpc).toMatchObject({
      status: 410,
      model_id: old.id,
      access_status: "restricted",
      error: { code: "model_archived", details: { replacement_model_id: successor.id } },
    });
  });

  it("answers 404 for an unknown model and for an id that cannot be one, as over HTTP", async () => {
    expectSameDecision(await bothWays(uniqueId("missing")));
    const rpc = await gate().checkAccess({ modelId: "../etc/passwd" });
    expect(rpc).toMatchObject({ allowed: false, status: 404, error: { code: "not_found" } });
    expect((await call("/v1/models/..%2Fetc%2Fpasswd/access")).status).toBe(404);
  });

  it("answers 503 model_unavailable for a model switched off", async () => {
    const { id } = await model({}, { isAvailable: false });
    const answer = await bothWays(id);
    expectSameDecision(answer);
    expect(answer.rpc).toMatchObject({ status: 503, access_status: "allowed", error: { code: "model_unavailable" } });
  });

  describe("tokens, verified as on the HTTP gate", () => {
    it("treats no token (absent or null) as anonymous: the free tier", async () => {
      const { id } = await model({ requiredTier: "pro", allowedTiers: ["pro"] });
      expectSameDecision(await bothWays(id));
      expect(await gate().checkAccess({ modelId: id, token: null })).toMatchObject({ status: 403, access_status: "upgrade_required" });
    });

    it.each([
      ["signed with another key", () => mintToken({ tier: "enterprise_max" }, { secret: "not-the-secret-0123456789abcdef" })],
      ["expired", () => mintToken({ tier: "enterprise_max" }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
      ["for another audience", () => mintToken({ tier: "enterprise_max" }, { audience: "another-service" })],
      ["not a JWT", async () => "garbage"],
      ["too long", async () => "a".repeat(9000)],
    ])("refuses a token %s with the same 401, never as free and never with an exception", async (_case, token) => {
      const { id } = await model({});
      const answer = await bothWays(id, await token());
      expect(answer.http.status).toBe(401);
      expectSameDecision(answer);
      expect(answer.rpc).toMatchObject({ allowed: false, error: { code: "unauthorized" } });
    });

    it("refuses an empty token with 401, as an empty Bearer header is refused", async () => {
      const { id } = await model({});
      expect(await gate().checkAccess({ modelId: id, token: "" })).toMatchObject({ status: 401, error: { code: "unauthorized" } });
      expect((await call(`/v1/models/${id}/access`, { headers: { Authorization: "Bearer " } })).status).toBe(401);
    });
  });

  it.each([
    ["no input", undefined],
    ["a string", "gpt-4"],
    ["a number for modelId", { modelId: 42 }],
    ["an unknown field", { modelId: "gpt-4", tier: "enterprise_max" }],
    ["a token that is not a string", { modelId: "gpt-4", token: { sub: "x" } }],
  ])("answers 400 invalid_request for %s, without throwing", async (_case, input) => {
    const answer = await gate().checkAccess(input);
    expect(answer).toMatchObject({
      allowed: false,
      status: 400,
      access_status: "restricted",
      legacy_info: null,
      error: { code: "invalid_request" },
    });
  });

  it("answers as the HTTP gate does with the database down (from KV) and on a misconfigured deployment (503)", async () => {
    const { id } = await model({});
    // A dead database: the cached catalog still decides (as reliability-database-down proves for HTTP).
    const { checkAccess } = await import("../../src/gate/check-access");
    const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const ctx = createExecutionContext();
    const rpc = await checkAccess(deadDatabaseEnv(), ctx, { modelId: id });
    await waitOnExecutionContext(ctx);
    const http = await callWith(deadDatabaseEnv(), `/v1/models/${id}/access`);
    expect(rpc.status).toBe(http.status);
    // A misconfigured deployment: the same 503 service_unavailable as over HTTP.
    const broken = { ...env, DATABASE_URL: "not-a-url" } as TestEnv;
    const refused = await checkAccess(broken, createExecutionContext(), { modelId: id });
    expect(refused).toMatchObject({ allowed: false, status: 503, error: { code: "service_unavailable" } });
    expect((await callWith(broken, `/v1/models/${id}/access`)).status).toBe(503);
  });
});

describe("examples/inference-worker over the CATALOG binding", () => {
  const complete = async (body: unknown, token?: string) =>
    inference().fetch("https://inference.test/v1/chat/completions", {
      method: "POST",
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      body: JSON.stringify(body),
    });

  it("runs an allowed model and names the resolved model", async () => {
    const { id } = await model({});
    const response = await complete({ model: id, messages: [] });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ object: "chat.completion", model: id, requested: id });
  });

  it("is refused an archived model with 410 and told the successor", async () => {
    const { old, successor } = await archivedWithSuccessor();
    const response = await complete({ model: old.id, messages: [] });
    expect(response.status).toBe(410);
    const body = await response.json<{ error: { code: string; message: string }; successor: string }>();
    expect(body.successor).toBe(successor.id);
    expect(body.error).toMatchObject({ code: "model_archived", details: { replacement_model_id: successor.id } });
    expect(body.error.message).toContain(successor.id);
    expect(response.headers.get("Link")).toBe(`</v1/models/${successor.id}>; rel="successor-version"`);
  });

  it("is refused with the catalog's status for a tier, a bad token and an unknown model", async () => {
    const { id } = await model({ requiredTier: "enterprise_max", allowedTiers: ["enterprise_max"] });
    expect((await complete({ model: id }, await userToken("pro"))).status).toBe(403);
    expect((await complete({ model: id }, "garbage")).status).toBe(401);
    expect((await complete({ model: uniqueId("missing") })).status).toBe(404);
    expect((await complete({ model: id }, await userToken("enterprise_max"))).status).toBe(200);
  });
});
