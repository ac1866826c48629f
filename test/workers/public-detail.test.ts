/**
 * GET /v1/models/:id: one model, with its access status for the caller and,
 * for legacy models, the deprecation headers clients and SDKs act on.
 */
import { describe, expect, it } from "vitest";
import { adminPost, adminToken, call, type ErrorBody, expectError, userToken } from "./support/client";
import { createModel, farSunset, uniqueId, uniqueProvider } from "./support/fixtures";

interface Detail {
  id: string;
  provider: string;
  display_name: string;
  is_legacy: boolean;
  is_archived: boolean;
  access_status: string;
  legacy_info?: { replacement_model_id?: string; deprecation_notice?: string; sunset_date?: string };
}

/** RFC 9110 IMF-fixdate, the preferred HTTP-date form that RFC 8594 requires for Sunset. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

async function legacyPair(options: { sunsetDate?: string; deprecationNotice?: string; replacement?: boolean } = {}) {
  const provider = uniqueProvider();
  const successor = await createModel({ provider });
  const old = await createModel({ provider });
  const response = await adminPost(`/admin/models/${old.id}/mark-legacy`, {
    ...(options.replacement !== false && { replacementModelId: successor.id }),
    ...(options.deprecationNotice && { deprecationNotice: options.deprecationNotice }),
    ...(options.sunsetDate && { sunsetDate: options.sunsetDate }),
  });
  expect(response.status).toBe(200);
  const { model } = await response.json<{ model: { legacy_since: string } }>();
  return { successor, old, legacySince: model.legacy_since };
}

describe("GET /v1/models/:id", () => {
  it("answers the model with the caller's access status", async () => {
    const model = await createModel({
      provider: uniqueProvider(),
      meta: { displayName: "Detail", requiredTier: "pro", allowedTiers: ["pro"] },
    });
    const anonymous = await call(`/v1/models/${model.id}`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json<Detail>()).toMatchObject({
      id: model.id,
      display_name: "Detail",
      is_legacy: false,
      is_archived: false,
      access_status: "upgrade_required",
    });
    const pro = await call(`/v1/models/${model.id}`, { token: await userToken("pro") });
    expect(await pro.json<Detail>()).toMatchObject({ id: model.id, access_status: "allowed" });
    expect(pro.headers.get("ETag")).toMatch(/^(W\/)?"[^"]+"$/);
    // Not deprecated: none of the deprecation headers.
    expect(pro.headers.get("Deprecation")).toBeNull();
    expect(pro.headers.get("Sunset")).toBeNull();
    expect(pro.headers.get("Link")).toBeNull();
  });

  it("answers a legacy model with its legacy_info", async () => {
    const sunset = farSunset();
    const { successor, old } = await legacyPair({ sunsetDate: sunset, deprecationNotice: "use the new one" });
    const response = await call(`/v1/models/${old.id}`);
    expect(response.status).toBe(200);
    expect(await response.json<Detail>()).toMatchObject({
      id: old.id,
      is_legacy: true,
      legacy_info: { replacement_model_id: successor.id, deprecation_notice: "use the new one", sunset_date: sunset },
    });
  });

  it("answers 304 to If-None-Match with its ETag, 200 with a new ETag after a change", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const first = await call(`/v1/models/${model.id}`);
    const etag = first.headers.get("ETag") as string;
    const again = await call(`/v1/models/${model.id}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("ETag")).toBe(etag);
    expect(await again.text()).toBe("");
    const patched = await call(`/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token: await adminToken(),
      json: { displayName: "Renamed" },
    });
    expect(patched.status).toBe(200);
    const changed = await call(`/v1/models/${model.id}`, { headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
    expect((await changed.json<Detail>()).display_name).toBe("Renamed");
  });

  it("keeps ETags apart per tier, so one tier's 304 never confirms another tier's body", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const free = await call(`/v1/models/${model.id}`);
    const pro = await call(`/v1/models/${model.id}`, {
      token: await userToken("pro"),
      headers: { "If-None-Match": free.headers.get("ETag") as string },
    });
    expect(pro.status).toBe(200);
  });

  it("answers 404 for an unknown model", async () => {
    await expectError(await call(`/v1/models/${uniqueId("missing")}`), 404, "not_found");
  });

  it("answers 410 for an archived model, naming its replacement", async () => {
    const { successor, old } = await legacyPair();
    expect((await adminPost(`/admin/models/${old.id}/archive`, { reason: "sunset" })).status).toBe(200);
    const body = await expectError(await call(`/v1/models/${old.id}`), 410, "model_archived");
    expect(body.error.details).toMatchObject({ replacement_model_id: successor.id });
    expect(body.error.message).toContain(successor.id);
  });

  it("answers 410 without a replacement when none is known", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    await adminPost(`/admin/models/${model.id}/archive`, { reason: "gone" });
    const body = await expectError(await call(`/v1/models/${model.id}`), 410, "model_archived");
    expect(body.error.details ?? {}).not.toHaveProperty("replacement_model_id");
  });

  it("answers 200 again once an archived model is unarchived", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    await adminPost(`/admin/models/${model.id}/archive`, { reason: "oops" });
    await expectError(await call(`/v1/models/${model.id}`), 410, "model_archived");
    expect((await adminPost(`/admin/models/${model.id}/unarchive`)).status).toBe(200);
    expect((await call(`/v1/models/${model.id}`)).status).toBe(200);
  });

  it.each([
    ["a 10 KB id", `/v1/models/${"a".repeat(10 * 1024)}`],
    ["an id with %00", "/v1/models/gpt%004"],
    ["an id with an encoded slash", "/v1/models/..%2Fadmin"],
    ["an id with an encoded slash and a dot-dot path", "/v1/models/..%2F..%2Fadmin%2Fmodels"],
    ["an id made of SQL", `/v1/models/${encodeURIComponent("x' OR '1'='1")}`],
    ["an id made of SQL with a comment", `/v1/models/${encodeURIComponent("x'; DROP TABLE models; --")}`],
    ["an id with upper case", "/v1/models/GPT-4"],
    ["an id with unicode", `/v1/models/${encodeURIComponent("gpt-４")}`],
    ["an id with malformed percent-encoding", "/v1/models/gpt%zz"],
    ["a path with an extra segment", "/v1/models/gpt-4/extra"],
  ])("answers %s with a 4xx JSON error, never a 500", async (_name, path) => {
    for (const suffix of ["", "/access"]) {
      const response = await call(`${path}${suffix}`);
      expect(response.status, `${path}${suffix}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${path}${suffix}`).toBeLessThan(500);
      const body = await response.json<ErrorBody>();
      expect(body.error).toMatchObject({ code: expect.stringMatching(/^(not_found|invalid_request)$/), request_id: expect.any(String) });
    }
  });
});

describe("deprecation headers on legacy models", () => {
  it("sends Deprecation as an RFC 9745 structured date: @ and integer unix seconds of when it was deprecated", async () => {
    const { old, legacySince } = await legacyPair({ sunsetDate: farSunset() });
    const response = await call(`/v1/models/${old.id}`);
    const header = response.headers.get("Deprecation") as string;
    expect(header).toMatch(/^@-?\d+$/);
    expect(Number(header.slice(1))).toBe(Math.floor(Date.parse(legacySince) / 1000));
  });

  it("sends Sunset as an RFC 8594 HTTP-date (IMF-fixdate) naming the sunset instant", async () => {
    const sunset = farSunset();
    const { old } = await legacyPair({ sunsetDate: sunset });
    const header = (await call(`/v1/models/${old.id}`)).headers.get("Sunset") as string;
    expect(header).toMatch(IMF_FIXDATE);
    expect(Date.parse(header)).toBe(Date.parse(sunset));
  });

  it('sends Link: </v1/models/REPLACEMENT>; rel="successor-version"', async () => {
    const { successor, old } = await legacyPair();
    const link = (await call(`/v1/models/${old.id}`)).headers.get("Link");
    expect(link).toBe(`</v1/models/${successor.id}>; rel="successor-version"`);
    // The link resolves to the successor.
    const target = /^<([^>]+)>/.exec(link as string)?.[1] as string;
    expect((await call(target)).status).toBe(200);
  });

  it("omits Sunset and Link when the model has neither a sunset date nor a replacement", async () => {
    const { old } = await legacyPair({ replacement: false });
    const response = await call(`/v1/models/${old.id}`);
    expect(response.headers.get("Deprecation")).toMatch(/^@\d+$/);
    expect(response.headers.get("Sunset")).toBeNull();
    expect(response.headers.get("Link")).toBeNull();
  });

  it("lets browsers read the deprecation headers (CORS exposes them)", async () => {
    const { old } = await legacyPair({ sunsetDate: farSunset() });
    const response = await call(`/v1/models/${old.id}`, { headers: { Origin: "https://app.example" } });
    const exposed = (response.headers.get("Access-Control-Expose-Headers") ?? "").toLowerCase();
    for (const name of ["deprecation", "sunset", "link", "etag"]) expect(exposed).toContain(name);
  });

  it("drops the headers once the model is no longer legacy", async () => {
    const { old } = await legacyPair({ sunsetDate: farSunset() });
    expect((await adminPost(`/admin/models/${old.id}/unmark-legacy`)).status).toBe(200);
    const response = await call(`/v1/models/${old.id}`);
    expect(await response.json<Detail>()).toMatchObject({ is_legacy: false });
    expect(response.headers.get("Deprecation")).toBeNull();
    expect(response.headers.get("Sunset")).toBeNull();
    expect(response.headers.get("Link")).toBeNull();
  });
});
