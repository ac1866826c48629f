/**
 * Shared by the Worker tests: a client for the app over HTTP (in workerd),
 * token minting with the test settings, and unique models per test so files
 * can share one database.
 */
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { inject } from "vitest";
import type { ModelMeta } from "../../src/domain/model-meta";
import { checkContract } from "./contract";

export const BASE_URL = "https://catalog.test";

export interface TokenClaims {
  sub?: string;
  role?: string;
  tier?: string;
  [claim: string]: unknown;
}

/** Signs an HS256 token the way the platform's auth service would, valid for an hour unless told otherwise. */
export async function mintToken(
  claims: TokenClaims = {},
  options: { expiresIn?: string | number; secret?: string; issuer?: string; audience?: string; notBefore?: string | number } = {},
) {
  const jwt = new SignJWT({ sub: "user-1", ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setIssuer(options.issuer ?? env.JWT_ISSUER ?? "")
    .setAudience(options.audience ?? env.JWT_AUDIENCE ?? "")
    .setExpirationTime(options.expiresIn ?? "1h");
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(new TextEncoder().encode(options.secret ?? env.JWT_SECRET));
}

export const adminToken = (sub = "admin-alice") => mintToken({ sub, role: "admin" });
export const userToken = (tier: string, sub = `user-${tier}`) => mintToken({ sub, tier });

export interface RequestOptions {
  method?: string;
  token?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

/** Calls the Worker's fetch handler, as a client over HTTP would; the answer must match /openapi.json (contract.ts). */
export async function call(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body = options.body;
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.json);
  }
  const request = new Request(`${BASE_URL}${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  const response = await exports.default.fetch(request);
  await checkContract(request.method, request.url, response);
  return response;
}

/** A model id no other test uses. */
export const uniqueId = (prefix = "test") => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** A provider name no other test file uses, so filtered lists see only this test's models. */
export const uniqueProvider = (prefix = "prov") => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export function sampleMeta(overrides: Partial<ModelMeta> = {}): ModelMeta {
  return {
    displayName: "Test Model",
    description: "A model made by a test",
    capabilities: ["text", "code"],
    contextLength: 32768,
    maxOutputTokens: 4096,
    inputCostPerMillionTokens: 100,
    outputCostPerMillionTokens: 300,
    creditsPer1kTokens: 2,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
    ...overrides,
  };
}

export interface AdminModel {
  id: string;
  name: string;
  provider: string;
  is_available: boolean;
  is_legacy: boolean;
  is_archived: boolean;
  legacy_since: string | null;
  meta: ModelMeta;
  row_version: number;
}

/** Creates a model through the admin API and returns it. */
export async function createModel(
  options: { id?: string; provider?: string; meta?: Partial<ModelMeta>; isAvailable?: boolean } = {},
): Promise<AdminModel> {
  const id = options.id ?? uniqueId();
  const response = await call("/admin/models", {
    token: await adminToken(),
    json: {
      id,
      name: id,
      provider: options.provider ?? "testprov",
      meta: sampleMeta(options.meta),
      ...(options.isAvailable !== undefined && { isAvailable: options.isAvailable }),
    },
  });
  if (response.status !== 201) throw new Error(`createModel ${id}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { model: AdminModel }).model;
}

/** Runs an admin POST lifecycle action and returns the response. */
export async function adminPost(path: string, json: unknown = {}, headers: Record<string, string> = {}) {
  return call(path, { token: await adminToken(), json, headers });
}

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export interface ErrorBody {
  error: { code: string; message: string; request_id: string; details?: unknown };
}

// ---------------------------------------------------------------------------
// Change feed and webhooks.

export interface FeedEvent {
  id: string;
  type: string;
  model_id: string;
  occurred_at: string;
  model: Record<string, unknown> | null;
  changed_fields: string[];
  days_before?: number;
}

export interface FeedPage {
  events: FeedEvent[];
  next_cursor: string;
}

export async function feedPage(after?: string, limit = 500): Promise<FeedPage> {
  const query = new URLSearchParams({ limit: String(limit), ...(after !== undefined && { after }) });
  const response = await call(`/v1/models/changes?${query}`);
  if (response.status !== 200) throw new Error(`feed: ${response.status} ${await response.text()}`);
  return response.json<FeedPage>();
}

/** Every event after `after`, paging to the end; and the cursor there. */
export async function feedSince(after?: string): Promise<{ events: FeedEvent[]; cursor: string }> {
  const events: FeedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await feedPage(cursor);
    events.push(...page.events);
    cursor = page.next_cursor;
    if (page.events.length < 500) return { events, cursor };
  }
}

/** The feed's current end: events after it are the ones a test causes (and other files' writes). */
export const feedEnd = async () => (await feedSince()).cursor;

/** The loopback receivers of test/webhook-receiver.ts. ProvidedContext is declared in test/global-setup.ts, outside this tsconfig. */
const receiverBase = () => (inject as unknown as (key: "webhookReceiver") => string)("webhookReceiver");

/** A receiver URL no other test uses; `options` is the receiver's query string (fail=1, status=500, delayMs=...). */
export const receiverUrl = (name: string, options = "") => `${receiverBase()}/hook/${name}${options ? `?${options}` : ""}`;

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  answered: number;
  at: number;
}

export async function receivedBy(name: string): Promise<ReceivedRequest[]> {
  return (await fetch(`${receiverBase()}/received/${name}`)).json<ReceivedRequest[]>();
}

/** Polls until `probe` returns something, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: string;
}

export async function createWebhook(body: { url: string; events?: string[]; description?: string }) {
  const response = await call("/admin/webhooks", { token: await adminToken(), json: body });
  if (response.status !== 201) throw new Error(`createWebhook: ${response.status} ${await response.text()}`);
  return response.json<{ webhook: Webhook; secret: string }>();
}

export async function deleteWebhook(id: string) {
  return call(`/admin/webhooks/${id}`, { method: "DELETE", token: await adminToken() });
}

export interface Delivery {
  event_id: string;
  attempt: number;
  outcome: string;
  status_code: number | null;
  error: string | null;
  attempted_at: string;
  next_retry_at: string | null;
}

export async function deliveriesOf(webhookId: string): Promise<Delivery[]> {
  const response = await call(`/admin/webhooks/${webhookId}/deliveries?limit=200`, { token: await adminToken() });
  if (response.status !== 200) throw new Error(`deliveries: ${response.status} ${await response.text()}`);
  return (await response.json<{ deliveries: Delivery[] }>()).deliveries;
}
