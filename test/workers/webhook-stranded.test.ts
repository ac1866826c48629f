/**
 * Deliveries the queue accepted and then lost (`wrangler dev` keeps queues in
 * memory: a restart drops them): the cron re-sends them once their dispatch,
 * or their last attempt's retry, is STRANDED_AFTER_MS old, never what a
 * receiver already got (src/webhooks/stranded.ts).
 *
 * A lost message is a write dispatched into a stand-in queue whose consumer
 * never runs. The rule is driven with its clock: each test moves its events
 * to a day of 2000 of its own, where no other test's events are (its endpoint
 * dated just before, so it is subscribed to them and to no earlier test's),
 * and runs the re-send at chosen instants of that day.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEAD_LETTER_QUEUE } from "../../src/webhooks/consumer";
import type { DeliveryMessage } from "../../src/webhooks/dispatch";
import { resendStranded, STRANDED_AFTER_MS, STRANDED_BATCH } from "../../src/webhooks/stranded";
import { runCron } from "./support/client";
import { captureConsole, directDatabase, eventually } from "./support/reliability";
import {
  type CreatedWebhook,
  consume,
  createModelVia,
  deliveriesOf,
  receivedAbout,
  receivedAtLeast,
  receiverUrl,
  standInQueue,
  withWebhook,
} from "./support/webhooks";

const hookName = () => `strd-${crypto.randomUUID().slice(0, 8)}`;
let days = 0;
/** Noon of a day of 2000 no other test uses: when the test's lost messages were handed to the queue. */
const ownDay = () => Date.parse("2000-01-01T12:00:00Z") + days++ * 86_400_000;
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms);

let database: ReturnType<typeof directDatabase>;
beforeEach(() => {
  database = directDatabase();
});
afterEach(async () => {
  await database.close();
});

/**
 * Runs `use` with an endpoint (receiver `hook`, `options` its query string) subscribed to model.created and dated
 * `since`, so subscribed to the events moved after it; deletes it afterwards.
 */
function withEndpoint<T>(
  { hook, since, options = "" }: { hook: string; since: number; options?: string },
  use: (created: CreatedWebhook) => Promise<T>,
) {
  return withWebhook({ url: receiverUrl(hook, options), events: ["model.created"] }, async (created) => {
    await database.db.execute(sql`UPDATE webhook_endpoints SET created_at = ${at(since).toISOString()} WHERE id = ${created.webhook.id}`);
    return use(created);
  });
}

/** A created model whose message to `webhookId` the queue accepted and lost: dispatched at `dispatchedAt`, never consumed. */
async function lostCreation(webhookId: string, dispatchedAt: number) {
  const { queue, sent } = standInQueue();
  const { id, messages } = await createModelVia(queue, sent, webhookId);
  const [message] = messages;
  if (!message) throw new Error("the write sent no message to the endpoint");
  await moveEvent(message.eventId, dispatchedAt);
  return { modelId: id, message };
}

async function moveEvent(eventId: string, dispatchedAt: number) {
  await database.db.execute(
    sql`UPDATE change_events SET occurred_at = ${at(dispatchedAt - 1000).toISOString()}, dispatched_at = ${at(dispatchedAt).toISOString()}
         WHERE id = ${eventId}`,
  );
}

/** Re-sends at `now` into a stand-in queue; what it did and the messages it sent. */
async function resendAt(now: number, limit?: number) {
  const { queue, sent } = standInQueue();
  const result = await resendStranded(database.db, queue, at(now), limit);
  return { ...result, sent };
}

const mine = (sent: DeliveryMessage[], webhookId: string) => sent.filter((message) => message.endpointId === webhookId);

