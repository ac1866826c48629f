/**
 * No leaks: error responses and log lines carry no SQL, stack traces,
 * connection strings or secrets; CORS opens the public GETs and nothing of
 * the admin API; admin answers are never cached; the local-only
 * /__scheduled trigger does not exist in the deployed app.
 */
import { env, exports } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { HEAD_KEY, LAST_KEY } from "../../src/catalog/kv-layout";
import { routeTable } from "../../src/routes";
import { forgetMemoizedCatalog } from "../isolate-memo";
import { openApiDocument } from "./contract";
import { adminPost, adminToken, BASE_URL, call, expectError, mintToken, userToken } from "./support/client";
import { createModel, modelState, sampleMeta, uniqueId, uniqueProvider } from "./support/fixtures";
import { callWith, captureConsole, deadDatabaseEnv, expectNoInternals, failAuditInsertsFor, type TestEnv } from "./support/reliability";
import { exampleBody, isWrite, pathFor, pathIdFor, prepareFor, type Route, routeName } from "./support/routes";

afterEach(() => {
  vi.restoreAllMocks();
});

const isAdmin = (route: Route) => route.path.startsWith("/admin/");
/** Every route of the admin API, from the route table. */
const ADMIN_ROUTES = routeTable.filter(isAdmin);

describe("errors and logs leak nothing", () => {
  const LEAKY_ACTOR = `leaky-${crypto.randomUUID().slice(0, 8)}`;
  let undo: () => Promise<void>;
  beforeAll(async () => {
    undo = await failAuditInsertsFor(LEAKY_ACTOR);
  });
  afterAll(async () => {
    await undo?.();
  });

  it("a 500 (the database refusing a write) says 'internal error' and logs the cause without SQL, parameters or stack", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const secretReason = `reason-${crypto.randomUUID()}`;
    const logs = captureConsole();

    const response = await call(`/admin/models/${model.id}/archive`, {
      token: await mintToken({ sub: LEAKY_ACTOR, role: "admin" }),
      json: { reason: secretReason },
    });

    const text = await response.clone().text();
    const body = await expectError(response, 500, "internal_error");
    expect(body.error).toEqual({ code: "internal_error", message: "internal error", request_id: body.error.request_id });
    expectNoInternals(text, [secretReason, LEAKY_ACTOR, "model_tier_audit_logs"]);
    const logged = logs.lines.join("\n");
    expectNoInternals(logged, [secretReason]);
    expect(logged).toContain(body.error.request_id);
    expect(logged).toContain("P0001");
  });

  it("a 503 with the database down, on every route: the connection string and its password appear nowhere", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    forgetMemoizedCatalog();
    await env.MODEL_CACHE.delete(HEAD_KEY);
    await env.MODEL_CACHE.delete(LAST_KEY);
    const logs = captureConsole();
    const token = await adminToken();
    const down = deadDatabaseEnv();
    // Liveness never touches the database (healthz.test.ts): it answers 200 with nothing to leak.
    for (const route of routeTable.filter(({ path }) => path !== "/healthz")) {
      const response = await callWith(down, pathFor(route, model.id), {
        method: route.method.toUpperCase(),
        ...(isAdmin(route) && { token }),
        ...(isWrite(route) && { json: exampleBody(route, { model, replacement: model, newId: uniqueId() }) }),
      });
      expect(response.status, routeName(route)).toBe(503);
      expectNoInternals(await response.text(), [down.DATABASE_URL]);
    }
    expectNoInternals(logs.lines.join("\n"), [down.DATABASE_URL]);
    // Warm the cache again for the rest of the file.
    expect((await call("/v1/models")).status).toBe(200);
  });

  it("a misconfigured deployment answers 503 and logs which setting is wrong, not its value", async () => {
    const shortSecret = "tooshort-s3cret";
    const badUrl = "mysql://root:Hunter2-Pa55@db.internal:3306/catalog";
    const logs = captureConsole();
    const responses = [
      await callWith({ ...env, JWT_SECRET: shortSecret } as TestEnv, "/v1/models"),
      await callWith({ ...env, DATABASE_URL: badUrl } as TestEnv, "/v1/models"),
      await callWith({ ...env, JWT_SECRET: undefined } as unknown as TestEnv, "/healthz"),
    ];
    for (const response of responses) {
      const body = await expectError(response, 503, "service_unavailable");
      expectNoInternals(JSON.stringify(body), [shortSecret, badUrl, "Hunter2-Pa55"]);
    }
    const logged = logs.lines.join("\n");
    expectNoInternals(logged, [shortSecret, badUrl, "Hunter2-Pa55"]);
    expect(logged).toMatch(/JWT_SECRET/);
    expect(logged).toMatch(/DATABASE_URL/);
  });

  it("answers 405 or 404, not a stack, for a method or path that does not exist, and echoes no hostile request id", async () => {
    const hostile = { "X-Request-Id": 'abc"},{"level":"error","event":"forged' };
    for (const [path, status, code] of [
      ["/v1/models", 405, "method_not_allowed"],
      ["/v1/no-such-path", 404, "not_found"],
    ] as const) {
      const body = await expectError(await call(path, { method: "DELETE", headers: hostile }), status, code);
      expect(body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expectNoInternals(JSON.stringify(body));
    }
  });
});

