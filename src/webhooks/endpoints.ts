/**
 * Webhook endpoints: create, rotate the secret, delete. The signing secret is
 * returned in clear only by create and rotate-secret and stored sealed
 * (secret-box.ts). Creating an endpoint never contacts its URL.
 */
import { eq, sql } from "drizzle-orm";
import { type WebhookEndpointRow, webhookEndpoints } from "../../drizzle/schema";
import type { ChangeEventType } from "../changes/events";
import type { Config } from "../config";
import type { Database } from "../db/client";
import { ApiError } from "../http/errors";
import type { SecretBox } from "./secret-box";
import { generateWebhookSecret } from "./signature";
import { checkWebhookUrl } from "./url-guard";

/** How long a rotated-out secret still signs deliveries, so receivers can switch without a gap. */
export const ROTATION_GRACE_HOURS = 24;

export interface NewEndpoint {
  url: string;
  events?: ChangeEventType[];
  description?: string;
}

export const newEndpointId = () => `wh_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

/** The URL as it will be called, or a 400 saying why it is refused. */
export function allowedWebhookUrl(url: string, config: Pick<Config, "ALLOW_LOCAL_WEBHOOKS">): string {
  const verdict = checkWebhookUrl(url, { allowLocal: config.ALLOW_LOCAL_WEBHOOKS });
  if (!verdict.ok) {
    throw new ApiError("invalid_request", `webhook URL not allowed: ${verdict.reason}`, {
      details: [{ code: "url_not_allowed", path: ["url"], message: verdict.reason }],
    });
  }
  return verdict.url.href;
}

export async function createEndpoint(db: Database, box: SecretBox, config: Config, input: NewEndpoint, actor: string) {
  const url = allowedWebhookUrl(input.url, config);
  const id = newEndpointId();
  const secret = generateWebhookSecret();
  const [endpoint] = await db
    .insert(webhookEndpoints)
    .values({
      id,
      url,
      events: [...new Set(input.events ?? [])],
      description: input.description ?? null,
      secretCiphertext: await box.seal(secret, id),
      createdBy: actor,
    })
    .returning();
  return { endpoint: endpoint as WebhookEndpointRow, secret };
}

/** A new secret; the old one keeps signing (beside the new) for ROTATION_GRACE_HOURS. */
export async function rotateEndpointSecret(db: Database, box: SecretBox, id: string) {
  const secret = generateWebhookSecret();
  const [rotated] = await db
    .update(webhookEndpoints)
    .set({
      previousSecretCiphertext: sql`${webhookEndpoints.secretCiphertext}`,
      previousSecretExpiresAt: sql`now() + make_interval(hours => ${ROTATION_GRACE_HOURS})`,
      secretCiphertext: await box.seal(secret, id),
    })
    .where(eq(webhookEndpoints.id, id))
    .returning({ id: webhookEndpoints.id });
  if (!rotated) throw new ApiError("not_found", `webhook ${id} does not exist`);
  return secret;
}

/** Deletes the endpoint and its delivery log; messages still queued for it are dropped by the consumer. */
export async function deleteEndpoint(db: Database, id: string) {
  const [deleted] = await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ id: webhookEndpoints.id });
  if (!deleted) throw new ApiError("not_found", `webhook ${id} does not exist`);
}

/** The secrets a delivery is signed with at `now`: the current one, and the previous one during its grace period. */
export async function signingSecrets(box: SecretBox, endpoint: WebhookEndpointRow, now: Date): Promise<string[]> {
  const secrets = [await box.open(endpoint.secretCiphertext, endpoint.id)];
  if (endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(await box.open(endpoint.previousSecretCiphertext, endpoint.id));
  }
  return secrets;
}
