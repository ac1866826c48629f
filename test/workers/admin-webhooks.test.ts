/**
 * The admin webhooks API (spec "Change feed and webhooks"): create (secret
 * shown once), list without secrets, rotate-secret, delete, deliveries; the
 * URL guard; admin only. Every URL here stays on this machine: receivers on
 * 127.0.0.1, refused addresses 0.0.0.0 / 127.0.0.2 style.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminToken, call, type ErrorBody, userToken } from "./support/client";
import { callWith, type TestEnv } from "./support/reliability";
import { createWebhook, deleteWebhook, receivedBy, receiverUrl, type Webhook, withWebhook } from "./support/webhooks";

const name = () => `api-${crypto.randomUUID().slice(0, 8)}`;

describe("POST /admin/webhooks", () => {
  it("creates an endpoint and shows its secret once, without contacting the URL", async () => {
    const hook = name();
    const response = await call("/admin/webhooks", {
      token: await adminToken(),
      json: { url: receiverUrl(hook), events: ["model.deprecated", "model.sunset_approaching"], description: "pricing page" },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<{ webhook: Webhook; secret: string }>();
    expect(body).toEqual({
      webhook: {
        id: expect.stringMatching(/^wh_[0-9a-f]{24}$/),
        url: receiverUrl(hook),
        events: ["model.deprecated", "model.sunset_approaching"],
        description: "pricing page",
        created_at: expect.any(String),
      },
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await receivedBy(hook)).toEqual([]);
    await deleteWebhook(body.webhook.id);
  });

  it("subscribes to every event type when `events` is left out", async () => {
    await withWebhook({ url: receiverUrl(name()) }, async ({ webhook }) => {
      expect(webhook.events).toEqual([]);
      expect(webhook.description).toBeNull();
    });
  });

  it.each([
    ["http://127.0.0.2:9/hook", /not allowed: the URL must use https \(http only to localhost or 127\.0\.0\.1\)/],
    ["https://127.0.0.2/hook", /loopback/],
    ["https://0.0.0.0/hook", /unspecified/],
    ["http://0.0.0.0:9/hook", /https/],
    ["https://[::1]/hook", /not a public/],
    ["https://localhost.localhost/hook", /not a public host/],
    ["ftp://127.0.0.1/hook", /https/],
    ["https://user:pw@127.0.0.1/hook", /credentials/],
    ["127.0.0.1/hook", /absolute URL/],
  ])("refuses %s with 400 saying why", async (url, reason) => {
    const response = await call("/admin/webhooks", { token: await adminToken(), json: { url } });
    expect(response.status).toBe(400);
    const body = await response.json<ErrorBody>();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(reason);
    expect(body.error.details).toEqual([expect.objectContaining({ path: ["url"] })]);
  });

  it.each([
    [{ url: receiverUrl("x"), events: ["model.exploded"] }],
    [{ url: receiverUrl("x"), events: "model.created" }],
    [{ url: 42 }],
    [{}],
    [{ url: receiverUrl("x"), secret: "whsec_mine" }],
  ])("refuses the body %j with 400", async (json) => {
    const response = await call("/admin/webhooks", { token: await adminToken(), json });
    expect(response.status).toBe(400);
    expect((await response.json<ErrorBody>()).error.code).toBe("invalid_request");
  });
});

describe("a deployment without WEBHOOK_SECRET_KEY", () => {
  it("answers 503 to a new webhook instead of storing a secret it cannot protect", async () => {
    const response = await callWith({ ...env, WEBHOOK_SECRET_KEY: "" } as TestEnv, "/admin/webhooks", {
      token: await adminToken(),
      json: { url: receiverUrl(name()) },
    });
    expect(response.status).toBe(503);
    expect((await response.json<ErrorBody>()).error.code).toBe("service_unavailable");
  });
});

describe("GET /admin/webhooks", () => {
  it("lists endpoints, never their secrets", async () => {
    await withWebhook({ url: receiverUrl(name()) }, async ({ webhook, secret }) => {
      const response = await call("/admin/webhooks", { token: await adminToken() });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(6));
      expect(text).not.toMatch(/secret|ciphertext/i);
      expect(JSON.parse(text).webhooks).toContainEqual(webhook);
    });
  });
});

describe("POST /admin/webhooks/:id/rotate-secret", () => {
  it("returns a new secret", async () => {
    await withWebhook({ url: receiverUrl(name()) }, async ({ webhook, secret }) => {
      const response = await call(`/admin/webhooks/${webhook.id}/rotate-secret`, { token: await adminToken(), json: {} });
      expect(response.status).toBe(200);
      const rotated = await response.json<{ secret: string }>();
      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(secret);
    });
  });

  it("answers 404 for an unknown endpoint", async () => {
    const response = await call("/admin/webhooks/wh_000000000000000000000000/rotate-secret", { method: "POST", token: await adminToken() });
    expect(response.status).toBe(404);
  });
});

describe("DELETE /admin/webhooks/:id", () => {
  it("deletes the endpoint: 204, gone from the list, then 404", async () => {
    const { webhook } = await createWebhook({ url: receiverUrl(name()) });
    const response = await deleteWebhook(webhook.id);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    const list = await (await call("/admin/webhooks", { token: await adminToken() })).json<{ webhooks: Webhook[] }>();
    expect(list.webhooks.map((entry) => entry.id)).not.toContain(webhook.id);
    expect((await deleteWebhook(webhook.id)).status).toBe(404);
    expect((await call(`/admin/webhooks/${webhook.id}/deliveries`, { token: await adminToken() })).status).toBe(404);
  });

  it("answers 404 for an id that is not a webhook id", async () => {
    expect((await deleteWebhook("nope")).status).toBe(404);
  });
});

describe("GET /admin/webhooks/:id/deliveries", () => {
  it("is empty for a new endpoint", async () => {
    await withWebhook({ url: receiverUrl(name()), events: ["model.sunset_approaching"] }, async ({ webhook }) => {
      const response = await call(`/admin/webhooks/${webhook.id}/deliveries`, { token: await adminToken() });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ deliveries: [], next_cursor: null });
    });
  });

  it.each(["limit=0", "limit=201", "before=x", "page=2"])("refuses ?%s with 400", async (query) => {
    await withWebhook({ url: receiverUrl(name()), events: ["model.sunset_approaching"] }, async ({ webhook }) => {
      const response = await call(`/admin/webhooks/${webhook.id}/deliveries?${query}`, { token: await adminToken() });
      expect(response.status).toBe(400);
    });
  });
});

describe("the webhooks API is admin only", () => {
  it.each([
    ["GET", "/admin/webhooks"],
    ["POST", "/admin/webhooks"],
    ["POST", "/admin/webhooks/wh_000000000000000000000000/rotate-secret"],
    ["DELETE", "/admin/webhooks/wh_000000000000000000000000"],
    ["GET", "/admin/webhooks/wh_000000000000000000000000/deliveries"],
  ])("%s %s: 401 without a token, 403 for a user", async (method, path) => {
    const json = method === "POST" ? { url: receiverUrl("x") } : undefined;
    expect((await call(path, { method, json })).status).toBe(401);
    expect((await call(path, { method, json, token: await userToken("enterprise_max") })).status).toBe(403);
  });
});
