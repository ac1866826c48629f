/**
 * GET /openapi.json is a valid OpenAPI 3.1 document, generated from the
 * route declarations (the same app the Worker runs, built in Node).
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import openapiTS, { astToString } from "openapi-typescript";
import { describe, expect, it } from "vitest";

// Imported by path: this Node project's typecheck must not pull in the Worker's types.
const APP_MODULE = "../../src/app";

type SpecData = Parameters<Validator["validate"]>[0];

async function servedDocument() {
  const { createApp } = (await import(/* @vite-ignore */ APP_MODULE)) as {
    createApp(): { request(path: string, init: RequestInit, env: object): Promise<Response> };
  };
  const env = {
    DATABASE_URL: "postgres://catalog@127.0.0.1:1/catalog",
    JWT_SECRET: "s".repeat(40),
    JWT_ISSUER: "https://auth.test",
    JWT_AUDIENCE: "model-catalog",
  };
  const response = await createApp().request("/openapi.json", {}, env);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("GET /openapi.json", () => {
  // The first test imports (and transforms) the whole app: seconds on a loaded machine.
  it("validates as OpenAPI 3.1", async () => {
    const document = await servedDocument();
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document as SpecData);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  }, 30_000);

  it("would fail a document that breaks the 3.1 schema (the check can fail)", async () => {
    const { info: _info, ...withoutInfo } = await servedDocument();
    expect((await new Validator().validate(withoutInfo as SpecData)).valid).toBe(false);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the tests.
type Operation = Record<string, any>;

function operationsOf(document: Record<string, unknown>): Array<{ name: string; path: string; method: string; operation: Operation }> {
  return Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, operation })),
  );
}

/** Routes that need no body: a typed client must be able to call them with none. */
const BODILESS = [
  "POST /admin/models/{id}/unmark-legacy",
  "POST /admin/models/{id}/unarchive",
  "POST /admin/webhooks/{id}/rotate-secret",
  "POST /admin/cache/reset",
  "DELETE /admin/webhooks/{id}",
];

describe("the document, for client generators", () => {
  it("names every operation with a unique operationId after the domain", async () => {
    const operations = operationsOf(await servedDocument());
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const { name, operation } of operations) expect(operation.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(["listModels", "getModel", "checkModelAccess", "createModel", "updateModelMeta", "markModelLegacy"]),
    );
    expect(ids).toEqual(
      expect.arrayContaining(["unmarkModelLegacy", "archiveModel", "unarchiveModel", "listModelChanges", "createWebhook"]),
    );
  });

  it("describes every operation and declares every tag it uses", async () => {
    const document = await servedDocument();
    const declared = new Map((document.tags as Array<{ name: string; description?: string }>).map((tag) => [tag.name, tag.description]));
    for (const { name, operation } of operationsOf(document)) {
      expect(operation.description?.length, name).toBeGreaterThan(20);
      for (const tag of operation.tags) expect(declared.get(tag), `${name}: tag ${tag}`).toBeTruthy();
    }
  });

  it("requires a body only where the route needs one", async () => {
    for (const { name, operation } of operationsOf(await servedDocument())) {
      if (!operation.requestBody) continue;
      expect(operation.requestBody.required, name).toBe(!BODILESS.includes(name));
    }
  });

  it("has a server, and the health checks need no token", async () => {
    const document = await servedDocument();
    expect(document.servers).toEqual([expect.objectContaining({ url: "/" })]);
    const paths = document.paths as Record<string, Record<string, Operation>>;
    expect(paths["/healthz"]?.get?.security).toEqual([]);
    expect(paths["/healthz/ready"]?.get?.security).toEqual([]);
  });

  it("declares 429 with Retry-After and the RateLimit fields on every operation, RateLimit-Policy on its other answers", async () => {
    for (const { name, operation } of operationsOf(await servedDocument())) {
      const limited = operation.responses["429"];
      expect(Object.keys(limited?.headers ?? {}), name).toEqual(expect.arrayContaining(["Retry-After", "RateLimit-Policy", "RateLimit"]));
      for (const header of ["Retry-After", "RateLimit-Policy", "RateLimit"]) expect(limited.headers[header].required, name).toBe(true);
      expect(JSON.stringify(limited.content), name).toMatch(/#\/components\/schemas\/(Error|OpenAIError)/);
      for (const [status, response] of Object.entries(operation.responses as Record<string, Operation>)) {
        if (/^[24]/.test(status)) expect(response.headers?.["RateLimit-Policy"], `${name} ${status}`).toBeDefined();
      }
    }
  });

  it("gives every integer a format and a range", async () => {
    const text = JSON.stringify(await servedDocument());
    const integers = [...text.matchAll(/\{"type":(?:"integer"|\["integer","null"\])[^{}]*\}/g)].map(([match]) => match);
    expect(integers.length).toBeGreaterThan(20);
    for (const integer of integers) expect(integer, integer).toMatch(/"minimum":-?\d+/);
    for (const integer of integers) expect(integer, integer).toMatch(/"maximum":\d+/);
    for (const integer of integers) expect(integer, integer).toMatch(/"format":"int(32|64)"/);
  });

  it("generates a typed client offline (openapi-typescript): methods by operationId, optional bodies optional", async () => {
    const types = astToString(await openapiTS((await servedDocument()) as never));
    expect(types).toContain("export interface operations");
    for (const id of ["listModels", "markModelLegacy", "unarchiveModel", "deleteWebhook"]) expect(types).toContain(`    ${id}: {`);
    const unarchive = types.slice(types.indexOf("    unarchiveModel: {"));
    expect(unarchive.slice(0, unarchive.indexOf("\n    };"))).toContain("requestBody?: {");
    const markLegacy = types.slice(types.indexOf("    markModelLegacy: {"));
    expect(markLegacy.slice(0, markLegacy.indexOf("\n    };"))).toMatch(/requestBody: \{/);
  });
});
