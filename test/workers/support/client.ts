/**
 * Talking to the Worker as its clients do: tokens signed with the test
 * settings, requests over HTTP (in workerd) whose every answer is checked
 * against /openapi.json, the standard error shape, and the Cron Trigger.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { expect } from "vitest";
import type { ErrorBody } from "../../../src/http/openapi";
import worker from "../../../src/index";
import { checkContract } from "../contract";

export type { ErrorBody };

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

/** Runs an admin POST lifecycle action and returns the response. */
export async function adminPost(path: string, json: unknown = {}, headers: Record<string, string> = {}) {
  return call(path, { token: await adminToken(), json, headers });
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

/** The scheduled time of the run at the top of the hour `time` falls in: the run the hourly jobs (the purges) are due in. */
export const hourlyRunAt = (time: number) => Math.floor(time / 3_600_000) * 3_600_000;

/** Runs the Cron Trigger as Cloudflare would, at `scheduledTime`, waiting for its background work. */
export async function runCron(scheduledTime: number, environment: typeof env = env) {
  const ctx = createExecutionContext();
  try {
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), environment, ctx);
  } finally {
    await waitOnExecutionContext(ctx);
  }
}
