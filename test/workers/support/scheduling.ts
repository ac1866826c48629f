/** Scheduled changes through the admin API (POST/GET/DELETE /admin/scheduled-changes). */
import { expect } from "vitest";
import type { ScheduledChange } from "../../../src/routes/admin-scheduled-changes/scheduled-change";
import { adminPost, adminToken, call } from "./client";

export type { ScheduledChange };

/** An instant `minutes` from now, as ISO 8601 on a whole second. */
export const inMinutes = (minutes: number) => new Date(Math.floor((Date.now() + minutes * 60_000) / 1000) * 1000).toISOString();

export const scheduleChange = (json: object, headers: Record<string, string> = {}) => adminPost("/admin/scheduled-changes", json, headers);

/** Schedules and returns the change (201 expected). */
export async function scheduled(json: object): Promise<ScheduledChange> {
  const response = await scheduleChange(json);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ scheduled_change: ScheduledChange }>()).scheduled_change;
}

export async function scheduledChanges(query: Record<string, string> = {}): Promise<ScheduledChange[]> {
  const response = await call(`/admin/scheduled-changes?${new URLSearchParams(query)}`, { token: await adminToken() });
  expect(response.status).toBe(200);
  return (await response.json<{ scheduled_changes: ScheduledChange[] }>()).scheduled_changes;
}

export async function cancelChange(id: string) {
  return call(`/admin/scheduled-changes/${id}`, { method: "DELETE", token: await adminToken(), json: {} });
}

/** The public entry's upcoming_changes. */
export async function upcomingOf(id: string) {
  const response = await call(`/v1/models/${id}`);
  expect(response.status).toBe(200);
  return (await response.json<{ upcoming_changes: unknown[] }>()).upcoming_changes;
}
