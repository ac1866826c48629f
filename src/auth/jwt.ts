/**
 * Token verification with jose. The accepted algorithms are pinned per key
 * type (jose would otherwise accept any algorithm the key fits), `exp` and
 * `sub` are required, issuer and audience are checked (config.ts requires
 * them outside local development), and a `typ` header, when the issuer sets
 * one, must say JWT or access token.
 */
import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { Config } from "../config";
import { ApiError } from "../http/errors";
import { ClaimsSchema, type Principal, principalFromClaims, SYSTEM_ACTOR_PREFIX } from "./principal";
import { VerifiedTokens } from "./verified-tokens";

/** Longer tokens are refused before any parsing: no legitimate token is this big. */
export const MAX_TOKEN_LENGTH = 8192;
const CLOCK_TOLERANCE_SECONDS = 30;
const HMAC_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "ES256"];
/**
 * `typ` values of tokens meant for an API (RFC 7519, RFC 9068), with the
 * optional "application/" prefix and in any case (RFC 7515). Other types an
 * identity provider signs with the same key (logout+jwt, secevent+jwt,
 * dpop+jwt, ...) are refused: they were issued for another purpose.
 */
const ACCESS_TOKEN_TYPE = /^(application\/)?(jwt|at\+jwt)$/i;

// One JWKS client per URL per isolate: jose caches the keys and refetches on an unknown `kid`.
const jwksClients = new Map<string, JWTVerifyGetKey>();

/** The key server did not hand out a key set: our outage, whatever the token. */
class KeyServerFailure extends Error {
  override readonly name = "KeyServerFailure";
}

/**
 * Fetches the key set for jose, telling a failing key server (unreachable,
 * an error status, not a key set) apart from a bad token: jose reports both
 * as plain JOSEErrors.
 */
async function fetchKeySet(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    // jose turns a TimeoutError into JWKSTimeout itself.
    if ((error as { name?: unknown }).name === "TimeoutError") throw error;
    throw new KeyServerFailure("the key server is unreachable", { cause: error });
  }
  if (response.status !== 200) throw new KeyServerFailure(`the key server answered ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new KeyServerFailure("the key server's answer is not JSON", { cause: error });
  }
  if (!Array.isArray((body as { keys?: unknown } | null)?.keys))
    throw new KeyServerFailure("the key server's answer is not a JSON Web Key Set");
  return Response.json(body);
}

function jwksFor(url: string): JWTVerifyGetKey {
  let client = jwksClients.get(url);
  if (!client) {
    client = createRemoteJWKSet(new URL(url), {
      timeoutDuration: 3000,
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
      [customFetch]: fetchKeySet,
    });
    jwksClients.set(url, client);
  }
  return client;
}

const unauthorized = (message: string) =>
  new ApiError("unauthorized", message, { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });

/** Reads the bearer token from an Authorization header value; undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  if (!match?.[1]) throw unauthorized("Authorization header must be 'Bearer <token>'");
  return match[1];
}

/** Per configuration (its secret or key server, issuer, audience): a token verified under one says nothing under another. */
const verifiedTokens = new WeakMap<Config, VerifiedTokens>();

export async function verifyToken(token: string, config: Config): Promise<Principal> {
  if (token.length > MAX_TOKEN_LENGTH) throw unauthorized("token is too long");
  let verified = verifiedTokens.get(config);
  if (!verified) {
    verified = new VerifiedTokens();
    verifiedTokens.set(config, verified);
  }
  const known = verified.get(token, Date.now());
  if (known) return known;
  const principal = await verifyWithJose(token, config);
  verified.set(token, principal.principal, principal.exp, Date.now());
  return principal.principal;
}

async function verifyWithJose(token: string, config: Config): Promise<{ principal: Principal; exp: number }> {
  const options = {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    requiredClaims: ["exp", "sub"],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  try {
    const { payload, protectedHeader } = config.JWT_JWKS_URL
      ? await jwtVerify(token, jwksFor(config.JWT_JWKS_URL), { ...options, algorithms: JWKS_ALGORITHMS })
      : await jwtVerify(token, new TextEncoder().encode(config.JWT_SECRET), { ...options, algorithms: HMAC_ALGORITHMS });
    if (protectedHeader.typ !== undefined && !ACCESS_TOKEN_TYPE.test(protectedHeader.typ)) {
      throw unauthorized("token type (typ) is not an access token");
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw unauthorized("token claims are invalid (sub, role or tier)");
    // Audit rows name the cron as system:*; a token must not be able to write as it.
    if (claims.data.sub.trim().toLowerCase().startsWith(SYSTEM_ACTOR_PREFIX)) {
      throw unauthorized(`token subject must not start with the reserved prefix ${SYSTEM_ACTOR_PREFIX}`);
    }
    // requiredClaims made jose check that exp is there (and a number in the future).
    return { principal: principalFromClaims(claims.data), exp: payload.exp as number };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The key server failing is our outage, never a reason to let a caller in or blame their token.
    if (error instanceof KeyServerFailure || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
      throw new ApiError("service_unavailable", "token keys are unavailable, try again shortly", { cause: error });
    }
    if (error instanceof errors.JWTExpired) throw unauthorized("token has expired");
    if (error instanceof errors.JOSEError) throw unauthorized(`token is invalid (${error.code})`);
    throw unauthorized("token is invalid");
  }
}
