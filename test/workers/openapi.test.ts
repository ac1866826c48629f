import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { routeTable } from "../../src/routes";
import { checkContract, openApiDocument } from "./contract";
import { BASE_URL, call } from "./support/client";

const STAFF_ONLY = ["internalNotes", "complianceTags", "providerMetadata"];

/** The document as plain JSON: these tests walk it freely. */
// biome-ignore lint/suspicious/noExplicitAny: a JSON document walked by the tests.
type Document = any;

/** Every schema reachable from a value, following $refs into the components. */
function reachableSchemaText(document: Document, root: unknown): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  const visit = (value: unknown) => {
    const text = JSON.stringify(value);
    parts.push(text);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !seen.has(name)) {
        seen.add(name);
        visit(document.components.schemas[name]);
      }
    }
  };
  visit(root);
  return parts.join("\n");
}

describe("GET /openapi.json", () => {
  it("is served without a token, as OpenAPI 3.1 JSON", async () => {
    const response = await call("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect((await response.json<{ openapi: string }>()).openapi).toBe("3.1.0");
  });

  it("declares every route of the app, with its method", async () => {
    const document = (await openApiDocument()) as Document;
    expect(routeTable.length).toBeGreaterThanOrEqual(15);
    for (const { method, path } of routeTable) expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it("has components for the error envelope, the public model, the admin model and the audit entry", async () => {
    const { components } = (await openApiDocument()) as Document;
    expect(Object.keys(components.schemas)).toEqual(expect.arrayContaining(["Error", "PublicModelWithAccess", "AdminModel", "AuditEntry"]));
    expect(components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
  });

  it("requires the bearer JWT on admin routes and makes it optional on public ones", async () => {
    const document = (await openApiDocument()) as Document;
    for (const { method, path } of routeTable) {
      const security = document.paths[path][method].security;
      if (path.startsWith("/admin/")) expect(security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
      if (path.startsWith("/v1/") || path.startsWith("/openai/")) expect(security, `${method} ${path}`).toEqual([{}, { bearerAuth: [] }]);
    }
  });

  it("declares the error envelope (OpenAI's under /openai) for every error status of every route", async () => {
    const document = (await openApiDocument()) as Document;
    for (const { method, path } of routeTable) {
      const responses = document.paths[path][method].responses as Record<string, { content?: Record<string, { schema: unknown }> }>;
      for (const status of ["400", "401", "500", "503"]) expect(responses[status], `${method} ${path} ${status}`).toBeDefined();
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const envelope = path.startsWith("/openai/") ? "#/components/schemas/OpenAIError" : "#/components/schemas/Error";
        expect(JSON.stringify(response.content?.["application/json"]?.schema), `${method} ${path} ${status}`).toContain(envelope);
      }
    }
  });

  it("shows staff-only meta fields in admin routes only", async () => {
    const document = (await openApiDocument()) as Document;
    for (const { method, path } of routeTable) {
      if (path.startsWith("/admin/")) continue;
      const text = reachableSchemaText(document, document.paths[path][method]);
      for (const field of STAFF_ONLY) expect(text, `${method} ${path}`).not.toContain(field);
    }
    expect(JSON.stringify(document.components.schemas.AdminModel)).toContain("internalNotes");
  });

  it("carries examples from the seed catalog", async () => {
    const { components } = (await openApiDocument()) as Document;
    expect(components.schemas.PublicModelWithAccess.example).toMatchObject({ id: "gpt-4", provider: "openai" });
    expect(components.schemas.NewModel.example).toMatchObject({ id: "acme-1" });
  });
});

describe("GET /docs", () => {
  it("serves an interactive reference page that loads only this Worker's files", async () => {
    const response = await exports.default.fetch(`${BASE_URL}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
    const html = await response.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url as string);
    expect(urls).toEqual(["/vendor/swagger-ui/swagger-ui.css", "/vendor/swagger-ui/swagger-ui-bundle.js", "/docs/start.js"]);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("serves every file the page loads: the start script from a route, Swagger UI from the Worker's static assets", async () => {
    const start = await exports.default.fetch(`${BASE_URL}/docs/start.js`);
    expect(start.status).toBe(200);
    expect(await start.text()).toContain('url: "/openapi.json"');
    for (const file of ["/vendor/swagger-ui/swagger-ui.css", "/vendor/swagger-ui/swagger-ui-bundle.js"]) {
      const asset = await env.ASSETS.fetch(`${BASE_URL}${file}`);
      expect(asset.status, file).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, file).toBeGreaterThan(10_000);
    }
  });
});

describe("the contract check every test's requests go through", () => {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

  it("refuses a status the route does not declare", async () => {
    await expect(checkContract("GET", `${BASE_URL}/v1/models`, json({}, 418))).rejects.toThrow(/does not declare/);
  });

  /** A real list answer's body and headers (ETag, X-Cache), as identity JSON. */
  const listAnswer = async () => {
    const answer = await call("/v1/models");
    const headers = new Headers(answer.headers);
    headers.delete("Content-Encoding");
    return { body: await answer.json<{ models: unknown[] }>(), headers };
  };

  it("refuses a field outside the declared schema", async () => {
    const { body, headers } = await listAnswer();
    const answer = new Response(JSON.stringify({ ...body, secret: 1 }), { headers });
    await expect(checkContract("GET", `${BASE_URL}/v1/models`, answer)).rejects.toThrow(/does not match/);
  });

  it("refuses an answer without a header the document declares required (the list's ETag)", async () => {
    const { body, headers } = await listAnswer();
    await expect(checkContract("GET", `${BASE_URL}/v1/models`, new Response(JSON.stringify(body), { headers }))).resolves.toBeUndefined();
    headers.delete("ETag");
    await expect(checkContract("GET", `${BASE_URL}/v1/models`, new Response(JSON.stringify(body), { headers }))).rejects.toThrow(
      /lacks the required header\(s\) ETag/,
    );
  });

  it("refuses an error that is not the envelope", async () => {
    await expect(checkContract("GET", `${BASE_URL}/v1/models/gpt-9`, json({ message: "nope" }, 404))).rejects.toThrow(/does not match/);
  });

  it("prefers a literal route over a parameter (/admin/models/legacy is not a model id)", async () => {
    await expect(checkContract("GET", `${BASE_URL}/admin/models/legacy`, json({ model: {} }))).rejects.toThrow(/\/admin\/models\/legacy/);
  });
});
