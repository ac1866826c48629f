/** Webhook endpoints through the admin API, and the loopback receivers of test/webhook-receiver.ts that record what they are sent. */
import { inject } from "vitest";
import type { z } from "zod";
import type { DeliverySchema, WebhookSchema } from "../../../src/routes/admin-webhooks/admin-webhook";
import type { NewWebhookSchema } from "../../../src/routes/admin-webhooks/admin-webhooks.routes";
import type { ReceivedRequest } from "../../webhook-receiver";
import { adminToken, call } from "./client";

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

export async function deleteWebhook(id: string) {
  return call(`/admin/webhooks/${id}`, { method: "DELETE", token: await adminToken() });
}

export async function deliveriesOf(webhookId: string): Promise<Delivery[]> {
  const response = await call(`/admin/webhooks/${webhookId}/deliveries?limit=200`, { token: await adminToken() });
  if (response.status !== 200) throw new Error(`deliveries: ${response.status} ${await response.text()}`);
  return (await response.json<{ deliveries: Delivery[] }>()).deliveries;
}
