/**
 * Shared by the Worker tests: a client for the app over HTTP (in workerd),
 * token minting with the test settings, and unique models per test so files
 * can share one database.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { expect, inject } from "vitest";
import { unpackIndex } from "../../src/catalog/encoding";
import { indexKey } from "../../src/catalog/kv-layout";
import { decodeIndex, type Snapshot } from "../../src/catalog/snapshot";
import type { ModelMeta } from "../../src/domain/model-meta";
import type { ReceivedRequest } from "../webhook-receiver";

export type { ReceivedRequest };

import type { ErrorBody } from "../../src/http/openapi";
import worker from "../../src/index";
import type { CatalogVersion } from "../../src/queries/catalog";
import type { routeTable } from "../../src/routes";
import type { AdminModel, AuditEntry } from "../../src/routes/admin-models/admin-model";
import { checkContract } from "./contract";

export type { AdminModel, AuditEntry, ErrorBody };

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

/** The request a client would send: a bearer token, a JSON body, headers. */
export function clientRequest(path: string, options: RequestOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body = options.body;
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.json);
  }
  // Redirects come back as they are (the dashboard answers forms with 303s), as a browser's network panel shows them.
  return new Request(`${BASE_URL}${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
}

/** Calls the Worker's fetch handler, as a client over HTTP would; the answer must match /openapi.json (contract.ts). */
export async function call(path: string, options: RequestOptions = {}): Promise<Response> {
  const request = clientRequest(path, options);
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

/** A sunset far enough ahead that no other file's sunset cron run reaches it, on a whole second. */
export const farSunset = () => new Date(Math.floor(Date.parse(inDays(800)) / 1000) * 1000).toISOString();

/** The ids the public list shows for a provider (each test uses its own provider). */
export const publicIds = async (provider: string) =>
  (await (await call(`/v1/models?provider=${provider}`)).json<{ models: Array<{ id: string }> }>()).models.map((model) => model.id);

/** A model's audit trail as admins read it, newest first (up to 200 entries). */
export async function auditOf(id: string): Promise<AuditEntry[]> {
  const response = await call(`/admin/models/${id}/audit?limit=200`, { token: await adminToken() });
  expect(response.status).toBe(200);
  return (await response.json<{ entries: AuditEntry[] }>()).entries;
}

/** A model as admins see it, with its whole audit trail; undefined model when it does not exist. */
export async function modelState(id: string): Promise<{ model: AdminModel | undefined; audit: AuditEntry[] }> {
  const response = await call(`/admin/models/${id}`, { token: await adminToken() });
  if (response.status === 404) return { model: undefined, audit: [] };
  expect(response.status).toBe(200);
  const model = (await response.json<{ model: AdminModel }>()).model;
  return { model, audit: await auditOf(id) };
}

/** A model that exists, as admins see it, with its audit trail. */
export async function current(id: string): Promise<{ model: AdminModel; audit: AuditEntry[] }> {
  const { model, audit } = await modelState(id);
  if (!model) throw new Error(`model ${id} does not exist`);
  return { model, audit };
}

/** The standard error shape, with its code. */
export async function expectError(response: Response, status: number, code?: string): Promise<ErrorBody> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ErrorBody;
  expect(Object.keys(body)).toEqual(["error"]);
  if ("type" in body.error) {
    // The OpenAI-compatible view answers in OpenAI's shape; the request id is in the header only.
    expect(body.error).toEqual({ message: expect.any(String), type: expect.any(String), param: null, code: expect.any(String) });
    expect(response.headers.get("X-Request-Id")).toEqual(expect.any(String));
    if (code) expect(OPENAI_CODES[code] ?? [code]).toContain(body.error.code);
    return body;
  }
  expect(body.error).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
    request_id: response.headers.get("X-Request-Id"),
  });
  if (code) expect(body.error.code).toBe(code);
  return body;
}

/** What the OpenAI view calls our error codes (routes/openai-models/openai-error.ts): a path that names no model route is unknown_url. */
const OPENAI_CODES: Record<string, string[]> = { not_found: ["model_not_found", "unknown_url"] };

/**
 * A refusal: the error in the standard shape, never cached (the model may
 * change, the user may upgrade) and, given the model's state `before`,
 * nothing changed: the model as it was and no audit row written.
 */
export async function expectRefused(
  response: Response,
  status: number,
  code: string,
  before?: { model: AdminModel; audit: AuditEntry[] },
): Promise<ErrorBody> {
  const body = await expectError(response, status, code);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  if (before) expect(await current(before.model.id)).toEqual(before);
  return body;
}

/** Runs the Cron Trigger as Cloudflare would, at `scheduledTime`, waiting for its background work. */
export async function runCron(scheduledTime: number, environment: typeof env = env) {
  const ctx = createExecutionContext();
  try {
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "*/15 * * * *" }), environment, ctx);
  } finally {
    await waitOnExecutionContext(ctx);
  }
}

/** A declared route (src/routes/index.ts): method in lower case, OpenAPI path (`/admin/models/{id}`). */
export type Route = (typeof routeTable)[number];

/** How tests name a route: "PATCH /admin/models/{id}/meta". */
export const routeName = ({ method, path }: Route) => `${method.toUpperCase()} ${path}`;

/** Routes that take a request body. */
export const isWrite = ({ method }: Route) => method !== "get";

/** The route's path for one model: `{id}` becomes its id. */
export const pathFor = (route: Route, id: string) => route.path.replaceAll("{id}", id);

/** What a route's valid request can refer to: the model on its path, a model to name as replacement, a free id to create. */
export interface ExampleContext {
  model: { id: string; provider: string };
  replacement: { id: string };
  newId: string;
}

/** The optional text fields of meta, so that the examples carry every string field a route takes. */
const EXAMPLE_TEXT = {
  version: "1",
  internalNotes: "Example notes",
  complianceTags: ["soc2"],
  providerMetadata: { region: "eu", limits: { modes: ["batch"] } },
} satisfies Partial<ModelMeta>;

/**
 * A valid request per write route, and what the model must be for it to
 * succeed. The cross-cutting tests take every route from the route table
 * and fail on a write route missing here, so a new route gets covered.
 */
const EXAMPLES: Record<string, { body: (context: ExampleContext) => object; prepare?: (id: string) => Promise<void> }> = {
  // Every string field a route takes appears in its example (the hostile-input tests put a NUL in each).
  "POST /admin/models": { body: ({ newId }) => ({ id: newId, name: newId, provider: "example", meta: sampleMeta(EXAMPLE_TEXT) }) },
  "PATCH /admin/models/{id}/meta": { body: () => ({ displayName: "Example", ...EXAMPLE_TEXT }) },
  "POST /admin/models/{id}/mark-legacy": {
    body: ({ replacement }) => ({ replacementModelId: replacement.id, deprecationNotice: "Use the replacement", sunsetDate: inDays(800) }),
  },
  "POST /admin/models/{id}/unmark-legacy": {
    body: () => ({}),
    prepare: async (id) => expectStatus(await adminPost(`/admin/models/${id}/mark-legacy`, { deprecationNotice: "old" }), 200),
  },
  "POST /admin/models/{id}/archive": { body: () => ({ reason: "example" }) },
  "POST /admin/models/{id}/unarchive": {
    body: () => ({}),
    prepare: async (id) => expectStatus(await adminPost(`/admin/models/${id}/archive`, { reason: "setup" }), 200),
  },
  // Webhook routes: a loopback receiver that subscribes to nothing but sunset warnings; on a model's path, `{id}` names no webhook.
  "POST /admin/webhooks": {
    body: () => ({ url: receiverUrl("example"), events: ["model.sunset_approaching"], description: "Example receiver" }),
  },
  "POST /admin/webhooks/{id}/rotate-secret": { body: () => ({}) },
  "DELETE /admin/webhooks/{id}": { body: () => ({}) },
  // Starts a new catalog epoch: every cached version is left behind, and the catalog republished at once.
  "POST /admin/cache/reset": { body: () => ({}) },
};

function exampleOf(route: Route) {
  const example = EXAMPLES[routeName(route)];
  if (!example) throw new Error(`${routeName(route)}: add a valid request for it to EXAMPLES in test/workers/support.ts`);
  return example;
}

/** A valid body for a write route (undefined for a read). */
export const exampleBody = (route: Route, context: ExampleContext): object | undefined =>
  isWrite(route) ? exampleOf(route).body(context) : undefined;

/** The `{id}` a route's path takes in a test: the model's, or for a webhook route a new webhook's (subscribed to sunset warnings only). */
export async function pathIdFor(route: Route, model: { id: string }): Promise<string> {
  if (!route.path.startsWith("/admin/webhooks/{id}")) return model.id;
  return (await createWebhook({ url: receiverUrl("example"), events: ["model.sunset_approaching"] })).webhook.id;
}

/** Puts the model in the state a route needs to succeed (legacy before unmark-legacy, archived before unarchive). */
export const prepareFor = async (route: Route, id: string) => {
  if (isWrite(route)) await exampleOf(route).prepare?.(id);
};

async function expectStatus(response: Response, status: number) {
  expect(response.status, await response.clone().text()).toBe(status);
}

// --- the staff dashboard (/admin/ui) ---

export const UI = "/admin/ui";
export const SESSION_COOKIE = "catalog_admin_session";

/** Signs in through the sign-in form; returns the session cookie (name=value) and the raw Set-Cookie header. */
export async function signIn(token?: string) {
  const response = await call(`${UI}/sign-in`, {
    method: "POST",
    body: new URLSearchParams({ token: token ?? (await adminToken()) }),
    headers: { Origin: BASE_URL, "Content-Type": "application/x-www-form-urlencoded" },
  });
  const setCookie = response.headers.get("Set-Cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  if (response.status !== 303 || !cookie.startsWith(`${SESSION_COOKIE}=`)) {
    throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  }
  return { cookie, setCookie };
}

/** The CSRF token a dashboard page embeds in its forms. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("no CSRF token on the page");
  return match[1];
}

/** A dashboard page as a signed-in browser would load it. */
export async function uiGet(path: string, cookie: string) {
  const response = await call(path, { headers: { Cookie: cookie } });
  return { response, html: await response.text() };
}

/** Submits a dashboard form the way the browser does: same origin, the session cookie, the page's CSRF token. */
export async function uiPost(
  path: string,
  cookie: string,
  fields: Record<string, string | string[]>,
  options: { csrf?: string | null; origin?: string | null; fetchSite?: string } = {},
) {
  const body = new URLSearchParams();
  if (options.csrf !== null) body.set("_csrf", options.csrf ?? csrfTokenIn((await uiGet(`${UI}/models`, cookie)).html));
  for (const [key, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(key, item);
  const headers: Record<string, string> = { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" };
  if (options.origin !== null) headers.Origin = options.origin ?? BASE_URL;
  if (options.fetchSite) headers["Sec-Fetch-Site"] = options.fetchSite;
  return call(path, { method: "POST", body, headers });
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

export async function receivedBy(name: string): Promise<ReceivedRequest[]> {
  return (await fetch(`${receiverBase()}/received/${name}`)).json<ReceivedRequest[]>();
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

/** The catalog index stored in `kv` for a version, decoded (undefined when absent). */
export async function storedIndex(kv: KVNamespace, at: CatalogVersion): Promise<Snapshot | undefined> {
  const stored = await kv.get(indexKey(at), "arrayBuffer");
  return stored ? decodeIndex(unpackIndex(stored)) : undefined;
}