describe("CORS", () => {
  const ORIGIN = "https://app.example";

  it("allows any origin to GET the public catalog, and exposes the caching headers", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const publicReads = routeTable.filter((route) => route.path.startsWith("/v1/") && !isWrite(route));
    expect(publicReads.length).toBeGreaterThanOrEqual(3);
    for (const path of publicReads.map((route) => pathFor(route, model.id))) {
      const response = await call(path, { headers: { Origin: ORIGIN } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Access-Control-Allow-Origin"), path).toBe("*");
      expect(response.headers.get("Access-Control-Expose-Headers"), path).toMatch(/ETag/);
      expect(response.headers.get("Access-Control-Allow-Credentials"), path).toBeNull();
    }
  });

  it("answers a preflight for a public GET with Authorization, and allows no writing method", async () => {
    const response = await call("/v1/models", {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "Authorization" },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const methods = (response.headers.get("Access-Control-Allow-Methods") ?? "").split(/\s*,\s*/);
    expect(methods).toContain("GET");
    for (const method of ["POST", "PATCH", "PUT", "DELETE"]) expect(methods).not.toContain(method);
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/i);
  });

  it("sends no CORS headers at all for the admin API: preflights, reads, writes and errors", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const replacement = await createModel({ provider: model.provider });
    const token = await adminToken();
    const proToken = await userToken("pro");
    for (const route of ADMIN_ROUTES) {
      const path = pathFor(route, model.id);
      const method = route.method.toUpperCase();
      const json = exampleBody(route, { model, replacement, newId: uniqueId("cors") });
      const responses = [
        await call(path, {
          method: "OPTIONS",
          headers: {
            Origin: ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "Authorization, Content-Type",
          },
        }),
        await call(path, { method, token, json, headers: { Origin: ORIGIN } }),
        await call(path, { method, json, headers: { Origin: ORIGIN } }),
        await call(path, { method, token: proToken, json, headers: { Origin: ORIGIN } }),
      ];
      for (const response of responses) {
        for (const [name] of response.headers) {
          expect(name.toLowerCase(), `${routeName(route)} ${response.status}`).not.toMatch(/^access-control-/);
        }
      }
    }
  });
});

describe("admin answers are never cached", () => {
  it.each(ADMIN_ROUTES.map((route) => [routeName(route), route] as const))(
    "%s: carries Cache-Control: no-store on success, without a token and without the role",
    async (name, route) => {
      const model = await createModel({ provider: uniqueProvider() });
      const replacement = await createModel({ provider: model.provider });
      const id = await pathIdFor(route, model);
      await prepareFor(route, id);
      const path = pathFor(route, id);
      const method = route.method.toUpperCase();
      const json = exampleBody(route, { model, replacement, newId: uniqueId("nostore") });
      // The success status the route declares (201 for a creation, 204 for a delete, else 200).
      const success = Number(
        Object.keys((await openApiDocument()).paths[route.path]?.[route.method]?.responses ?? {}).find((s) => s.startsWith("2")),
      );
      const cases: Array<[string, string | undefined, number]> = [
        ["no token", undefined, 401],
        ["not an admin", await userToken("enterprise_max"), 403],
        ["success", await adminToken(), success],
      ];
      for (const [what, token, status] of cases) {
        const response = await call(path, { method, token, json });
        expect(response.status, `${name}: ${what}`).toBe(status);
        expect(response.headers.get("Cache-Control"), `${name}: ${what}`).toBe("no-store");
      }
    },
  );

  it("carries Cache-Control: no-store on every error", async () => {
    const token = await adminToken();
    const model = await createModel({ provider: uniqueProvider() });
    // Sequential: one request at a time, as the point is the headers, not concurrency.
    const cases: Array<[string, () => Promise<Response>, number]> = [
      ["unknown model", () => call("/admin/models/no-such-model-here", { token }), 404],
      ["invalid body", () => call(`/admin/models/${model.id}/archive`, { token, json: {} }), 400],
      ["conflict", () => call("/admin/models", { token, json: { id: model.id, name: "x", provider: "x", meta: sampleMeta() } }), 409],
      [
        "stale If-Match",
        () =>
          call(`/admin/models/${model.id}/meta`, { method: "PATCH", token, json: { description: "y" }, headers: { "If-Match": '"999"' } }),
        412,
      ],
      ["too large", () => call(`/admin/models/${model.id}/archive`, { token, json: { reason: "x".repeat(70_000) } }), 413],
      [
        "wrong type",
        () => call(`/admin/models/${model.id}/archive`, { token, body: "reason=x", headers: { "Content-Type": "text/plain" } }),
        415,
      ],
    ];
    for (const [name, send, status] of cases) {
      const response = await send();
      expect(response.status, name).toBe(status);
      expect(response.headers.get("Cache-Control"), name).toBe("no-store");
    }
    const down = await callWith(deadDatabaseEnv(), `/admin/models/${model.id}`, { token });
    expect(down.status).toBe(503);
    expect(down.headers.get("Cache-Control")).toBe("no-store");
  });

  it("also for an admin's own view of the public list with archived models", async () => {
    const response = await call("/v1/models?includeArchived=true", { token: await adminToken() });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("/__scheduled", () => {
  it("does not exist in the deployed app (only under wrangler dev --test-scheduled): 404, and no cron run", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate: new Date(Date.now() + 3 * 365 * 86_400_000).toISOString() });
    const before = await modelState(model.id);
    const logs = captureConsole();
    for (const [method, path] of [
      ["GET", "/__scheduled"],
      ["GET", "/__scheduled?cron=*+*+*+*+*"],
      ["POST", "/__scheduled?cron=*+*+*+*+*&time=4102444800000"],
      ["GET", "/cdn-cgi/handler/scheduled"],
    ] as const) {
      const response = await exports.default.fetch(new Request(`${BASE_URL}${path}`, { method }));
      await expectError(response, 404, "not_found");
    }
    expect((await call("/__scheduled?cron=*+*+*+*+*", { token: await adminToken() })).status).toBe(404);
    expect(logs.events("scheduled_run")).toEqual([]);
    vi.restoreAllMocks();
    expect(await modelState(model.id)).toEqual(before);
  });
});
