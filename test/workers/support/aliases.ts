/** Aliases through the admin API, as staff make them. */
import { expect } from "vitest";
import type { AdminAlias } from "../../../src/routes/admin-aliases/admin-alias";
import { adminToken, call } from "./client";
import type { AuditEntry } from "./fixtures";

export type { AdminAlias };

/** PUT /admin/aliases/:alias, answered as it is. */
export async function putAlias(alias: string, targetModelId: string, headers: Record<string, string> = {}, reason?: string) {
  return call(`/admin/aliases/${alias}`, {
    method: "PUT",
    token: await adminToken(),
    json: { targetModelId, ...(reason && { reason }) },
    headers,
  });
}

/** An alias that must be created (201). */
export async function createAlias(alias: string, targetModelId: string): Promise<AdminAlias> {
  const response = await putAlias(alias, targetModelId);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ alias: AdminAlias }>()).alias;
}

export async function deleteAlias(alias: string, headers: Record<string, string> = {}, reason = "not needed") {
  return call(`/admin/aliases/${alias}`, { method: "DELETE", token: await adminToken(), json: { reason }, headers });
}

/** The alias as staff see it, undefined when there is none. */
export async function aliasState(alias: string): Promise<AdminAlias | undefined> {
  const response = await call(`/admin/aliases/${alias}`, { token: await adminToken() });
  if (response.status === 404) return undefined;
  expect(response.status).toBe(200);
  return (await response.json<{ alias: AdminAlias }>()).alias;
}

/** An alias's audit trail, newest first ([] when it never existed). */
export async function aliasAudit(alias: string): Promise<AuditEntry[]> {
  const response = await call(`/admin/aliases/${alias}/audit?limit=200`, { token: await adminToken() });
  if (response.status === 404) return [];
  expect(response.status).toBe(200);
  return (await response.json<{ entries: AuditEntry[] }>()).entries;
}

/** The alias id the cross-cutting tests use for a model: derived, so a route's path and its preparation agree. */
export const aliasFor = (modelId: string) => `${modelId}-alias`;