describe("a message the queue lost before any attempt", () => {
  it("is left alone until its dispatch is 15 minutes old, then re-sent and delivered, signed, under the event's id", async () => {
    const hook = hookName();
    const dispatched = ownDay();
    await withEndpoint({ hook, since: dispatched - HOUR }, async ({ webhook, secret }) => {
      const { modelId, message } = await lostCreation(webhook.id, dispatched);

      const early = await resendAt(dispatched + STRANDED_AFTER_MS - 1000);
      expect(mine(early.sent, webhook.id)).toEqual([]);

      const result = await resendStranded(database.db, env.WEBHOOK_QUEUE, at(dispatched + STRANDED_AFTER_MS + 1000));
      expect(result).toEqual({ events: 1, messages: 1 });
      const [request] = await receivedAtLeast(hook, modelId, 1);
      expect(request?.headers["webhook-id"]).toBe(message.eventId);
      expect(new Webhook(secret).verify(request?.body ?? "", request?.headers ?? {})).toBeTruthy();
      await eventually(async () =>
        expect(await deliveriesOf(webhook.id)).toEqual([
          expect.objectContaining({ event_id: message.eventId, attempt: 1, outcome: "delivered" }),
        ]),
      );
    });
  });

  it("is marked dispatched at the re-send, so the runs of the next 15 minutes leave the new message to the queue", async () => {
    const hook = hookName();
    const dispatched = ownDay();
    await withEndpoint({ hook, since: dispatched - HOUR }, async ({ webhook }) => {
      const { message } = await lostCreation(webhook.id, dispatched);
      const resentAt = dispatched + STRANDED_AFTER_MS + 1000;
      expect(mine((await resendAt(resentAt)).sent, webhook.id)).toEqual([message]);

      expect(mine((await resendAt(resentAt + STRANDED_AFTER_MS - 1000)).sent, webhook.id)).toEqual([]);
      // Lost again (the stand-in's consumer never runs): re-sent again, one bound later.
      expect(mine((await resendAt(resentAt + STRANDED_AFTER_MS + 1000)).sent, webhook.id)).toEqual([message]);
    });
  });

  it("goes only to the endpoints still waiting for it: an endpoint that got the event gets nothing", async () => {
    const [waitingHook, servedHook] = [hookName(), hookName()];
    const dispatched = ownDay();
    await withEndpoint({ hook: waitingHook, since: dispatched - HOUR }, (waiting) =>
      withEndpoint({ hook: servedHook, since: dispatched - HOUR }, async (served) => {
        const { queue, sent } = standInQueue();
        const { id } = await createModelVia(queue, sent, waiting.webhook.id);
        const delivered = sent.filter((message) => message.endpointId === served.webhook.id);
        await consume(delivered);
        await moveEvent(delivered[0]?.eventId ?? "", dispatched);

        const result = await resendAt(dispatched + STRANDED_AFTER_MS + 1000);
        expect(result.sent.filter((message) => message.endpointId === served.webhook.id)).toEqual([]);
        expect(mine(result.sent, waiting.webhook.id)).toHaveLength(1);
        expect(await receivedAbout(servedHook, id)).toHaveLength(1);
      }),
    );
  });
});

describe("a retry the queue never came back with", () => {
  it("is re-sent once the last attempt's retry is 15 minutes overdue, not before, and its next attempt is counted after the first", async () => {
    const hook = hookName();
    const retryDue = ownDay();
    await withEndpoint({ hook, since: retryDue - 2 * HOUR, options: "fail=1" }, async ({ webhook }) => {
      const { modelId, message } = await lostCreation(webhook.id, retryDue - HOUR);
      // The first attempt failed (500) and asked the queue for a retry, which it then lost.
      expect((await consume([message])).retryMessages).toHaveLength(1);
      await database.db.execute(
        sql`UPDATE webhook_deliveries SET attempted_at = ${at(retryDue - 80_000).toISOString()}, next_retry_at = ${at(retryDue).toISOString()}
             WHERE endpoint_id = ${webhook.id}`,
      );

      expect(mine((await resendAt(retryDue + STRANDED_AFTER_MS - 1000)).sent, webhook.id)).toEqual([]);

      expect(await resendStranded(database.db, env.WEBHOOK_QUEUE, at(retryDue + STRANDED_AFTER_MS + 1000))).toEqual({
        events: 1,
        messages: 1,
      });
      const requests = await receivedAtLeast(hook, modelId, 2);
      expect(requests.map((request) => request.answered)).toEqual([500, 200]);
      await eventually(async () =>
        expect((await deliveriesOf(webhook.id)).map((d) => [d.attempt, d.outcome])).toEqual([
          [2, "delivered"],
          [1, "retrying"],
        ]),
      );
    });
  });
});

