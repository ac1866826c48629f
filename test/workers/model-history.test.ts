import { afterEach, describe, expect, it, vi } from "vitest";
import { latestHistory } from "../../src/catalog/as-of";
import { adminPost, adminToken, call, type ErrorBody, expectError, runCron } from "./support/client";
import { feedEnd, feedSince } from "./support/feed";
import { createModel, uniqueId } from "./support/fixtures";
import { directDatabase } from "./support/reliability";
import { inMinutes, scheduled, scheduledChanges, upcomingOf } from "./support/scheduling";

interface History {
  model_id: string;
  entries: { version: number; at: string; action: string; changes: Record<string, { from: unknown; to: unknown }> }[];
  next_cursor: string | null;
}

async function historyOf(id: string, query = ""): Promise<History> {
  const response = await call(`/v1/models/${id}/history${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<History>();
}

const patchMeta = async (id: string, json: object) =>
  call(`/admin/models/${id}/meta`, { method: "PATCH", token: await adminToken(), json });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("GET /v1/models/:id/history", () => {
  it("starts at the creation with every public field, then each public change, oldest first; staff-only changes are not entries", async () => {
    const model = await createModel();
    expect((await patchMeta(model.id, { inputCostPerMillionTokens: 120 })).status).toBe(200);
    expect((await patchMeta(model.id, { internalNotes: "staff only" })).status).toBe(200);
    expect((await adminPost(`/admin/models/${model.id}/archive`, { reason: "gone" })).status).toBe(200);

    const history = await historyOf(model.id);
    expect(history.model_id).toBe(model.id);
    expect(history.entries.map(({ version, action }) => [version, action])).toEqual([
      [1, "create"],
      [2, "update_meta"],
      [4, "archive"],
    ]);
    expect(history.entries[0]?.changes.input_cost_per_million_tokens).toEqual({ from: null, to: 100 });
    expect(history.entries[1]?.changes).toEqual({ input_cost_per_million_tokens: { from: 100, to: 120 } });
    expect(history.entries[2]?.changes).toEqual({ is_archived: { from: false, to: true } });
    expect(JSON.stringify(history)).not.toContain("internal");
    expect(history.next_cursor).toBeNull();
  });

  it("pages with a cursor; a bad cursor is 400, an unknown model 404", async () => {
    const model = await createModel();
    for (const cost of [110, 120, 130]) expect((await patchMeta(model.id, { inputCostPerMillionTokens: cost })).status).toBe(200);
    const first = await historyOf(model.id, "?limit=2");
    expect(first.entries.map((entry) => entry.version)).toEqual([1, 2]);
    const second = await historyOf(model.id, `?limit=2&after=${first.next_cursor}`);
    expect(second.entries.map((entry) => entry.version)).toEqual([3, 4]);
    expect(second.next_cursor).toBeNull();
    await expectError(await call(`/v1/models/${model.id}/history?after=banana`), 400, "invalid_request");
    await expectError(await call(`/v1/models/${uniqueId("missing")}/history`), 404, "not_found");
  });
});

describe("GET /v1/models/:id?at=", () => {
  it("answers the model as it was, with Memento-Datetime; 404 before it existed; 410 when it was archived then", async () => {
    const model = await createModel();
    const beforeCreation = new Date(Date.parse(model.created_at) - 60_000).toISOString();
    const afterCreation = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await patchMeta(model.id, { inputCostPerMillionTokens: 150 })).status).toBe(200);
    const afterPatch = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await adminPost(`/admin/models/${model.id}/archive`, { reason: "gone" })).status).toBe(200);

    const then = await call(`/v1/models/${model.id}?at=${afterCreation}`);
    expect(then.status).toBe(200);
    expect(then.headers.get("Memento-Datetime")).toBe(new Date(model.created_at).toUTCString());
    expect(await then.json()).toMatchObject({ id: model.id, input_cost_per_million_tokens: 100, upcoming_changes: [] });
    expect(await (await call(`/v1/models/${model.id}?at=${afterPatch}`)).json()).toMatchObject({ input_cost_per_million_tokens: 150 });
    await expectError(await call(`/v1/models/${model.id}?at=${beforeCreation}`), 404, "not_found");
    await expectError(await call(`/v1/models/${model.id}?at=${new Date().toISOString()}`), 410, "model_archived");
  });

  it("refuses an instant in the future or malformed: 400", async () => {
    const model = await createModel();
    await expectError(await call(`/v1/models/${model.id}?at=${inMinutes(5)}`), 400, "invalid_request");
    await expectError(await call(`/v1/models/${model.id}?at=yesterday`), 400, "invalid_request");
  });
});

describe("a price change scheduled two minutes ahead (done when)", () => {
  it("is announced at once, shown in upcoming_changes, applied by the cron within 120 s, then in /history and ?at= at its effective time", async () => {
    const model = await createModel();
    const cursor = await feedEnd();
    const change = await scheduled({
      modelId: model.id,
      action: "update_meta",
      body: { inputCostPerMillionTokens: 175 },
      effectiveAt: inMinutes(2),
    });
    const effectiveAt = Date.parse(change.effective_at);
    const announced = (await feedSince(cursor)).events.filter((event) => event.model_id === model.id);
    expect(announced.map((event) => event.type)).toEqual(["model.change_scheduled"]);
    expect(await upcomingOf(model.id)).toEqual([
      { effective_at: change.effective_at, action: "update_meta", changes: { input_cost_per_million_tokens: { from: 100, to: 175 } } },
    ]);

    // The real cron handler, at the first minute boundary after the effective time (cron runs every minute).
    const firstRun = Math.ceil(effectiveAt / 60_000) * 60_000;
    await runCron(firstRun);
    const [applied] = await scheduledChanges({ model: model.id });
    expect(applied?.status).toBe("applied");
    expect(firstRun - effectiveAt).toBeLessThan(120_000);

    const detail = await (await call(`/v1/models/${model.id}`)).json<{
      input_cost_per_million_tokens: number;
      upcoming_changes: unknown[];
    }>();
    expect(detail).toMatchObject({ input_cost_per_million_tokens: 175, upcoming_changes: [] });
    const entries = (await historyOf(model.id)).entries;
    expect(entries.at(-1)).toEqual({
      version: 2,
      at: change.effective_at,
      action: "update_meta",
      changes: { input_cost_per_million_tokens: { from: 100, to: 175 } },
    });
    // ?at= on either side of the effective time, read when the cron ran (the API's clock: at may not be in the future).
    vi.spyOn(Date, "now").mockReturnValue(firstRun);
    const before = await call(`/v1/models/${model.id}?at=${new Date(effectiveAt - 1000).toISOString()}`);
    expect(await before.json()).toMatchObject({ input_cost_per_million_tokens: 100 });
    const after = await call(`/v1/models/${model.id}?at=${new Date(effectiveAt + 1000).toISOString()}`);
    expect(after.status, JSON.stringify(await after.clone().json<ErrorBody>())).toBe(200);
    expect(after.headers.get("Memento-Datetime")).toBe(new Date(effectiveAt).toUTCString());
    expect(await after.json()).toMatchObject({ input_cost_per_million_tokens: 175 });
  });
});

describe("latestHistory (the dashboard's model page)", () => {
  it("reads further ranges when staff-only changes leave a range short of entries, each compared with the version before it", async () => {
    const model = await createModel();
    const token = await adminToken();
    // 12 versions after the creation; only every third changes a public field (13 versions, 5 public entries).
    for (let i = 1; i <= 12; i++) {
      const json = i % 3 === 0 ? { outputCostPerMillionTokens: 100 + i } : { internalNotes: `note ${i}` };
      expect((await call(`/admin/models/${model.id}/meta`, { method: "PATCH", token, json })).status).toBe(200);
    }
    const handle = directDatabase();
    try {
      // Ranges of count + 2 = 5 versions: the latest 3 entries (versions 13, 10, 7) span three of them.
      const latest = await latestHistory(handle.db, model.id, 3);
      expect(latest.older).toBe(true);
      expect(latest.entries.map((entry) => entry.changes)).toEqual([
        { output_cost_per_million_tokens: { from: 103, to: 106 } },
        { output_cost_per_million_tokens: { from: 106, to: 109 } },
        { output_cost_per_million_tokens: { from: 109, to: 112 } },
      ]);
      const whole = await latestHistory(handle.db, model.id, 10);
      expect(whole.older).toBe(false);
      expect(whole.entries.map((entry) => entry.action)).toEqual(["create", "update_meta", "update_meta", "update_meta", "update_meta"]);
      expect(whole.entries.slice(-3)).toEqual(latest.entries);
    } finally {
      await handle.close();
    }
  });
});
