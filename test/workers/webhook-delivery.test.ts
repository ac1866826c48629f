/**
 * Webhook delivery (spec "Change feed and webhooks"): through the Cloudflare
 * Queue to receivers on 127.0.0.1, signed per Standard Webhooks (checked by
 * the `standardwebhooks` package as a receiver would), retried with backoff,
 * given up after 8 attempts, every attempt recorded; the outbox sweep after
 * a failed queue send; a deleted endpoint gets nothing; a slow receiver or a
 * huge body cannot stall the consumer; no redirect is followed.
 *
 * Some tests drive the consumer directly with the messages a write produced
 * (captured by a stand-in queue), to play the queue's redeliveries without
 * waiting out the real backoff.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { MAX_DELIVERY_ATTEMPTS } from "../../src/webhooks/backoff";
import { DEAD_LETTER_QUEUE } from "../../src/webhooks/consumer";
import { adminPost, adminToken, call, runCron } from "./support/client";
import { type FeedEvent, feedSince } from "./support/feed";
import { createModel } from "./support/fixtures";
import { deadDatabaseEnv, directDatabase, eventually, type TestEnv } from "./support/reliability";
import {
  consume,
  createModelVia,
  createWebhook,
  deleteWebhook,
  deliveriesOf,
  receivedAbout,
  receivedAtLeast,
  receivedBy,
  receiverUrl,
  standInQueue,
  withWebhook,
} from "./support/webhooks";

const hookName = () => `dlv-${crypto.randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("delivery through the queue", () => {
  it("POSTs each change, signed: the standardwebhooks package verifies it, and the body is the feed event", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook) }, async ({ webhook, secret }) => {
      const model = await createModel();
      await adminPost(`/admin/models/${model.id}/mark-legacy`, { deprecationNotice: "webhook test" });

      const requests = await receivedAtLeast(hook, model.id, 2, 20_000);
      const feed = (await feedSince()).events.filter((event) => event.model_id === model.id);
      for (const request of requests) {
        expect(request.method).toBe("POST");
        expect(request.headers["content-type"]).toBe("application/json");
        const verified = new Webhook(secret).verify(request.body, {
          "webhook-id": request.headers["webhook-id"] ?? "",
          "webhook-timestamp": request.headers["webhook-timestamp"] ?? "",
          "webhook-signature": request.headers["webhook-signature"] ?? "",
        }) as FeedEvent;
        expect(request.headers["webhook-id"]).toBe(verified.id);
        expect(feed).toContainEqual(verified);
      }
      expect(requests.map((request) => (JSON.parse(request.body) as FeedEvent).type).sort()).toEqual(["model.created", "model.deprecated"]);
      await eventually(
        async () => expect((await deliveriesOf(webhook.id)).filter((d) => d.outcome === "delivered")).toHaveLength(2),
        10_000,
      );
      const deliveries = await deliveriesOf(webhook.id);
      expect(deliveries.find((d) => d.event_id === feed[0]?.id)).toMatchObject({
        attempt: 1,
        outcome: "delivered",
        status_code: 200,
        error: null,
        next_retry_at: null,
      });
    });
  });

  it("is refused by the verifier with a wrong secret", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook) }, async () => {
      const model = await createModel();
      const [request] = await receivedAtLeast(hook, model.id, 1);
      const { secret: other } = await createWebhook({ url: receiverUrl(hookName()), events: ["model.sunset_approaching"] });
      expect(() => new Webhook(other).verify(request?.body ?? "", request?.headers ?? {})).toThrow(/signature/i);
    });
  });

  it("retries a failed delivery within seconds and then succeeds, with the same webhook-id", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook, "fail=1"), events: ["model.created"] }, async ({ webhook, secret }) => {
      const model = await createModel();
      const requests = await receivedAtLeast(hook, model.id, 2, 25_000);
      expect(requests.map((request) => request.answered)).toEqual([500, 200]);
      expect(requests[1]?.headers["webhook-id"]).toBe(requests[0]?.headers["webhook-id"]);
      const gap = (requests[1]?.at ?? 0) - (requests[0]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(4_000);
      expect(gap).toBeLessThanOrEqual(12_000);
      for (const request of requests) expect(new Webhook(secret).verify(request.body, request.headers)).toBeTruthy();

      const eventId = requests[0]?.headers["webhook-id"];
      const attempts = await eventually(async () => {
        const mine = (await deliveriesOf(webhook.id)).filter((d) => d.event_id === eventId);
        expect(mine).toHaveLength(2);
        return mine;
      });
      const [second, first] = attempts;
      expect(first).toMatchObject({ attempt: 1, outcome: "retrying", status_code: 500, error: "receiver answered 500" });
      const wait = Date.parse(first?.next_retry_at ?? "") - Date.parse(first?.attempted_at ?? "");
      expect(wait).toBeGreaterThanOrEqual(4_000);
      expect(wait).toBeLessThanOrEqual(10_000);
      expect(second).toMatchObject({ attempt: 2, outcome: "delivered", status_code: 200, next_retry_at: null });
    });
  });

  it("sends only the event types an endpoint subscribed to", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook), events: ["model.deprecated"] }, async () => {
      const model = await createModel();
      await call(`/admin/models/${model.id}/meta`, { method: "PATCH", token: await adminToken(), json: { description: "changed" } });
      await adminPost(`/admin/models/${model.id}/mark-legacy`, {});
      await receivedAtLeast(hook, model.id, 1);
      await sleep(1500);
      const types = (await receivedAbout(hook, model.id)).map((request) => (JSON.parse(request.body) as FeedEvent).type);
      expect(types).toEqual(["model.deprecated"]);
    });
  });

  it("after a secret rotation signs with the new and the old secret, so both verify during the grace period", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook), events: ["model.created"] }, async ({ webhook, secret: old }) => {
      const rotated = await call(`/admin/webhooks/${webhook.id}/rotate-secret`, { method: "POST", token: await adminToken() });
      expect(rotated.status).toBe(200);
      const { secret: fresh } = await rotated.json<{ secret: string }>();
      const model = await createModel();
      const [request] = await receivedAtLeast(hook, model.id, 1);
      expect(request?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
      for (const secret of [fresh, old]) expect(new Webhook(secret).verify(request?.body ?? "", request?.headers ?? {})).toBeTruthy();
    });
  });
});

describe("a deleted endpoint", () => {
  it("gets nothing: not new events, not messages already queued for it", async () => {
    const hook = hookName();
    const { webhook } = await createWebhook({ url: receiverUrl(hook) });
    const { queue, sent } = standInQueue();
    const { id, messages } = await createModelVia(queue, sent, webhook.id);
    expect(messages).toHaveLength(1);
    expect((await deleteWebhook(webhook.id)).status).toBe(204);

    const result = await consume(messages);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    await adminPost(`/admin/models/${id}/archive`, { reason: "after delete" });
    await sleep(2500);
    expect(await receivedBy(hook)).toEqual([]);
  });
});

describe("retries", () => {
  it("give up after 8 attempts with growing delays, the last marked failed; a duplicate message sends nothing more", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook, "status=503"), events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { id, messages } = await createModelVia(queue, sent, webhook.id);
      const delays: number[] = [];
      for (let run = 1; run <= MAX_DELIVERY_ATTEMPTS; run++) {
        const result = await consume(messages, {}, run);
        if (run < MAX_DELIVERY_ATTEMPTS) {
          expect(result.retryMessages, `run ${run}`).toHaveLength(1);
          delays.push(result.delays[0] ?? -1);
        } else {
          expect(result.retryMessages).toEqual([]);
          expect(result.explicitAcks).toHaveLength(1);
        }
      }
      expect(delays[0]).toBeLessThanOrEqual(10);
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1] ?? 0);

      const attempts = (await deliveriesOf(webhook.id)).toReversed();
      expect(attempts.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(attempts.map((d) => d.outcome)).toEqual([...Array(7).fill("retrying"), "failed"]);
      expect(attempts.every((d) => d.status_code === 503 && d.error === "receiver answered 503")).toBe(true);
      expect(attempts.at(-1)?.next_retry_at).toBeNull();
      expect((await receivedAbout(hook, id)).length).toBe(8);

      const duplicate = await consume(messages);
      expect(duplicate.explicitAcks).toHaveLength(1);
      expect((await receivedAbout(hook, id)).length).toBe(8);
      expect(await deliveriesOf(webhook.id)).toHaveLength(8);
    });
  });

  it("a message whose queue attempts went to the consumer's own failures still gets its 8 delivery attempts", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook, "status=503"), events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { id, messages } = await createModelVia(queue, sent, webhook.id);
      // The queue has delivered it 8 times already (the database was down each time); the receiver has had no attempt.
      const result = await consume(messages, {}, MAX_DELIVERY_ATTEMPTS);
      expect(result.retryMessages).toHaveLength(1);
      expect((await deliveriesOf(webhook.id)).map((d) => d.outcome)).toEqual(["retrying"]);
      expect(await receivedAbout(hook, id)).toHaveLength(1);
    });
  });

  it("a message already delivered is acknowledged without sending it again", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook), events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { id, messages } = await createModelVia(queue, sent, webhook.id);
      await consume(messages);
      const again = await consume(messages);
      expect(again.explicitAcks).toHaveLength(1);
      expect(await receivedAbout(hook, id)).toHaveLength(1);
    });
  });
});

describe("a consumer that cannot do its work", () => {
  it("leaves the message to the queue's retries when the database is down, sending nothing", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook), events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { id, messages } = await createModelVia(queue, sent, webhook.id);
      const result = await consume(messages, {}, 1, deadDatabaseEnv());
      expect(result.retryMessages).toHaveLength(1);
      expect(result.explicitAcks).toEqual([]);
      expect(await receivedAbout(hook, id)).toEqual([]);
      expect(await deliveriesOf(webhook.id)).toEqual([]);
    });
  });

  it("records a dead-lettered message as a failed delivery, so staff see it", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook), events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { id, messages } = await createModelVia(queue, sent, webhook.id);
      const result = await consume(messages, {}, 1, env, DEAD_LETTER_QUEUE);
      expect(result.explicitAcks).toHaveLength(1);
      expect(await deliveriesOf(webhook.id)).toEqual([
        expect.objectContaining({ attempt: 1, outcome: "failed", status_code: null, error: expect.stringMatching(/dead-lettered/) }),
      ]);
      expect(await receivedAbout(hook, id)).toEqual([]);
    });
  });
});

describe("a queue send that fails", () => {
  it("loses nothing: the write succeeds, the event stays in the outbox, and the cron's sweep delivers it", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook), events: ["model.created"] }, async ({ webhook, secret }) => {
      const { queue } = standInQueue("fails");
      const { id } = await createModelVia(queue, [], webhook.id);
      const [event] = (await feedSince()).events.filter((entry) => entry.model_id === id);
      expect(event?.type).toBe("model.created");
      const database = directDatabase();
      try {
        const pending = await database.db.execute(sql`SELECT dispatched_at FROM change_events WHERE id = ${event?.id}`);
        expect(pending.rows).toEqual([{ dispatched_at: null }]);
        await sleep(1000);
        expect(await receivedBy(hook)).toEqual([]);
        // The sweep leaves events younger than a minute to the request that recorded them: make this one (and the endpoint) older.
        await database.db.execute(sql`UPDATE change_events SET occurred_at = occurred_at - interval '5 minutes' WHERE id = ${event?.id}`);
        await database.db.execute(
          sql`UPDATE webhook_endpoints SET created_at = created_at - interval '10 minutes' WHERE id = ${webhook.id}`,
        );
      } finally {
        await database.close();
      }

      await runCron(Date.now());

      const [request] = await receivedAtLeast(hook, id, 1);
      expect(request?.headers["webhook-id"]).toBe(event?.id);
      expect(new Webhook(secret).verify(request?.body ?? "", request?.headers ?? {})).toBeTruthy();
    });
  });
});

describe("receivers that misbehave", () => {
  it("a slow receiver is cut off at the timeout and does not hold up other endpoints in the batch", async () => {
    const [slowHook, fastHook] = [hookName(), hookName()];
    await withWebhook({ url: receiverUrl(slowHook, "delayMs=8000"), events: ["model.created"] }, (slow) =>
      withWebhook({ url: receiverUrl(fastHook), events: ["model.created"] }, async (fast) => {
        const { queue, sent } = standInQueue();
        const { id } = await createModelVia(queue, sent, slow.webhook.id);
        const messages = sent.filter((m) => m.endpointId === slow.webhook.id || m.endpointId === fast.webhook.id);
        expect(messages).toHaveLength(2);

        const started = Date.now();
        const result = await consume(messages, { timeoutMs: 1000 });
        expect(Date.now() - started).toBeLessThan(4000);
        const [fastRequest] = await receivedAbout(fastHook, id);
        expect((fastRequest?.at ?? Infinity) - started).toBeLessThan(900);
        expect(result.retryMessages).toHaveLength(1);
        const [attempt] = await deliveriesOf(slow.webhook.id);
        expect(attempt).toMatchObject({ attempt: 1, outcome: "retrying", status_code: null, error: "no answer within 1 s" });
      }),
    );
  });

  it("an endless response body is not read: the delivery counts and the consumer moves on", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook, "hugeBody=1"), events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { messages } = await createModelVia(queue, sent, webhook.id);
      const started = Date.now();
      const result = await consume(messages, { timeoutMs: 3000 });
      expect(Date.now() - started).toBeLessThan(2500);
      expect(result.explicitAcks).toHaveLength(1);
      expect((await deliveriesOf(webhook.id))[0]).toMatchObject({ outcome: "delivered", status_code: 200 });
    });
  });

  it("a redirect is not followed: it is a failed attempt, and its target gets nothing", async () => {
    const [hook, target] = [hookName(), hookName()];
    const url = receiverUrl(hook, `redirect=${encodeURIComponent(receiverUrl(target))}`);
    await withWebhook({ url, events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { messages } = await createModelVia(queue, sent, webhook.id);
      const result = await consume(messages);
      expect(result.retryMessages).toHaveLength(1);
      expect((await deliveriesOf(webhook.id))[0]).toMatchObject({
        outcome: "retrying",
        status_code: 302,
        error: expect.stringMatching(/redirect/),
      });
      expect(await receivedBy(target)).toEqual([]);
    });
  });

  it("a URL the guard no longer allows is not contacted at delivery", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook), events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { messages } = await createModelVia(queue, sent, webhook.id);
      const result = await consume(messages, {}, 1, { ...env, ALLOW_LOCAL_WEBHOOKS: "false" } as TestEnv);
      expect(result.retryMessages).toHaveLength(1);
      expect((await deliveriesOf(webhook.id))[0]).toMatchObject({
        status_code: null,
        error: expect.stringMatching(/URL not allowed: the URL must use https/),
      });
      expect(await receivedBy(hook)).toEqual([]);
    });
  });
});
