/**
 * Shared by the Worker tests: a client for the app over HTTP (in workerd),
 * token minting with the test settings, and unique models per test so files
 * can share one database.
 */
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { unpackIndex } from "../../src/catalog/encoding";
import { indexKey } from "../../src/catalog/kv-layout";
import { decodeIndex, type Snapshot } from "../../src/catalog/snapshot";
import type { ModelMeta } from "../../src/domain/model-meta";
import type { CatalogVersion } from "../../src/queries/catalog";
import { checkContract } from "./contract";

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

/** Calls the Worker's fetch handler, as a client over HTTP would; the answer must match /openapi.json (contract.ts). */
export async function call(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body = options.body;
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.json);
  }
  const request = new Request(`${BASE_URL}${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  const response = await exports.default.fetch(request);
  await checkContract(request.method, request.url, response);
  return response;
}

/** A model id no other test uses. */
export const uniqueId = (prefix = "test") => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** A provider name no other test file uses, so filtered lists see only this test's models. */
export const uniqueProvider = (prefix = "prov") => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export function sampleMeta(overrides: Partial<ModelMeta> = {}): ModelMeta {
  return {
    displayName: "Test Model",
    description: "A model made by a test",
    capabilities: ["text", "code"],
    contextLength: 32768,
    maxOutputTokens: 4096,
    inputCostPerMillionTokens: 100,
    outputCostPerMillionTokens: 300,
    creditsPer1kTokens: 2,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
    ...overrides,
  };
}

export interface AdminModel {
  id: string;
  name: string;
  provider: string;
  is_available: boolean;
  is_legacy: boolean;
  is_archived: boolean;
  legacy_since: string | null;
  meta: ModelMeta;
  row_version: number;
}

/** Creates a model through the admin API and returns it. */
export async function createModel(
  options: { id?: string; provider?: string; meta?: Partial<ModelMeta>; isAvailable?: boolean } = {},
): Promise<AdminModel> {
  const id = options.id ?? uniqueId();
  const response = await call("/admin/models", {
    token: await adminToken(),
    json: {
      id,
      name: id,
      provider: options.provider ?? "testprov",
      meta: sampleMeta(options.meta),
      ...(options.isAvailable !== undefined && { isAvailable: options.isAvailable }),
    },
  });
  if (response.status !== 201) throw new Error(`createModel ${id}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { model: AdminModel }).model;
}

/** Runs an admin POST lifecycle action and returns the response. */
export async function adminPost(path: string, json: unknown = {}, headers: Record<string, string> = {}) {
  return call(path, { token: await adminToken(), json, headers });
}

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export interface ErrorBody {
  error: { code: string; message: string; request_id: string; details?: unknown };
}

/** The catalog index stored in `kv` for a version, decoded (undefined when absent). */
export async function storedIndex(kv: KVNamespace, at: CatalogVersion): Promise<Snapshot | undefined> {
  const stored = await kv.get(indexKey(at), "arrayBuffer");
  return stored ? decodeIndex(unpackIndex(stored)) : undefined;
}
