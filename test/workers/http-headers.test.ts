/**
 * What every answer carries whatever the route (nosniff, a JSON type on JSON),
 * and what a wrong method on a known path gets: 405 with Allow. Both iterate
 * the route table, so a new route is covered without a new test.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { routeTable } from "../../src/routes";
import { adminToken, BASE_URL, call, expectError, userToken } from "./support/client";
import { type Route, routeName } from "./support/routes";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** A request path for a route: an id nothing has, the answer's status does not matter here. */
const somePath = (route: Route) => route.path.replaceAll("{id}", "absent-model-nosniff");

/** The methods the route table declares for a path, as Allow lists them (HEAD with GET). */
function declaredFor(path: string): string[] {
  const methods = routeTable.filter((route) => route.path === path).map(({ method }) => method.toUpperCase());
  return METHODS.flatMap((method) =>
    method === "GET" && methods.includes("GET") ? ["GET", "HEAD"] : methods.includes(method) ? [method] : [],
  );
}

describe("X-Content-Type-Options: nosniff", () => {
  it.each(routeTable.map((route) => [routeName(route), route] as const))(
    "is on every answer of %s, with and without a token",
    async (_name, route) => {
      // Writes with a non-admin token (403): nothing changes, so no other test's state moves.
      const tokens = [undefined, route.method === "get" ? await adminToken() : await userToken("pro")];
      for (const token of tokens) {
        const response = await call(somePath(route), {
          method: route.method.toUpperCase(),
          ...(token && { token }),
          ...(route.method !== "get" && { json: {} }),
        });
        expect(response.headers.get("X-Content-Type-Options"), `${response.status}`).toBe("nosniff");
        // Declared on every public answer (src/http/openapi-document.ts), so it must be there.
        if (/^\/(v1|openai)\//.test(route.path)) expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
        if (response.status !== 204 && response.status !== 304) expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
        // No header that makes a JSON client treat the answer as something else.
        expect(response.headers.get("Content-Disposition")).toBeNull();
        await response.arrayBuffer();
      }
    },
  );

  it("is on the answers no route gives: an unknown path, a wrong method, a CORS preflight, the document, the dashboard", async () => {
    const answers = [
      await call("/no/such/path"),
      await call("/v1/models/gpt-4", { method: "PUT" }),
      await call("/v1/models", { method: "OPTIONS", headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET" } }),
      await call("/openapi.json"),
      await call("/admin/ui/sign-in"),
    ];
    for (const answer of answers) expect(answer.headers.get("X-Content-Type-Options"), answer.url).toBe("nosniff");
  });

  it("is on the static assets too (public/_headers)", async () => {
    for (const file of ["/admin-ui/dashboard.css", "/admin-ui/dashboard.js", "/vendor/swagger-ui/swagger-ui-bundle.js"]) {
      const asset = await env.ASSETS.fetch(`${BASE_URL}${file}`);
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get("X-Content-Type-Options"), file).toBe("nosniff");
      await asset.arrayBuffer();
    }
  });
});

describe("a wrong method on a known path", () => {
  const paths = [...new Set(routeTable.map(({ path }) => path))];

  it.each(paths)("answers 405 with Allow on %s", async (path) => {
    const allow = declaredFor(path);
    const token = await adminToken();
    for (const method of METHODS.filter((method) => !allow.includes(method))) {
      const response = await call(path.replaceAll("{id}", "gpt-4"), { method, token });
      await expectError(response, 405, "method_not_allowed");
      expect(response.headers.get("Allow"), `${method} ${path}`).toBe(allow.join(", "));
    }
  });

  it("answers PUT /v1/models/{id} with 405, not 404, also without a token", async () => {
    const response = await call("/v1/models/gpt-4", { method: "PUT", json: {} });
    await expectError(response, 405, "method_not_allowed");
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
  });

  it("still answers 404 on a path no route has", async () => {
    await expectError(await call("/v1/nothing-here", { method: "PUT" }), 404, "not_found");
  });
});
