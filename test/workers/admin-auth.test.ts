import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyToken } from "../../src/auth/jwt";
import type { Config } from "../../src/config";
import { ApiError } from "../../src/http/errors";
import { routeTable } from "../../src/routes";
import { adminToken, call, type ErrorBody, mintToken } from "./support/client";
import { type AdminModel, createModel, current, uniqueId } from "./support/fixtures";
import { exampleBody, isWrite, pathFor, routeName } from "./support/routes";

/** Every route of the admin API, from the route table. */
const ADMIN_ROUTES = routeTable.filter((route) => route.path.startsWith("/admin/"));

const secret = () => new TextEncoder().encode(env.JWT_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const base64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

/** Valid admin claims for the test settings; each case breaks one thing. */
const adminClaims = () => ({
  sub: "admin-alice",
  role: "admin",
  iss: env.JWT_ISSUER,
  aud: env.JWT_AUDIENCE,
  iat: nowSeconds(),
  exp: nowSeconds() + 3600,
});

/** Signs exactly the claims given (mintToken always adds exp, iss and aud). */
const signRaw = (claims: Record<string, unknown>, alg = "HS256") =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(secret());

let model: AdminModel;
beforeAll(async () => {
  model = await createModel();
});

const getModel = (options: { token?: string; headers?: Record<string, string>; query?: string } = {}) =>
  call(`/admin/models/${model.id}${options.query ?? ""}`, options);

async function expectUnauthorized(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer\b/);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect((await response.json<ErrorBody>()).error.code).toBe("unauthorized");
}

async function expectForbidden(response: Response) {
  expect(response.status).toBe(403);
  expect((await response.json<ErrorBody>()).error.code).toBe("forbidden");
}

describe("admin routes: who gets in", () => {
  it("lets an admin in", async () => {
    const response = await getModel({ token: await adminToken() });
    expect(response.status).toBe(200);
  });

  it("lets a super_admin in and records its sub as the actor", async () => {
    const target = await createModel();
    const token = await mintToken({ sub: "root-rita", role: "super_admin" });

    const response = await call(`/admin/models/${target.id}/archive`, { token, json: { reason: "cleanup" } });

    expect(response.status).toBe(200);
    const audit = await (await call(`/admin/models/${target.id}/audit`, { token })).json<{
      entries: Array<{ actor: string; action: string }>;
    }>();
    expect(audit.entries[0]).toMatchObject({ actor: "root-rita", action: "archive" });
  });

  it("accepts a token expired within the 30 s clock tolerance", async () => {
    const response = await getModel({ token: await signRaw({ ...adminClaims(), exp: nowSeconds() - 10 }) });
    expect(response.status).toBe(200);
  });

  it("accepts a token whose nbf is within the 30 s clock tolerance", async () => {
    const response = await getModel({ token: await signRaw({ ...adminClaims(), nbf: nowSeconds() + 10 }) });
    expect(response.status).toBe(200);
  });
});

