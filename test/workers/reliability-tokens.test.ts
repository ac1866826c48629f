/**
 * Token abuse against the Worker in JWKS mode (JWT_JWKS_URL pointing at the
 * loopback key server test/global-setup.ts starts), over HTTP: algorithm
 * confusion, unknown key ids, a key server that is down, oversized tokens.
 * A failing key server is our outage (503), never a bypass and never the
 * caller's fault (401).
 */
import { env } from "cloudflare:workers";
import { importJWK, type JWK, SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_TOKEN_LENGTH } from "../../src/auth/jwt";
import { call, expectError, mintToken } from "./support/client";
import { type AdminModel, createModel, modelState, uniqueProvider } from "./support/fixtures";
import { callWith, captureConsole, expectNoInternals, type TestEnv, testKeys } from "./support/reliability";

const keys = testKeys();
/**
 * The Worker with a key server instead of a shared secret. The test key server
 * is http:// on loopback, which only local development may use.
 */
const jwksEnv = (url = keys.jwksUrl): TestEnv =>
  ({ ...env, JWT_SECRET: undefined as unknown as string, JWT_JWKS_URL: url, LOCAL_DEV: "true" }) as TestEnv;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const adminClaims = () => ({
  sub: "jwks-admin",
  role: "admin",
  iss: env.JWT_ISSUER,
  aud: env.JWT_AUDIENCE,
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
});
const base64url = (bytes: Uint8Array | string) =>
  btoa(typeof bytes === "string" ? bytes : String.fromCharCode(...bytes))
    .replace(/=+$/, "")
    .replace(/\+/g, "-")
    .replace(/\//g, "_");

async function signWith(
  jwk: JWK,
  alg: "RS256" | "ES256",
  header: Record<string, unknown> = {},
  claims: Record<string, unknown> = adminClaims(),
) {
  return new SignJWT(claims).setProtectedHeader({ alg, kid: jwk.kid, typ: "JWT", ...header }).sign(await importJWK(jwk, alg));
}

/** An HS256 token whose HMAC key is `secret`: what an attacker can make from a public key. */
async function hs256With(secret: Uint8Array, header: Record<string, unknown> = {}) {
  return new SignJWT(adminClaims()).setProtectedHeader({ alg: "HS256", typ: "JWT", ...header }).sign(secret);
}

/** The RSA public key as PEM (SPKI), the classic confusion secret. */
async function rsaPublicPem() {
  const key = await crypto.subtle.importKey("jwk", keys.rsaPublicJwk as JsonWebKey, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, [
    "verify",
  ]);
  const der = new Uint8Array((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
  const body = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, "$1\n");
  return `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`;
}

let model: AdminModel;
beforeAll(async () => {
  model = await createModel({ provider: uniqueProvider() });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const adminGet = (token: string, environment = jwksEnv()) => callWith(environment, `/admin/models/${model.id}`, { token });

describe("JWKS mode (RS256/ES256 keys from JWT_JWKS_URL)", () => {
  it.each([
    ["RS256", () => signWith(keys.rsaPrivateJwk, "RS256")],
    ["ES256", () => signWith(keys.ecPrivateJwk, "ES256")],
  ])("accepts an %s admin token signed with a published key", async (_, token) => {
    const response = await adminGet(await token());
    expect(response.status).toBe(200);
    expect((await response.json<{ model: AdminModel }>()).model.id).toBe(model.id);
    // And a user token of that kind sets the tier on public reads.
    const user = await callWith(jwksEnv(), "/v1/models/gpt-4/access", {
      token: await signWith(
        _ === "RS256" ? keys.rsaPrivateJwk : keys.ecPrivateJwk,
        _ as "RS256" | "ES256",
        {},
        { ...adminClaims(), role: "user", tier: "pro" },
      ),
    });
    expect([200, 403, 404, 410]).toContain(user.status);
  });

  it("refuses the shared-secret tokens of the HS256 mode", async () => {
    const hs = await hs256With(new TextEncoder().encode(env.JWT_SECRET));
    await expectError(await adminGet(hs), 401, "unauthorized");
  });
});

describe("algorithm confusion: HS256 tokens keyed with the published public key", () => {
  it.each([
    ["the PEM of the RSA public key", async () => new TextEncoder().encode(await rsaPublicPem())],
    ["the RSA public JWK as JSON", async () => new TextEncoder().encode(JSON.stringify(keys.rsaPublicJwk))],
    [
      "the RSA modulus",
      async () => Uint8Array.from(atob((keys.rsaPublicJwk.n as string).replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
    ],
  ])("401 for a token keyed with %s, with or without the key's kid", async (_, secret) => {
    for (const header of [{ kid: "rsa-1" }, {}, { kid: "rsa-1", alg: "HS256" }]) {
      const logs = captureConsole();
      const response = await adminGet(await hs256With(await secret(), header));
      await expectError(response, 401, "unauthorized");
      expectNoInternals(logs.lines.join("\n"));
      vi.restoreAllMocks();
    }
  });

  it("401 for alg none, and for an RS256 header over an HS256 signature", async () => {
    const unsigned = `${base64url(JSON.stringify({ alg: "none", typ: "JWT", kid: "rsa-1" }))}.${base64url(JSON.stringify(adminClaims()))}.`;
    await expectError(await adminGet(unsigned), 401, "unauthorized");
    const hs = await hs256With(new TextEncoder().encode(await rsaPublicPem()));
    const [, payload, signature] = hs.split(".");
    const relabelled = `${base64url(JSON.stringify({ alg: "RS256", kid: "rsa-1" }))}.${payload}.${signature}`;
    await expectError(await adminGet(relabelled), 401, "unauthorized");
  });
});

describe("unknown key ids", () => {
  it("401 for a kid the JWKS does not publish, even signed by a real key", async () => {
    for (const kid of ["rsa-2", "../../etc/passwd", "x".repeat(500)]) {
      const response = await adminGet(await signWith(keys.rsaPrivateJwk, "RS256", { kid }));
      await expectError(response, 401, "unauthorized");
    }
  });

  it("401 for the EC key's kid on an RS256 token (a key of the wrong type)", async () => {
    await expectError(await adminGet(await signWith(keys.rsaPrivateJwk, "RS256", { kid: "ec-1" })), 401, "unauthorized");
  });
});

describe("a key server that is down", () => {
  // A fresh URL per test: key sets (and failures' cooldowns) are cached per URL.
  const deadKeyServer = () => jwksEnv(`http://127.0.0.1:1/${crypto.randomUUID()}/jwks.json`);

  it("503 for an admin token: not a bypass, not the caller's fault; and writes change nothing", async () => {
    const environment = deadKeyServer();
    const token = await signWith(keys.rsaPrivateJwk, "RS256");
    const before = await modelState(model.id);
    const logs = captureConsole();

    await expectError(await adminGet(token, environment), 503, "service_unavailable");
    const archive = await callWith(environment, `/admin/models/${model.id}/archive`, { token, json: { reason: "keys down" } });
    await expectError(archive, 503, "service_unavailable");
    // A public read with a token cannot silently fall back to anonymous either.
    await expectError(await callWith(environment, "/v1/models", { token }), 503, "service_unavailable");
    expectNoInternals(logs.lines.join("\n"));
    vi.restoreAllMocks();

    expect(await modelState(model.id)).toEqual(before);
  });

  it("still refuses a forged token with 503, never lets it in", async () => {
    const forged = await hs256With(new TextEncoder().encode("guess"), { kid: "rsa-1" });
    const response = await adminGet(forged, deadKeyServer());
    expect(response.status).not.toBe(200);
    expect([401, 503]).toContain(response.status);
  });

  it("anonymous public reads need no keys and keep answering", async () => {
    const response = await callWith(deadKeyServer(), `/v1/models/${model.id}`);
    expect(response.status).toBe(200);
  });
});

describe("oversized tokens", () => {
  it.each([
    ["HS256 mode", () => env as TestEnv],
    ["JWKS mode", () => jwksEnv()],
  ])("401 for a 100 KB token in %s, before any parsing", async (_, environment) => {
    const huge = `${base64url(JSON.stringify({ alg: "RS256", kid: "rsa-1" }))}.${"A".repeat(100_000)}.sig`;
    const logs = captureConsole();
    const response = await callWith(environment(), `/admin/models/${model.id}`, { token: huge });
    const body = await expectError(response, 401, "unauthorized");
    expect(JSON.stringify(body).length).toBeLessThan(1000);
    expect(logs.lines.join("\n").length).toBeLessThan(2000);
  });

  it("401 for a correctly signed admin token over 8 KB: the length cap refuses it, not the signature", async () => {
    const big = await mintToken({ sub: "admin-big", role: "admin", pad: "x".repeat(MAX_TOKEN_LENGTH) });
    expect(big.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    const body = await expectError(await call(`/admin/models/${model.id}`, { token: big }), 401, "unauthorized");
    expect(body.error.message).toBe("token is too long");
  });

  it("401 for a 100 KB Authorization header that is not a bearer token", async () => {
    const response = await call(`/admin/models/${model.id}`, { headers: { Authorization: `Basic ${"A".repeat(100_000)}` } });
    await expectError(response, 401, "unauthorized");
  });
});

describe("token configuration that cannot be left open", () => {
  /** An admin token with the deployment's secret, and only the claims given. */
  const hs256Admin = (claims: Record<string, unknown> = {}, secret = env.JWT_SECRET) =>
    new SignJWT({ sub: "someone-else", role: "admin", ...claims })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(secret));

  it.each(["JWT_ISSUER", "JWT_AUDIENCE"])(
    "without %s, answers 503 naming the setting, and lets no token in: not one minted for another service",
    async (setting) => {
      const environment = { ...env, [setting]: undefined } as unknown as TestEnv;
      const logs = captureConsole();
      const otherService = await hs256Admin({ iss: "https://other.example", aud: "other-service" });
      for (const token of [otherService, await hs256Admin()]) {
        await expectError(await callWith(environment, `/admin/models/${model.id}`, { token }), 503, "service_unavailable");
      }
      expect(logs.events("config_invalid").map((line) => line.problems)).toContainEqual([
        `${setting}: is required outside local development`,
      ]);
    },
  );

  it('lets local development (LOCAL_DEV="true", written by npm run dev) leave issuer and audience unset', async () => {
    const environment = { ...env, JWT_ISSUER: undefined, JWT_AUDIENCE: undefined, LOCAL_DEV: "true" } as unknown as TestEnv;
    expect((await callWith(environment, `/admin/models/${model.id}`, { token: await hs256Admin() })).status).toBe(200);
  });

  it("refuses an HS256 secret shorter than 32 bytes with 503, whatever the token", async () => {
    const short = "s".repeat(31);
    const environment = { ...env, JWT_SECRET: short } as TestEnv;
    const token = await hs256Admin({ iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE }, short);
    await expectError(await callWith(environment, `/admin/models/${model.id}`, { token }), 503, "service_unavailable");
    const enough = "s".repeat(32);
    const accepted = await callWith({ ...env, JWT_SECRET: enough } as TestEnv, `/admin/models/${model.id}`, {
      token: await hs256Admin({ iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE }, enough),
    });
    expect(accepted.status).toBe(200);
  });

  it("refuses an http:// key server outside local development, the loopback one included, before fetching anything", async () => {
    // Nothing may leave the machine, even if the rule broke.
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("no network in this test"));
    const token = await signWith(keys.rsaPrivateJwk, "RS256");
    const production = { ...jwksEnv(), LOCAL_DEV: undefined } as unknown as TestEnv;
    await expectError(await adminGet(token, production), 503, "service_unavailable");
    const remoteHttp = jwksEnv(`http://keys.example/${crypto.randomUUID()}/jwks.json`);
    await expectError(await adminGet(token, remoteHttp), 503, "service_unavailable");
    expect(fetchSpy).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    // The same loopback key server is fine for a developer.
    expect((await adminGet(token, jwksEnv())).status).toBe(200);
  });
});

describe("token types (typ header)", () => {
  const withType = (typ: string | undefined) =>
    new SignJWT({ sub: "typed-admin", role: "admin" })
      .setProtectedHeader({ alg: "HS256", ...(typ !== undefined && { typ }) })
      .setIssuer(env.JWT_ISSUER)
      .setAudience(env.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(env.JWT_SECRET));

  it.each([[undefined], ["JWT"], ["jwt"], ["at+jwt"], ["application/at+jwt"]])("accepts typ %s", async (typ) => {
    expect((await call(`/admin/models/${model.id}`, { token: await withType(typ) })).status).toBe(200);
  });

  it.each([["logout+jwt"], ["secevent+jwt"], ["dpop+jwt"], ["id_token"], ["application/example"]])(
    "refuses typ %s: the issuer signed it for another purpose",
    async (typ) => {
      const body = await expectError(await call(`/admin/models/${model.id}`, { token: await withType(typ) }), 401, "unauthorized");
      expect(body.error.message).toBe("token type (typ) is not an access token");
    },
  );
});
