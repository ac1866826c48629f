import { afterEach, describe, expect, it, vi } from "vitest";
import { adminPost, adminToken, call, type ErrorBody, runCron } from "./support/client";
import { type AdminModel, createModel, current, inDays, publicIds, uniqueProvider } from "./support/fixtures";

const SECOND = 1000;

/** A live legacy model whose sunset is `inMs` from now (mark-legacy only takes future dates). */
async function legacyModelDueIn(inMs: number, provider?: string) {
  const model = await createModel(provider ? { provider } : {});
  const sunsetDate = new Date(Date.now() + inMs).toISOString();
  const response = await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate });
  expect(response.status).toBe(200);
  return { ...model, sunsetDate };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the sunset Cron Trigger", () => {
  it("archives a model whose sunset date has passed, as system:sunset, and clients stop seeing it", async () => {
    const provider = uniqueProvider();
    const model = await legacyModelDueIn(2 * SECOND, provider);
    expect(await publicIds(provider)).toEqual([model.id]);

    await runCron(Date.now() + 60 * SECOND);

    const after = await current(model.id);
    expect(after.model).toMatchObject({ is_archived: true, is_legacy: true, row_version: 3 });
    expect(after.audit[0]).toMatchObject({
      actor: "system:sunset",
      action: "archive",
      reason: "sunset date passed",
      previous_value: { isArchived: false },
      new_value: { isArchived: true, sunsetDate: model.sunsetDate },
      request_id: expect.stringMatching(/^cron-/),
    });
    expect(await publicIds(provider)).toEqual([]);
    const detail = await call(`/v1/models/${model.id}`);
    expect(detail.status).toBe(410);
    expect((await detail.json<ErrorBody>()).error.code).toBe("model_archived");
  });

  it("archives a model whose sunset is exactly the run's scheduled time", async () => {
    const model = await legacyModelDueIn(2 * SECOND);
    await runCron(Date.parse(model.sunsetDate));
    expect((await current(model.id)).model.is_archived).toBe(true);
  });

  it("leaves a model whose sunset is still ahead untouched", async () => {
    const provider = uniqueProvider();
    const model = await legacyModelDueIn(2 * 3600 * SECOND, provider);
    const before = await current(model.id);

    await runCron(Date.now() + 60 * SECOND);

    expect(await current(model.id)).toEqual(before);
    expect(await publicIds(provider)).toEqual([model.id]);
  });

  it("changes nothing and writes no audit row on a second run", async () => {
    const model = await legacyModelDueIn(2 * SECOND);
    const scheduledTime = Date.now() + 60 * SECOND;
    await runCron(scheduledTime);
    const afterFirst = await current(model.id);
    expect(afterFirst.model.is_archived).toBe(true);

    await runCron(scheduledTime + 15 * 60 * SECOND);

    expect(await current(model.id)).toEqual(afterFirst);
  });

  it("archives once when two runs overlap: one audit row per model", async () => {
    const [a, b] = [await legacyModelDueIn(2 * SECOND), await legacyModelDueIn(3 * SECOND)];
    const scheduledTime = Date.now() + 60 * SECOND;

    await Promise.all([runCron(scheduledTime), runCron(scheduledTime)]);

    for (const model of [a, b]) {
      const { model: row, audit } = await current(model.id);
      expect(row).toMatchObject({ is_archived: true, row_version: 3 });
      expect(audit.map((entry) => `${entry.actor} ${entry.action}`)).toEqual([
        "system:sunset archive",
        "admin-alice mark_legacy",
        "admin-alice create",
      ]);
    }
  });

  it("leaves an admin-archived model alone", async () => {
    const model = await legacyModelDueIn(2 * SECOND);
    await adminPost(`/admin/models/${model.id}/archive`, { reason: "early retirement" });
    const before = await current(model.id);

    await runCron(Date.now() + 60 * SECOND);

    expect(await current(model.id)).toEqual(before);
  });

  it("does not re-archive a sunset model an admin brought back: unarchive drops the passed sunset date", async () => {
    const model = await legacyModelDueIn(2 * SECOND);
    await runCron(Date.now() + 60 * SECOND);
    // The date is already behind us by the time the admin acts.
    await new Promise((resolve) => setTimeout(resolve, 2.5 * SECOND));

    const response = await adminPost(`/admin/models/${model.id}/unarchive`);
    expect(response.status).toBe(200);
    const { model: back } = await response.json<{ model: AdminModel }>();
    expect(back).toMatchObject({ is_archived: false, is_legacy: true });
    expect(back.meta).not.toHaveProperty("sunsetDate");

    await runCron(Date.now() + 60 * SECOND);

    expect((await current(model.id)).model).toEqual(back);
  });

  it("logs one structured line per run with each job's result (the models archived) and the time taken", async () => {
    const model = await legacyModelDueIn(2 * SECOND);
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });

    await runCron(Date.now() + 60 * SECOND);

    const runs = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === "scheduled_run");
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      level: "info",
      cron: "* * * * *",
      jobs: {
        scheduled_changes: { applied: expect.any(Number), failed: expect.any(Number), skipped: expect.any(Number) },
        sunset_archive: { archived: expect.any(Number), models: expect.arrayContaining([model.id]) },
        sunset_warnings: { announced: expect.any(Number) },
        outbox_sweep: { dispatched: expect.any(Number) },
      },
      ms: expect.any(Number),
    });
  });
});

describe("GET /admin/models/sunsets", () => {
  it("lists live models due within the window, soonest first", async () => {
    const [in10, in5, in40] = [await createModel(), await createModel(), await createModel()];
    for (const [model, days] of [
      [in10, 10],
      [in5, 5],
      [in40, 40],
    ] as const) {
      await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate: inDays(days) });
    }
    const mine = (models: AdminModel[]) => models.map((model) => model.id).filter((id) => [in10.id, in5.id, in40.id].includes(id));

    const response = await call("/admin/models/sunsets?within=30d", { token: await adminToken() });

    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<{ models: AdminModel[]; cutoff: string }>();
    expect(mine(body.models)).toEqual([in5.id, in10.id]);
    expect(Math.abs(Date.parse(body.cutoff) - Date.parse(inDays(30)))).toBeLessThan(60 * SECOND);
    const sunsets = body.models.map((model) => Date.parse(model.meta.sunsetDate ?? ""));
    expect(sunsets).toEqual(sunsets.toSorted((a, b) => a - b));

    const week = await (await call("/admin/models/sunsets?within=168h", { token: await adminToken() })).json<{ models: AdminModel[] }>();
    expect(mine(week.models)).toEqual([in5.id]);
    const byDefault = await (await call("/admin/models/sunsets", { token: await adminToken() })).json<{ models: AdminModel[] }>();
    expect(mine(byDefault.models)).toEqual([in5.id, in10.id]);
  });

  it("leaves out archived models", async () => {
    const model = await createModel();
    await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate: inDays(3) });
    await adminPost(`/admin/models/${model.id}/archive`, { reason: "early" });

    const body = await (await call("/admin/models/sunsets?within=30d", { token: await adminToken() })).json<{ models: AdminModel[] }>();

    expect(body.models.map((entry) => entry.id)).not.toContain(model.id);
  });

  it.each([["within=30x"], ["within=30"], ["within=-1d"], ["within=1.5d"], ["within=367d"], ["within="], ["days=30"]])(
    "refuses ?%s with 400",
    async (query) => {
      const response = await call(`/admin/models/sunsets?${query}`, { token: await adminToken() });
      expect(response.status).toBe(400);
      expect((await response.json<ErrorBody>()).error.code).toBe("invalid_request");
    },
  );
});
