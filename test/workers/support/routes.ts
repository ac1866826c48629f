/**
 * The route table as the cross-cutting tests walk it: each declared route's
 * name, and a valid request for every write route (EXAMPLES).
 */
import { expect } from "vitest";
import type { ModelMeta } from "../../../src/domain/model-meta";
import type { routeTable } from "../../../src/routes";
import { aliasFor, putAlias } from "./aliases";
import { adminPost } from "./client";
import { inDays, sampleMeta } from "./fixtures";
import { createWebhook, receiverUrl } from "./webhooks";

/** A declared route (src/routes/index.ts): method in lower case, OpenAPI path (`/admin/models/{id}`). */
export type Route = (typeof routeTable)[number];

/** How tests name a route: "PATCH /admin/models/{id}/meta". */
export const routeName = ({ method, path }: Route) => `${method.toUpperCase()} ${path}`;

/** Routes that take a request body. */
export const isWrite = ({ method }: Route) => method !== "get";

/** The route's path for one model: `{id}` becomes its id, `{alias}` the model's alias in these tests (aliasFor). */
export const pathFor = (route: Route, id: string) => route.path.replaceAll("{id}", id).replaceAll("{alias}", aliasFor(id));

/** What a route's valid request can refer to: the model on its path, a model to name as replacement, a free id to create. */
export interface ExampleContext {
  model: { id: string; provider: string };
  replacement: { id: string };
  newId: string;
}

/**
 * A valid request per write route, and what the model must be for it to
 * succeed. The cross-cutting tests take every route from the route table
 * and fail on a write route missing here, so a new route gets covered.
 */
/** The optional text fields of meta, so that the examples carry every string field a route takes. */
const EXAMPLE_TEXT = {
  version: "1",
  internalNotes: "Example notes",
  complianceTags: ["soc2"],
  providerMetadata: { region: "eu", limits: { modes: ["batch"] } },
} satisfies Partial<ModelMeta>;

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
  // Alias routes: the model's alias (aliasFor), pointed at the model; a delete needs it to exist.
  "PUT /admin/aliases/{alias}": { body: ({ model }) => ({ targetModelId: model.id, reason: "example" }) },
  "DELETE /admin/aliases/{alias}": {
    body: () => ({ reason: "example" }),
    prepare: async (id) => expect([200, 201]).toContain((await putAlias(aliasFor(id), id)).status),
  },
  // Starts a new catalog epoch: every cached version is left behind, and the catalog republished at once.
  "POST /admin/cache/reset": { body: () => ({}) },
};

function exampleOf(route: Route) {
  const example = EXAMPLES[routeName(route)];
  if (!example) throw new Error(`${routeName(route)}: add a valid request for it to EXAMPLES in test/workers/support/routes.ts`);
  return example;
}

/** A valid body for a write route (undefined for a read). */
export const exampleBody = (route: Route, context: ExampleContext): object | undefined =>
  isWrite(route) ? exampleOf(route).body(context) : undefined;

/**
 * The `{id}` a route's path takes in a test: the model's, or for a webhook route a new webhook's (subscribed to
 * sunset warnings only). An alias route's `{alias}` (aliasFor the model) is made to exist, pointing at the model.
 */
export async function pathIdFor(route: Route, model: { id: string }): Promise<string> {
  if (route.path.startsWith("/admin/aliases/{alias}")) expect([200, 201]).toContain((await putAlias(aliasFor(model.id), model.id)).status);
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
