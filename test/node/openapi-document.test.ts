/**
 * GET /openapi.json is a valid OpenAPI 3.1 document, generated from the
 * route declarations (the same app the Worker runs, built in Node).
 */
import { Validator } from "@seriousme/openapi-schema-validator";
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
