/**
 * The admin usage routes (spec Part 3 "Who still calls a model"): a model's
 * usage over 24 h, 7 d or 30 d, every caller (JSON or CSV), and the legacy
 * models by callers (JSON or CSV). A caller id is data: a comma, a quote, a
 * line break or a formula survives the CSV.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { adminPost, adminToken, call, expectError } from "./support/client";
import { createModel, farSunset, uniqueId, uniqueProvider } from "./support/fixtures";
import { DAY, HOUR, hourOf, seedUsage as seed } from "./support/usage";

const get = async (path: string) => call(path, { token: await adminToken() });

/** RFC 4180, as a spreadsheet or a CSV library reads it: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      record.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += char;
  }
  expect(field, "the document ends with CRLF").toBe("");
  return records;
}

const HOSTILE_CALLERS = ["bob, the builder", 'say "hi"', "line\nbreak", "cr\rhere", '=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"];
/** What a spreadsheet shows: formula-looking ids keep a leading apostrophe, so they open as text. */
const asShown = (caller: string) => (/^[=+\-@\t\r]/.test(caller) ? `'${caller}` : caller);

describe("GET /admin/models/:id/usage", () => {
  let id: string;
  beforeAll(async () => {
    ({ id } = await createModel({ provider: uniqueProvider("usage") }));
    await seed(id, [
      { caller: "alice", ago: 0, calls: 5 },
      { caller: "alice", ago: 0, calls: 1, outcome: "refused" },
      { caller: "bob", ago: 2 * HOUR, calls: 3 },
      { caller: "carol", ago: 3 * DAY, calls: 20 },
      { caller: "dave", ago: 10 * DAY, calls: 50 },
      { caller: "erin", ago: 31 * DAY, calls: 1000 },
    ]);
  });

  it("answers the last 24 h: calls, refusals, callers, top callers and every hour", async () => {
    const response = await get(`/admin/models/${id}/usage?window=24h`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const usage = await response.json<{ by_hour: { hour: string; calls: number }[]; top_callers: unknown[] }>();
    expect(usage).toMatchObject({ model_id: id, window: "24h", calls: 9, refused: 1, callers: 2 });
    expect(usage.top_callers).toEqual([
      { caller: "alice", calls: 6, last_seen: expect.any(String) },
      { caller: "bob", calls: 3, last_seen: expect.any(String) },
    ]);
    expect(usage.by_hour).toHaveLength(24);
    expect(usage.by_hour.at(-1)).toEqual({ hour: hourOf(Date.now()), calls: 6 });
    expect(usage.by_hour.at(-3)).toEqual({ hour: hourOf(Date.now() - 2 * HOUR), calls: 3 });
    expect(usage.by_hour.reduce((sum, hour) => sum + hour.calls, 0)).toBe(9);
  });

  it.each([
    ["7d", 29, 3, 168],
    ["30d", 79, 4, 720],
  ])("answers %s: the calls inside it only", async (window, calls, callers, hours) => {
    const usage = await (await get(`/admin/models/${id}/usage?window=${window}`)).json<{
      calls: number;
      callers: number;
      by_hour: unknown[];
    }>();
    expect(usage).toMatchObject({ window, calls, callers });
    expect(usage.by_hour).toHaveLength(hours);
  });

  it("reads 7 days when no window is given", async () => {
    expect(await (await get(`/admin/models/${id}/usage`)).json()).toMatchObject({ window: "7d", calls: 29 });
  });

  it("lists at most 10 top callers, most calls first", async () => {
    const { id: busy } = await createModel({ provider: uniqueProvider("usage") });
    await seed(
      busy,
      Array.from({ length: 12 }, (_, i) => ({ caller: `caller-${String(i).padStart(2, "0")}`, ago: 0, calls: i + 1 })),
    );
    const usage = await (await get(`/admin/models/${busy}/usage`)).json<{ callers: number; top_callers: { caller: string }[] }>();
    expect(usage.callers).toBe(12);
    expect(usage.top_callers.map((top) => top.caller)).toEqual(
      Array.from({ length: 10 }, (_, i) => `caller-${String(11 - i).padStart(2, "0")}`),
    );
  });

  it("answers zeros for a model nobody called", async () => {
    const { id: quiet } = await createModel({ provider: uniqueProvider("usage") });
    expect(await (await get(`/admin/models/${quiet}/usage?window=24h`)).json()).toMatchObject({
      calls: 0,
      refused: 0,
      callers: 0,
      top_callers: [],
    });
  });

  it.each(["1y", "24H", "", "7"])("refuses window=%s with 400", async (window) => {
    const body = await expectError(await get(`/admin/models/${id}/usage?window=${window}`), 400, "invalid_request");
    expect(JSON.stringify(body.error.details)).toContain("window");
  });

  it("answers 404 for an unknown model", async () => {
    await expectError(await get(`/admin/models/${uniqueId("missing")}/usage`), 404, "not_found");
    await expectError(await get(`/admin/models/${uniqueId("missing")}/usage/callers`), 404, "not_found");
  });
});

describe("GET /admin/models/:id/usage/callers", () => {
  let id: string;
  beforeAll(async () => {
    ({ id } = await createModel({ provider: uniqueProvider("usage") }));
    await seed(id, [
      ...HOSTILE_CALLERS.map((caller, i) => ({ caller, ago: HOUR, calls: 100 - i })),
      ...Array.from({ length: 12 }, (_, i) => ({ caller: `plain-${i}`, ago: 0, calls: 1 })),
      { caller: "plain-0", ago: 0, calls: 2, outcome: "refused" as const },
    ]);
  });

  it("lists every caller, most calls first, with refusals and last_seen", async () => {
    const body = await (await get(`/admin/models/${id}/usage/callers?window=24h`)).json<{
      callers: { caller: string; calls: number; refused: number; last_seen: string }[];
    }>();
    expect(body.callers).toHaveLength(HOSTILE_CALLERS.length + 12);
    expect(body.callers.map((caller) => caller.caller).slice(0, HOSTILE_CALLERS.length)).toEqual(HOSTILE_CALLERS);
    expect(body.callers.find((caller) => caller.caller === "plain-0")).toMatchObject({ calls: 3, refused: 2 });
  });

  it("answers the same as RFC 4180 CSV: every caller id survives, and none runs as a formula", async () => {
    const response = await get(`/admin/models/${id}/usage/callers?window=24h&format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="usage-${id}-24h.csv"`);
    const json = await (await get(`/admin/models/${id}/usage/callers?window=24h`)).json<{
      callers: { caller: string; calls: number; refused: number; last_seen: string }[];
    }>();
    const records = parseCsv(await response.text());
    expect(records[0]).toEqual(["caller", "calls", "refused", "last_seen"]);
    expect(records.slice(1)).toEqual(
      json.callers.map((caller) => [asShown(caller.caller), String(caller.calls), String(caller.refused), caller.last_seen]),
    );
    // A cell a spreadsheet would evaluate starts with one of = + - @: none does.
    for (const [caller] of records.slice(1)) expect(caller).not.toMatch(/^[=+\-@]/);
  });

  it.each(["xml", "CSV"])("refuses format=%s with 400", async (format) => {
    await expectError(await get(`/admin/models/${id}/usage/callers?format=${format}`), 400, "invalid_request");
  });
});

describe("GET /admin/usage/legacy", () => {
  let models: { quiet: string; busy: string; busier: string; archived: string; active: string; successor: string };
  beforeAll(async () => {
    const provider = uniqueProvider("usage");
    const make = async () => (await createModel({ provider })).id;
    const successor = await make();
    models = { quiet: await make(), busy: await make(), busier: await make(), archived: await make(), active: await make(), successor };
    for (const name of ["quiet", "busy", "busier", "archived"] as const) {
      const response = await adminPost(`/admin/models/${models[name]}/mark-legacy`, {
        replacementModelId: successor,
        sunsetDate: farSunset(),
      });
      expect(response.status).toBe(200);
    }
    await adminPost(`/admin/models/${models.archived}/archive`, { reason: "gone" });
    // busy: 1 caller with many calls; busier: 3 callers with fewer; the report ranks by callers.
    await seed(models.busy, [{ caller: "one", ago: HOUR, calls: 500 }]);
    await seed(models.busier, [
      { caller: "a", ago: HOUR, calls: 1 },
      { caller: "b", ago: 2 * DAY, calls: 1 },
      { caller: "c, with a comma", ago: 3 * DAY, calls: 1 },
      { caller: "too old for 7d", ago: 8 * DAY, calls: 1 },
    ]);
    await seed(models.archived, [{ caller: "x", ago: HOUR, calls: 1 }]);
    await seed(models.active, [{ caller: "x", ago: HOUR, calls: 1 }]);
  });

  type LegacyRow = { model_id: string; sunset_date: string | null; recommended_model_id: string | null; calls: number; callers: number };
  const mine = (rows: LegacyRow[]) => rows.filter((row) => Object.values(models).includes(row.model_id));

  it("lists every live legacy model, most callers first, with its sunset and successor", async () => {
    const body = await (await get("/admin/usage/legacy")).json<{ window: string; models: LegacyRow[] }>();
    expect(body.window).toBe("7d");
    const rows = mine(body.models);
    expect(rows.map((row) => row.model_id)).toEqual([models.busier, models.busy, models.quiet]);
    expect(rows[0]).toEqual({
      model_id: models.busier,
      sunset_date: expect.any(String),
      recommended_model_id: models.successor,
      calls: 3,
      callers: 3,
    });
    expect(rows[1]).toMatchObject({ calls: 500, callers: 1 });
    expect(rows[2]).toMatchObject({ calls: 0, callers: 0 });
    // Sorted as a whole, not only this test's rows.
    const callers = body.models.map((row) => row.callers);
    expect(callers).toEqual([...callers].sort((a, b) => b - a));
  });

  it("widens to 30 days on request", async () => {
    const rows = mine((await (await get("/admin/usage/legacy?window=30d")).json<{ models: LegacyRow[] }>()).models);
    expect(rows[0]).toMatchObject({ model_id: models.busier, callers: 4 });
  });

  it("gives the same rows as CSV", async () => {
    const json = (await (await get("/admin/usage/legacy")).json<{ models: LegacyRow[] }>()).models;
    const response = await get("/admin/usage/legacy?format=csv");
    expect(response.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const records = parseCsv(await response.text());
    expect(records[0]).toEqual(["model_id", "sunset_date", "recommended_model_id", "calls", "callers"]);
    expect(records.slice(1)).toEqual(
      json.map((row) => [row.model_id, row.sunset_date ?? "", row.recommended_model_id ?? "", String(row.calls), String(row.callers)]),
    );
  });

  it("refuses an unknown window with 400", async () => {
    await expectError(await get("/admin/usage/legacy?window=90d"), 400, "invalid_request");
  });
});
