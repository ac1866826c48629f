import { exports } from "cloudflare:workers";
import OpenAI, { APIError } from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { checkContract } from "./contract";
import { adminPost, adminToken, call, mintToken, userToken } from "./support/client";
import { createModel, inDays, uniqueProvider } from "./support/fixtures";

const BASE = "https://catalog.test/openai/v1";

/** The official SDK, pointed at this Worker (every answer is also checked against /openapi.json). */
function sdk(token?: string) {
  return new OpenAI({
    baseURL: BASE,
    apiKey: token ?? "unused",
    // No token: the Authorization header is left out, which is how a client asks as the free tier.
    ...(token === undefined && { defaultHeaders: { Authorization: null } }),
    maxRetries: 0,
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      const request = new Request(url, init);
      const response = await exports.default.fetch(request);
      await checkContract(request.method, request.url, response);
      return response;
    },
  });
}

async function listAll(client: OpenAI) {
  const models = [];
  for await (const model of client.models.list()) models.push(model);
  return models;
}

interface OpenAIModelEntry {
  id: string;
  object: string;
  created: number;
  owned_by: string;
  access_status: string;
  legacy_info?: { replacement_model_id?: string; recommended_model_id?: string | null };
}

describe("GET /openai/v1/models through the official openai SDK", () => {
  beforeAll(async () => {
    await createModel({ meta: { requiredTier: "pro", allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"] } });
  });

  it("lists exactly the models /v1/models lists, anonymously and for a pro token", async () => {
    for (const token of [undefined, await userToken("pro")]) {
      const listed = (await listAll(sdk(token))).map((model) => model.id);
      const v1 = await (await call("/v1/models", token ? { token } : {})).json<{ models: { id: string }[] }>();
      expect(listed).toEqual(v1.models.map((model) => model.id));
      expect(listed.length).toBeGreaterThan(0);
    }
  });

  it("answers OpenAI's fields first, then the same public fields with access_status for the caller's tier", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const [free, pro] = await Promise.all([listAll(sdk()), listAll(sdk(await userToken("pro")))]);
    const entry = free.find((m) => m.id === model.id) as unknown as OpenAIModelEntry;
    expect(Object.keys(entry).slice(0, 4)).toEqual(["id", "object", "created", "owned_by"]);
    expect(entry).toMatchObject({ object: "model", owned_by: model.provider, display_name: "Test Model", access_status: "allowed" });
    const created = Date.parse((model as unknown as { created_at: string }).created_at) / 1000;
    expect(entry.created).toBe(Math.floor(created));
    const v1 = await (await call(`/v1/models/${model.id}`)).json<Record<string, unknown>>();
    const { object: _object, created: _created, owned_by: _owner, ...publicFields } = entry as unknown as Record<string, unknown>;
    expect(publicFields).toEqual(v1);
    const proOnly = pro.filter((m) => (m as unknown as OpenAIModelEntry).access_status === "allowed").length;
    expect(proOnly).toBeGreaterThan(free.filter((m) => (m as unknown as OpenAIModelEntry).access_status === "allowed").length);
  });

  it("retrieves one model", async () => {
    const model = await createModel();
    const retrieved = await sdk().models.retrieve(model.id);
    expect(retrieved).toMatchObject({ id: model.id, object: "model", owned_by: "testprov" });
  });

  it("surfaces an unknown model as the SDK's APIError 404, code model_not_found", async () => {
    const error = await sdk()
      .models.retrieve("no-such-model-here")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", type: "invalid_request_error", param: null });
  });

  it("surfaces an archived model as APIError 410, code model_archived, naming the recommended successor", async () => {
    const successor = await createModel();
    const old = await createModel();
    await adminPost(`/admin/models/${old.id}/mark-legacy`, { replacementModelId: successor.id });
    await adminPost(`/admin/models/${old.id}/archive`, { reason: "replaced" });
    const error = (await sdk()
      .models.retrieve(old.id)
      .catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ status: 410, code: "model_archived", type: "invalid_request_error" });
    expect(error.message).toContain(successor.id);
  });
});

describe("GET /openai/v1/models over HTTP", () => {
  it("answers 304 to If-None-Match, and serves repeats from the cache", async () => {
    const first = await call("/openai/v1/models");
    const etag = first.headers.get("ETag") as string;
    expect(etag).not.toBe((await call("/v1/models")).headers.get("ETag"));
    const again = await call("/openai/v1/models");
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect((await call("/openai/v1/models", { headers: { "If-None-Match": etag } })).status).toBe(304);
  });

  it("applies the same filters as /v1/models", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider, meta: { capabilities: ["text", "vision"] } });
    await createModel({ provider, meta: { capabilities: ["text"] } });
    const body = await (await call(`/openai/v1/models?provider=${provider}&capability=vision`)).json<{
      object: string;
      data: { id: string }[];
    }>();
    expect(body.object).toBe("list");
    expect(body.data.map((m) => m.id)).toEqual([model.id]);
  });

  it("excludes archived models", async () => {
    const model = await createModel();
    await adminPost(`/admin/models/${model.id}/archive`, { reason: "gone" });
    const body = await (await call("/openai/v1/models")).json<{ data: { id: string }[] }>();
    expect(body.data.map((m) => m.id)).not.toContain(model.id);
  });

  it("sends the RFC 9745/8594 headers and a successor link on legacy models", async () => {
    const successor = await createModel();
    const model = await createModel();
    const sunset = inDays(20);
    await adminPost(`/admin/models/${model.id}/mark-legacy`, { replacementModelId: successor.id, sunsetDate: sunset });
    const response = await call(`/openai/v1/models/${model.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Deprecation")).toMatch(/^@\d+$/);
    expect(response.headers.get("Sunset")).toBe(new Date(sunset).toUTCString());
    expect(response.headers.get("Link")).toBe(`</openai/v1/models/${successor.id}>; rel="successor-version"`);
  });

  it.each([
    ["an unknown parameter", "?color=blue"],
    ["a bad capability", "?capability=telepathy"],
    ["a repeated provider", "?provider=a&provider=b"],
  ])("answers 400 in OpenAI's shape for %s", async (_, query) => {
    const response = await call(`/openai/v1/models${query}`);
    expect(response.status).toBe(400);
    const body = await response.json<{ error: Record<string, unknown> }>();
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: null, code: "invalid_request" });
    expect(body.error.message).toEqual(expect.any(String));
  });

  it("answers 401 authentication_error for an invalid token, never a silent downgrade to free", async () => {
    for (const token of ["not-a-jwt", await mintToken({ sub: "x" }, { secret: "another-secret-that-is-long-enough-123" })]) {
      const response = await call("/openai/v1/models", { token });
      expect(response.status).toBe(401);
      expect((await response.json<{ error: Record<string, unknown> }>()).error).toMatchObject({
        type: "authentication_error",
        param: null,
      });
    }
  });

  it("answers an unknown path under /openai in OpenAI's shape", async () => {
    const response = await call("/openai/v1/chat/completions", { method: "POST", json: {} });
    expect(response.status).toBe(404);
    expect((await response.json<{ error: Record<string, unknown> }>()).error).toMatchObject({
      type: "invalid_request_error",
      code: "unknown_url",
    });
  });

  it("answers includeArchived=true as /v1/models does: 403 without an admin token, in OpenAI's shape", async () => {
    for (const token of [undefined, await userToken("enterprise_max"), await mintToken({ role: "support", tier: "pro" })]) {
      const response = await call("/openai/v1/models?includeArchived=true", token ? { token } : {});
      expect(response.status).toBe(403);
      expect((await response.json<{ error: Record<string, unknown> }>()).error).toMatchObject({
        type: "permission_error",
        code: "forbidden",
        param: null,
      });
    }
  });

  it("shows archived models to an admin with includeArchived=true, with its ETag", async () => {
    const provider = uniqueProvider();
    const live = await createModel({ provider });
    const archived = await createModel({ provider });
    await adminPost(`/admin/models/${archived.id}/archive`, { reason: "retired" });
    const token = await adminToken();
    const response = await call(`/openai/v1/models?provider=${provider}&includeArchived=true`, { token });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const etag = response.headers.get("ETag") as string;
    const body = await response.json<{ object: string; data: { id: string; object: string; is_archived: boolean }[] }>();
    expect(body.object).toBe("list");
    expect(body.data.map((model) => model.id).toSorted()).toEqual([live.id, archived.id].toSorted());
    expect(body.data.find((model) => model.id === archived.id)).toMatchObject({ object: "model", is_archived: true });
    const again = await call(`/openai/v1/models?provider=${provider}&includeArchived=true`, { token, headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("lets an admin token read it like any other token", async () => {
    expect((await call("/openai/v1/models", { token: await adminToken() })).status).toBe(200);
  });
});
