/**
 * GET /v1/models/:id/access: the inference gate the platform calls before
 * every completion. It must agree with the list's access_status, refuse with
 * a reason the client can act on, and never let an archived model through.
 */
import { describe, expect, it } from "vitest";
import type { ModelMeta } from "../../src/domain/model-meta";
import { adminPost, adminToken, call, type ErrorBody, mintToken, userToken } from "./support/client";
import { createModel, expectRefused, farSunset, uniqueId, uniqueProvider } from "./support/fixtures";

interface Allowed {
  allowed: true;
  model: string;
  user_tier: string;
  legacy_info?: { replacement_model_id?: string; deprecation_notice?: string; sunset_date?: string };
  warning?: string;
}
interface TierDetails {
  user_tier: string;
  required_tier: string;
  tier_restriction_mode: string;
  upgrade_to?: string;
}

async function access(id: string, tier?: string) {
  return call(`/v1/models/${id}/access`, tier === undefined ? {} : { token: await userToken(tier) });
}

const model = (meta: Partial<ModelMeta>, options: { isAvailable?: boolean } = {}) =>
  createModel({ provider: uniqueProvider(), meta, ...options });

describe("GET /v1/models/:id/access", () => {
  it("allows a tier the rules allow", async () => {
    const { id } = await model({ requiredTier: "pro", allowedTiers: ["pro"] });
    const response = await access(id, "pro_max");
    expect(response.status).toBe(200);
    const body = await response.json<Allowed>();
    expect(body).toMatchObject({ allowed: true, model: id, user_tier: "pro_max" });
    expect(body).not.toHaveProperty("legacy_info");
    expect(body).not.toHaveProperty("warning");
    // Per-user and per-moment: never cached.
    expect(response.headers.get("Cache-Control")).toMatch(/no-store/);
  });

  it("allows a free model without a token", async () => {
    const { id } = await model({});
    const response = await access(id);
    expect(response.status).toBe(200);
    expect(await response.json<Allowed>()).toMatchObject({ allowed: true, model: id, user_tier: "free" });
  });

  it("allows a legacy model with a warning naming the replacement, and the deprecation headers", async () => {
    const provider = uniqueProvider();
    const successor = await createModel({ provider });
    const old = await createModel({ provider });
    const sunset = farSunset();
    await adminPost(`/admin/models/${old.id}/mark-legacy`, {
      replacementModelId: successor.id,
      deprecationNotice: "migrate",
      sunsetDate: sunset,
    });
    const response = await access(old.id, "pro");
    expect(response.status).toBe(200);
    const body = await response.json<Allowed>();
    expect(body).toMatchObject({
      allowed: true,
      model: old.id,
      legacy_info: { replacement_model_id: successor.id, deprecation_notice: "migrate", sunset_date: sunset },
    });
    expect(body.warning).toContain(successor.id);
    expect(response.headers.get("Deprecation")).toMatch(/^@\d+$/);
    expect(Date.parse(response.headers.get("Sunset") as string)).toBe(Date.parse(sunset));
    expect(response.headers.get("Link")).toBe(`</v1/models/${successor.id}>; rel="successor-version"`);
  });

  it("refuses a tier below the minimum with 403 tier_not_allowed, naming the tier to upgrade to", async () => {
    const { id } = await model({ requiredTier: "pro_max", allowedTiers: ["pro_max"] });
    const body = await expectRefused(await access(id, "free"), 403, "tier_not_allowed");
    expect(body.error.details).toMatchObject({
      user_tier: "free",
      required_tier: "pro_max",
      tier_restriction_mode: "minimum",
      upgrade_to: "pro_max",
    });
    expect(body.error.message).toMatch(/pro_max tier or higher/);
  });

  it("names the lowest tier that would allow a whitelisted model", async () => {
    const { id } = await model({ tierRestrictionMode: "whitelist", requiredTier: "pro", allowedTiers: ["pro", "enterprise_max"] });
    const body = await expectRefused(await access(id, "pro_max"), 403, "tier_not_allowed");
    expect((body.error.details as TierDetails).upgrade_to).toBe("enterprise_max");
    // pro_max is above the required tier and still refused: the message must not promise "or higher".
    expect(body.error.message).toContain("enterprise_max");
    expect(body.error.message).not.toMatch(/or higher/);
  });

  it("refuses without an upgrade when no higher tier would allow it", async () => {
    const { id } = await model({ tierRestrictionMode: "exact", requiredTier: "pro", allowedTiers: ["pro"] });
    const body = await expectRefused(await access(id, "enterprise_max"), 403, "tier_not_allowed");
    expect(body.error.details).toMatchObject({ user_tier: "enterprise_max", tier_restriction_mode: "exact" });
    expect(body.error.details).not.toHaveProperty("upgrade_to");
  });

  it("refuses perpetual (off the ladder) without an upgrade when it is not listed", async () => {
    const { id } = await model({ requiredTier: "free", allowedTiers: ["free"] });
    const body = await expectRefused(await access(id, "perpetual"), 403, "tier_not_allowed");
    expect(body.error.details).not.toHaveProperty("upgrade_to");
    // ...and allows it when it is.
    const listed = await model({ requiredTier: "enterprise_max", allowedTiers: ["enterprise_max", "perpetual"] });
    expect((await access(listed.id, "perpetual")).status).toBe(200);
  });

  it("agrees with the list's access_status for every tier", async () => {
    const provider = uniqueProvider();
    const rules: Array<Partial<ModelMeta>> = [
      { requiredTier: "pro", allowedTiers: ["pro", "perpetual"] },
      { tierRestrictionMode: "exact", requiredTier: "pro_max", allowedTiers: ["pro_max"] },
      { tierRestrictionMode: "whitelist", requiredTier: "free", allowedTiers: ["free", "enterprise_pro"] },
    ];
    for (const meta of rules) await createModel({ provider, meta });
    for (const tier of ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max", "perpetual"]) {
      const token = await userToken(tier);
      const listed = await (await call(`/v1/models?provider=${provider}`, { token })).json<{
        models: Array<{ id: string; access_status: string }>;
      }>();
      for (const { id, access_status } of listed.models) {
        const gate = await call(`/v1/models/${id}/access`, { token });
        const upgrade = gate.status === 403 ? (await gate.json<ErrorBody>()).error.details : undefined;
        const seen =
          gate.status === 200 ? "allowed" : (upgrade as TierDetails)?.upgrade_to ? "upgrade_required" : `restricted(${gate.status})`;
        expect(seen, `${id} for ${tier}`).toBe(access_status === "restricted" ? "restricted(403)" : access_status);
      }
    }
  });

  it("answers 404 for an unknown model", async () => {
    await expectRefused(await access(uniqueId("missing"), "pro"), 404, "not_found");
  });

  it("answers 410 for an archived model, naming the replacement", async () => {
    const provider = uniqueProvider();
    const successor = await createModel({ provider });
    const old = await createModel({ provider });
    await adminPost(`/admin/models/${old.id}/mark-legacy`, { replacementModelId: successor.id });
    await adminPost(`/admin/models/${old.id}/archive`, { reason: "retired" });
    const body = await expectRefused(await access(old.id, "enterprise_max"), 410, "model_archived");
    expect(body.error.details).toMatchObject({ replacement_model_id: successor.id });
  });

  it("refuses an archived model even to a tier that was allowed a moment before", async () => {
    const { id } = await model({});
    expect((await access(id, "pro")).status).toBe(200);
    await adminPost(`/admin/models/${id}/archive`, { reason: "pulled" });
    await expectRefused(await access(id, "pro"), 410, "model_archived");
  });

  it("answers 503 model_unavailable for a model that is switched off", async () => {
    const { id } = await model({}, { isAvailable: false });
    const response = await access(id, "pro");
    await expectRefused(response, 503, "model_unavailable");
    expect(response.headers.get("Retry-After")).toMatch(/^\d+$/);
  });

  it("answers 401 to an invalid token instead of treating the caller as free", async () => {
    const { id } = await model({});
    const response = await call(`/v1/models/${id}/access`, {
      token: await mintToken({ tier: "pro" }, { secret: "not-the-secret-0123456789abcdef" }),
    });
    await expectRefused(response, 401, "unauthorized");
  });

  it("lets an admin token through as its tier claim, not as a superuser", async () => {
    // Staff browsing with an admin token are still users of a tier for inference.
    const { id } = await model({ requiredTier: "enterprise_max", allowedTiers: ["enterprise_max"] });
    const response = await call(`/v1/models/${id}/access`, { token: await adminToken() });
    await expectRefused(response, 403, "tier_not_allowed");
  });
});