describe("a delivery already settled", () => {
  it("is not sent again once delivered", async () => {
    const hook = hookName();
    const dispatched = ownDay();
    await withEndpoint({ hook, since: dispatched - HOUR }, async ({ webhook }) => {
      const { modelId, message } = await lostCreation(webhook.id, dispatched);
      await consume([message]);
      expect(mine((await resendAt(dispatched + 2 * STRANDED_AFTER_MS)).sent, webhook.id)).toEqual([]);
      expect(await receivedAbout(hook, modelId)).toHaveLength(1);
    });
  });

  it("is not sent again once failed (here dead-lettered)", async () => {
    const hook = hookName();
    const dispatched = ownDay();
    await withEndpoint({ hook, since: dispatched - HOUR }, async ({ webhook }) => {
      const { modelId, message } = await lostCreation(webhook.id, dispatched);
      await consume([message], {}, 1, env, DEAD_LETTER_QUEUE);
      expect(mine((await resendAt(dispatched + 2 * STRANDED_AFTER_MS)).sent, webhook.id)).toEqual([]);
      expect(await receivedAbout(hook, modelId)).toEqual([]);
    });
  });

  it("is acknowledged without sending when the queue was only slow: the original arriving after the re-sent copy sends nothing", async () => {
    const hook = hookName();
    const dispatched = ownDay();
    await withEndpoint({ hook, since: dispatched - HOUR }, async ({ webhook }) => {
      const { modelId, message } = await lostCreation(webhook.id, dispatched);
      const resent = mine((await resendAt(dispatched + STRANDED_AFTER_MS + 1000)).sent, webhook.id);
      await consume(resent);
      const late = await consume([message]);
      expect(late.explicitAcks).toHaveLength(1);
      expect(late.retryMessages).toEqual([]);
      expect(await receivedAbout(hook, modelId)).toHaveLength(1);
    });
  });
});

describe("the work of one run", () => {
  it(`re-sends at most its limit (${STRANDED_BATCH} events by default), oldest commit first, and the rest in the next runs`, async () => {
    const hook = hookName();
    const dispatched = ownDay();
    await withEndpoint({ hook, since: dispatched - HOUR }, async ({ webhook }) => {
      const lost = [];
      for (let i = 0; i < 3; i++) lost.push((await lostCreation(webhook.id, dispatched + i * 1000)).message);
      const now = dispatched + 2 * STRANDED_AFTER_MS;

      const first = await resendAt(now, 2);
      expect(first).toMatchObject({ events: 2, messages: 2 });
      expect(mine(first.sent, webhook.id)).toEqual(lost.slice(0, 2));
      const second = await resendAt(now, 2);
      expect(mine(second.sent, webhook.id)).toEqual(lost.slice(2));
      expect(mine((await resendAt(now, 2)).sent, webhook.id)).toEqual([]);
    });
  });
});

describe("the cron's stranded_sweep", () => {
  it("runs every minute on the wall clock and logs what it re-sent", async () => {
    const hook = hookName();
    await withEndpoint({ hook, since: Date.now() - HOUR }, async ({ webhook }) => {
      const { modelId, message } = await lostCreation(webhook.id, Date.now() - STRANDED_AFTER_MS - 60_000);
      const logs = captureConsole();
      await runCron(Date.now());
      vi.restoreAllMocks();
      const jobs = logs.events("scheduled_run").map((run) => run.jobs as Record<string, unknown>);
      expect(jobs).toHaveLength(1);
      const sweep = jobs[0]?.stranded_sweep as { events: number; messages: number } | undefined;
      expect(sweep).toEqual({ events: expect.any(Number), messages: expect.any(Number) });
      expect(sweep?.messages).toBeGreaterThanOrEqual(1);
      const [request] = await receivedAtLeast(hook, modelId, 1);
      expect(request?.headers["webhook-id"]).toBe(message.eventId);
    });
  });

  it("takes nothing in flight for lost when a run is scheduled ahead (tests reaching a due date)", async () => {
    const hook = hookName();
    await withWebhook({ url: receiverUrl(hook), events: ["model.created"] }, async ({ webhook }) => {
      const { queue, sent } = standInQueue();
      const { messages } = await createModelVia(queue, sent, webhook.id);
      const dispatchedAt = async () =>
        (await database.db.execute(sql`SELECT dispatched_at::text AS at FROM change_events WHERE id = ${messages[0]?.eventId}`)).rows;
      const before = await dispatchedAt();
      await runCron(Date.now() + 2 * STRANDED_AFTER_MS);
      expect(await dispatchedAt()).toEqual(before);
      expect(await deliveriesOf(webhook.id)).toEqual([]);
    });
  });
});
