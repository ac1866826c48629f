/**
 * The routes the document declares with an optional body take a request
 * with none at all (no Content-Type either), as a typed client generated
 * from the document sends it. (POST /admin/cache/reset goes through the same
 * body guard; test/workers/catalog-epoch.test.ts calls it.)
 */
import { describe, expect, it } from "vitest";
import { adminPost, adminToken, call } from "./support/client";
import { createModel } from "./support/fixtures";
import { createWebhook, receiverUrl } from "./support/webhooks";

const bodiless = async (path: string, method = "POST") => call(path, { method, token: await adminToken() });

describe("routes that need no body", () => {
  it("POST /admin/models/{id}/unmark-legacy and /unarchive take none", async () => {
    const { id } = await createModel();
    expect((await adminPost(`/admin/models/${id}/mark-legacy`, { deprecationNotice: "old" })).status).toBe(200);
    expect((await bodiless(`/admin/models/${id}/unmark-legacy`)).status).toBe(200);
    expect((await adminPost(`/admin/models/${id}/archive`, { reason: "test" })).status).toBe(200);
    const unarchived = await bodiless(`/admin/models/${id}/unarchive`);
    expect(unarchived.status).toBe(200);
    expect((await unarchived.json<{ model: { is_archived: boolean } }>()).model.is_archived).toBe(false);
  });

  it("POST /admin/webhooks/{id}/rotate-secret and DELETE /admin/webhooks/{id} take none", async () => {
    const { webhook, secret } = await createWebhook({ url: receiverUrl("bodiless"), events: ["model.sunset_approaching"] });
    const rotated = await bodiless(`/admin/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect((await rotated.json<{ secret: string }>()).secret).not.toBe(secret);
    expect((await bodiless(`/admin/webhooks/${webhook.id}`, "DELETE")).status).toBe(204);
  });
});
