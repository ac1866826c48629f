/**
 * Test data: unique models per test (so files can share one database), made
 * and read back through the admin API, and refusals that must leave a model
 * as it was.
 */
import { expect } from "vitest";
import type { PublicModel } from "../../../src/catalog/public-model";
import type { ModelMeta } from "../../../src/domain/model-meta";
import type { AdminModel, AuditEntry } from "../../../src/routes/admin-models/admin-model";
import { adminToken, call, type ErrorBody, expectError } from "./client";

export type { AdminModel, AuditEntry };

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

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A sunset far enough ahead that no other file's sunset cron run reaches it, on a whole second. */
export const farSunset = () => new Date(Math.floor(Date.parse(inDays(800)) / 1000) * 1000).toISOString();

/** The ids the public list shows for a provider (each test uses its own provider). */
export const publicIds = async (provider: string) =>
  (await (await call(`/v1/models?provider=${provider}`)).json<{ models: PublicModel[] }>()).models.map((model) => model.id);

/** A model's audit trail as admins read it, newest first (up to 200 entries). */
export async function auditOf(id: string): Promise<AuditEntry[]> {
  const response = await call(`/admin/models/${id}/audit?limit=200`, { token: await adminToken() });
  expect(response.status).toBe(200);
  return (await response.json<{ entries: AuditEntry[] }>()).entries;
}

/** A model as admins see it, with its whole audit trail; undefined model when it does not exist. */
export async function modelState(id: string): Promise<{ model: AdminModel | undefined; audit: AuditEntry[] }> {
  const response = await call(`/admin/models/${id}`, { token: await adminToken() });
  if (response.status === 404) return { model: undefined, audit: [] };
  expect(response.status).toBe(200);
  const model = (await response.json<{ model: AdminModel }>()).model;
  return { model, audit: await auditOf(id) };
}

/** A model that exists, as admins see it, with its audit trail. */
export async function current(id: string): Promise<{ model: AdminModel; audit: AuditEntry[] }> {
  const { model, audit } = await modelState(id);
  if (!model) throw new Error(`model ${id} does not exist`);
  return { model, audit };
}

/**
 * A refusal: the error in the standard shape, never cached (the model may
 * change, the user may upgrade) and, given the model's state `before`,
 * nothing changed: the model as it was and no audit row written.
 */
export async function expectRefused(
  response: Response,
  status: number,
  code: string,
  before?: { model: AdminModel; audit: AuditEntry[] },
): Promise<ErrorBody> {
  const body = await expectError(response, status, code);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  if (before) expect(await current(before.model.id)).toEqual(before);
  return body;
}
