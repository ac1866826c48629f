/**
 * Standard Webhooks signatures, checked by the `standardwebhooks` package as
 * a receiver would; sealed secrets; the retry schedule.
 */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from "../../src/webhooks/backoff";
import { SecretBox } from "../../src/webhooks/secret-box";
import { generateWebhookSecret, signedHeaders } from "../../src/webhooks/signature";

const body = JSON.stringify({ id: "evt_1", type: "model.updated", model_id: "acme-1" });
const now = () => Math.floor(Date.now() / 1000);

describe("signedHeaders", () => {
  it("signs as Standard Webhooks specifies: the package verifies it", async () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = await signedHeaders([secret], "evt_1", now(), body);
    expect(headers["webhook-id"]).toBe("evt_1");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("fails verification with another secret, another body or another id", async () => {
    const secret = generateWebhookSecret();
    const headers = await signedHeaders([secret], "evt_1", now(), body);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(/signature/);
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow(/signature/);
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "evt_2" })).toThrow(/signature/);
  });

  it("carries one signature per secret, so both the new and the rotated-out secret verify", async () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = await signedHeaders([current, previous], "evt_1", now(), body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [current, previous]) expect(new Webhook(secret).verify(body, { ...headers })).toBeTruthy();
  });
});

describe("SecretBox", () => {
  const box = new SecretBox("a-master-key-of-at-least-32-characters!");

  it("seals a secret so that the ciphertext does not contain it, and opens it again", async () => {
    const secret = generateWebhookSecret();
    const sealed = await box.seal(secret, "wh_1");
    expect(sealed).not.toContain(secret.slice(6));
    expect(await box.open(sealed, "wh_1")).toBe(secret);
  });

  it("does not open a ciphertext moved to another endpoint, or under another key", async () => {
    const sealed = await box.seal(generateWebhookSecret(), "wh_1");
    await expect(box.open(sealed, "wh_2")).rejects.toThrow();
    await expect(new SecretBox("another-master-key-of-32-characters!!").open(sealed, "wh_1")).rejects.toThrow();
  });
});

describe("retryDelaySeconds", () => {
  it("retries the first failure within 10 s", () => {
    for (const random of [0, 0.5, 0.999]) expect(retryDelaySeconds(1, () => random)).toBeLessThanOrEqual(10);
  });

  it("backs off exponentially, with jitter of up to half the step", () => {
    const low = Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1, () => 0));
    expect(low).toEqual([5, 20, 80, 320, 1280, 5120, 20480]);
    const high = Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1, () => 0.999));
    for (const [i, delay] of high.entries()) expect(delay).toBeLessThanOrEqual(Math.ceil((low[i] ?? 0) * 1.5));
  });

  it("never asks the queue for more than its 12-hour maximum", () => {
    expect(retryDelaySeconds(20, () => 0.999)).toBe(43_200);
  });

  it("is 8 attempts in all", () => {
    expect(MAX_DELIVERY_ATTEMPTS).toBe(8);
  });
});