describe("admin routes: 401 for a missing or invalid token", () => {
  it("refuses a request without a token, with WWW-Authenticate: Bearer", async () => {
    const response = await getModel();
    await expectUnauthorized(response);
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
  });

  it.each([
    ["Bearer with garbage", "Bearer garbage"],
    ["Bearer with nothing", "Bearer "],
    ["another scheme", "Basic YWRtaW46YWRtaW4="],
    ["three dots of nothing", "Bearer .."],
  ])("refuses %s", async (_, authorization) => {
    await expectUnauthorized(await getModel({ headers: { Authorization: authorization } }));
  });

  it("refuses an unsigned alg: none token", async () => {
    const token = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(adminClaims())}.`;
    await expectUnauthorized(await getModel({ token }));
  });

  it("refuses an HS256 token signed with another secret", async () => {
    await expectUnauthorized(await getModel({ token: await mintToken({ role: "admin" }, { secret: "not-the-secret-0123456789abcdef" }) }));
  });

  it("refuses a user token whose payload was edited to say admin", async () => {
    const [header, , signature] = (await mintToken({ sub: "mallory", role: "user" })).split(".");
    const forged = `${header}.${base64url({ ...adminClaims(), sub: "mallory" })}.${signature}`;
    await expectUnauthorized(await getModel({ token: forged }));
  });

  it("refuses a token expired beyond the clock tolerance", async () => {
    await expectUnauthorized(await getModel({ token: await mintToken({ role: "admin" }, { expiresIn: nowSeconds() - 120 }) }));
  });

  it("refuses a token not yet valid beyond the clock tolerance", async () => {
    await expectUnauthorized(await getModel({ token: await mintToken({ role: "admin" }, { notBefore: nowSeconds() + 120 }) }));
  });

  it("refuses a token without exp", async () => {
    const { exp: _, ...claims } = adminClaims();
    await expectUnauthorized(await getModel({ token: await signRaw(claims) }));
  });

  it("refuses a token without sub", async () => {
    const { sub: _, ...claims } = adminClaims();
    await expectUnauthorized(await getModel({ token: await signRaw(claims) }));
  });

  it("refuses a token from another issuer", async () => {
    await expectUnauthorized(await getModel({ token: await mintToken({ role: "admin" }, { issuer: "https://evil.test" }) }));
  });

  it("refuses a token for another audience", async () => {
    await expectUnauthorized(await getModel({ token: await mintToken({ role: "admin" }, { audience: "billing" }) }));
  });

  it("refuses an HS512 token even with the right secret: only HS256 is configured", async () => {
    await expectUnauthorized(await getModel({ token: await signRaw(adminClaims(), "HS512") }));
  });

  it("refuses an RS256 token signed with a key of its own", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const token = await new SignJWT(adminClaims()).setProtectedHeader({ alg: "RS256", typ: "JWT" }).sign(privateKey);
    await expectUnauthorized(await getModel({ token }));
  });

  it("refuses an absurdly long token before parsing it", async () => {
    await expectUnauthorized(await getModel({ token: `${await adminToken()}${"a".repeat(10_000)}` }));
  });

  it.each([["token"], ["access_token"], ["jwt"]])("ignores a valid admin token in the query string (?%s=)", async (name) => {
    await expectUnauthorized(await getModel({ query: `?${name}=${await adminToken()}` }));
  });
});

describe("admin routes: 403 for a valid token without the admin role", () => {
  it("refuses a token with no role", async () => {
    await expectForbidden(await getModel({ token: await mintToken({ sub: "nobody" }) }));
  });

  it("refuses role user", async () => {
    await expectForbidden(await getModel({ token: await mintToken({ sub: "uma", role: "user", tier: "enterprise_max" }) }));
  });

  it("refuses a role that only looks like admin", async () => {
    await expectForbidden(await getModel({ token: await mintToken({ role: "Admin" }) }));
    await expectForbidden(await getModel({ token: await mintToken({ role: "admin " }) }));
  });

  it.each(ADMIN_ROUTES.map((route) => [routeName(route), route] as const))("guards %s", async (_, route) => {
    const path = pathFor(route, model.id);
    const method = route.method.toUpperCase();
    const json = isWrite(route) ? {} : undefined;
    const user = await mintToken({ sub: "uma", role: "user" });
    await expectForbidden(await call(path, { method, token: user, json }));
    await expectUnauthorized(await call(path, { method, json }));
  });
});

describe("a refused caller changes nothing", () => {
  it.each([
    ["a user", () => mintToken({ sub: "uma", role: "user" }), 403],
    ["an expired admin", () => mintToken({ role: "admin" }, { expiresIn: nowSeconds() - 120 }), 401],
  ] as const)("%s cannot archive, edit or mark a model legacy", async (_, token, status) => {
    const target = await createModel();
    const replacement = await createModel();
    const before = await current(target.id);

    // Every write on a model, each with a body that an admin's request would get through with.
    const attempts = routeTable
      .filter((route) => isWrite(route) && route.path.includes("{id}"))
      .map(async (route) =>
        call(pathFor(route, target.id), {
          method: route.method.toUpperCase(),
          token: await token(),
          json: exampleBody(route, { model: target, replacement, newId: uniqueId() }),
        }),
      );
    expect(attempts.length).toBeGreaterThanOrEqual(5);

    for (const response of await Promise.all(attempts)) expect(response.status).toBe(status);
    expect(await current(target.id)).toEqual(before);
  });
});

describe("tokens verified with keys from JWT_JWKS_URL (RS256/ES256)", () => {
  // The Worker under test is configured with an HS256 secret, so this mode is exercised on verifyToken itself,
  // with the key server played by a stubbed fetch. Each test has its own URL: keys are cached per URL.
  const configFor = (url: string) =>
    ({ DATABASE_URL: "postgres://unused/db", JWT_JWKS_URL: url, JWT_ISSUER: env.JWT_ISSUER, JWT_AUDIENCE: env.JWT_AUDIENCE }) as Config;
  const keyServerUrl = () => `https://keys.test/${crypto.randomUUID()}/jwks.json`;

  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function serveKeys(alg: "RS256" | "ES256" | "PS256") {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg, use: "sig" };
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({ keys: [jwk] }));
    const sign = (claims = adminClaims(), header: Record<string, unknown> = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg, kid: "k1", ...header }).sign(privateKey);
    return { sign };
  }

  /** The ApiError verifyToken failed with. */
  async function failureOf(token: string, config: Config) {
    const error: unknown = await verifyToken(token, config).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ApiError);
    return { status: (error as ApiError).status, code: (error as ApiError).code };
  }

  it.each([["RS256"], ["ES256"]] as const)("accepts an %s admin token signed with a published key", async (alg) => {
    const { sign } = await serveKeys(alg);
    const principal = await verifyToken(await sign(), configFor(keyServerUrl()));
    expect(principal).toMatchObject({ subject: "admin-alice", isAdmin: true });
  });

  it("refuses PS256, an algorithm the key fits but that is not on the allowlist", async () => {
    const { sign } = await serveKeys("PS256");
    expect(await failureOf(await sign(), configFor(keyServerUrl()))).toEqual({ status: 401, code: "unauthorized" });
  });

  it("refuses an HS256 token: no shared secret is accepted in this mode", async () => {
    await serveKeys("RS256");
    expect(await failureOf(await signRaw(adminClaims()), configFor(keyServerUrl()))).toEqual({ status: 401, code: "unauthorized" });
  });

  it("refuses a token signed by a key the server does not publish", async () => {
    await serveKeys("RS256");
    const { privateKey } = await generateKeyPair("RS256");
    const token = await new SignJWT(adminClaims()).setProtectedHeader({ alg: "RS256", kid: "k1" }).sign(privateKey);
    expect(await failureOf(token, configFor(keyServerUrl()))).toEqual({ status: 401, code: "unauthorized" });
  });

  describe("the key server failing is our outage (503), never the caller's token (401)", () => {
    async function tokenFor() {
      const { sign } = await serveKeys("RS256");
      const token = await sign();
      vi.restoreAllMocks();
      return token;
    }

    it("when it cannot be reached", async () => {
      const token = await tokenFor();
      vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost."));
      expect(await failureOf(token, configFor(keyServerUrl()))).toEqual({ status: 503, code: "service_unavailable" });
    });

    it("when it answers with an error status", async () => {
      const token = await tokenFor();
      vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("bad gateway", { status: 502 }));
      expect(await failureOf(token, configFor(keyServerUrl()))).toEqual({ status: 503, code: "service_unavailable" });
    });

    it("when it answers something that is not a key set", async () => {
      const token = await tokenFor();
      vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("<html>maintenance</html>", { status: 200 }));
      expect(await failureOf(token, configFor(keyServerUrl()))).toEqual({ status: 503, code: "service_unavailable" });
      vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({ keys: "none" }));
      expect(await failureOf(token, configFor(keyServerUrl()))).toEqual({ status: 503, code: "service_unavailable" });
    });
  });
});

describe("the system: actor prefix is the service's own", () => {
  it.each([["system:sunset"], ["System:cron"], [" system:sunset"]])(
    "refuses a token whose sub is %j with 401, on admin writes and public reads alike, changing nothing",
    async (sub) => {
      const token = await signRaw({ ...adminClaims(), sub });
      const before = await (await call(`/admin/models/${model.id}`, { token: await adminToken() })).json();
      const archive = await call(`/admin/models/${model.id}/archive`, { token, json: { reason: "as the cron" } });
      expect(archive.status).toBe(401);
      expect((await archive.json<ErrorBody>()).error.message).toBe("token subject must not start with the reserved prefix system:");
      expect((await call("/v1/models", { token })).status).toBe(401);
      expect(await (await call(`/admin/models/${model.id}`, { token: await adminToken() })).json()).toEqual(before);
    },
  );

  it("accepts subjects that merely contain it", async () => {
    const token = await signRaw({ ...adminClaims(), sub: "alice-system:1" });
    expect((await call(`/admin/models/${model.id}`, { token })).status).toBe(200);
  });
});
