/**
 * Webhook endpoints through the admin API, the loopback receivers of
 * test/webhook-receiver.ts that record what they are sent, and a stand-in
 * delivery queue with a direct consumer run, to play the queue's deliveries
 * (and losses) without waiting out its backoff.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import type { z } from "zod";
import type { DeliverySchema, WebhookSchema } from "../../../src/routes/admin-webhooks/admin-webhook";
import type { NewWebhookSchema } from "../../../src/routes/admin-webhooks/admin-webhooks.routes";
import { type ConsumerOptions, consumeWebhookBatch, DELIVERY_QUEUE } from "../../../src/webhooks/consumer";
import type { DeliveryMessage } from "../../../src/webhooks/dispatch";
import type { ReceivedRequest } from "../../webhook-receiver";
import { adminToken, call } from "./client";
import type { FeedEvent } from "./feed";
import { sampleMeta, uniqueId, uniqueProvider } from "./fixtures";
import { callWith, eventually, type TestEnv } from "./reliability";

export type { ReceivedRequest };
export type Webhook = z.infer<typeof WebhookSchema>;
export type Delivery = z.infer<typeof DeliverySchema>;

/** The receivers' base URL. ProvidedContext is declared in test/global-setup.ts, outside this tsconfig. */
const receiverBase = () => (inject as unknown as (key: "webhookReceiver") => string)("webhookReceiver");

/** A receiver URL no other test uses; `options` is the receiver's query string (fail=1, status=500, delayMs=...). */
export const receiverUrl = (name: string, options = "") => `${receiverBase()}/hook/${name}${options ? `?${options}` : ""}`;

export async function receivedBy(name: string): Promise<ReceivedRequest[]> {
  return (await fetch(`${receiverBase()}/received/${name}`)).json<ReceivedRequest[]>();
}

export async function createWebhook(body: z.input<typeof NewWebhookSchema>) {
  const response = await call("/admin/webhooks", { token: await adminToken(), json: body });
  if (response.status !== 201) throw new Error(`createWebhook: ${response.status} ${await response.text()}`);
  return response.json<{ webhook: Webhook; secret: string }>();
}

/** What creating an endpoint answers: the endpoint and its secret, shown once. */
export type CreatedWebhook = Awaited<ReturnType<typeof createWebhook>>;

export async function deleteWebhook(id: string) {
  return call(`/admin/webhooks/${id}`, { method: "DELETE", token: await adminToken() });
}

/** Creates an endpoint, runs `use` with it and its secret, and deletes it afterwards, also when `use` fails. */
export async function withWebhook<T>(body: z.input<typeof NewWebhookSchema>, use: (created: CreatedWebhook) => Promise<T>): Promise<T> {
  const created = await createWebhook(body);
  try {
    return await use(created);
  } finally {
    await deleteWebhook(created.webhook.id);
  }
}

export async function deliveriesOf(webhookId: string): Promise<Delivery[]> {
  const response = await call(`/admin/webhooks/${webhookId}/deliveries?limit=200`, { token: await adminToken() });
  if (response.status !== 200) throw new Error(`deliveries: ${response.status} ${await response.text()}`);
  return (await response.json<{ deliveries: Delivery[] }>()).deliveries;
}

/** The receivers' view: requests whose event is about `modelId`. */
export async function receivedAbout(name: string, modelId: string) {
  return (await receivedBy(name)).filter((request) => (JSON.parse(request.body) as FeedEvent).model_id === modelId);
}

/** Waits (up to `timeoutMs`) until the receiver `name` got at least `count` requests about `modelId`; returns them. */
export function receivedAtLeast(name: string, modelId: string, count: number, timeoutMs = 20_000) {
  return eventually(async () => {
    const got = await receivedAbout(name, modelId);
    expect(got.length, `requests to ${name}`).toBeGreaterThanOrEqual(count);
    return got;
  }, timeoutMs);
}

/** A queue that keeps what it is sent (or fails every send), standing in for WEBHOOK_QUEUE. */
export function standInQueue(mode: "records" | "fails" = "records") {
  const sent: DeliveryMessage[] = [];
  const queue = {
    send: async () => {
      throw new Error("not used");
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<DeliveryMessage>>) => {
      if (mode === "fails") throw new Error("Queue send failed: 503 Service Unavailable");
      for (const message of messages) sent.push(message.body);
    },
  } as unknown as Queue;
  return { queue, sent };
}

/** Creates a model with the delivery queue replaced; returns the model id and the messages it produced for `webhookId`. */
export async function createModelVia(queue: Queue, sent: DeliveryMessage[], webhookId: string) {
  const id = uniqueId("dlv");
  const response = await callWith({ ...env, WEBHOOK_QUEUE: queue } as TestEnv, "/admin/models", {
    token: await adminToken(),
    json: { id, name: id, provider: uniqueProvider(), meta: sampleMeta() },
  });
  expect(response.status).toBe(201);
  return { id, messages: sent.filter((message) => message.endpointId === webhookId) };
}

/** One run of the consumer over `messages`, as the queue would deliver them (attempt `attempts`); with the retry delays asked for. */
export async function consume(
  messages: DeliveryMessage[],
  options: ConsumerOptions = {},
  attempts = 1,
  environment: TestEnv = env,
  queue = DELIVERY_QUEUE,
) {
  const batch = createMessageBatch<DeliveryMessage>(
    queue,
    messages.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID().slice(0, 6)}`, timestamp: new Date(), attempts, body })),
  );
  // getQueueResult does not report retry delays: note them on the way.
  const delays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (retryOptions?: QueueRetryOptions) => {
      delays.push(retryOptions?.delaySeconds);
      retry(retryOptions);
    };
  }
  const ctx = createExecutionContext();
  await consumeWebhookBatch(batch, environment, ctx, options);
  return { ...(await getQueueResult(batch, ctx)), delays };
}
