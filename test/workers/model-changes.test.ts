/**
 * GET /v1/models/changes (spec "Change feed and webhooks"): the catalog's
 * public changes in commit order, one event per change, public fields only,
 * paged by a cursor that never skips an event; and the cron's sunset
 * warnings, once per model and threshold.
 */

import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ChangeOutbox } from "../../src/changes/outbox";
import { announceApproachingSunsets } from "../../src/scheduled/sunset-warnings";
import { adminPost, adminToken, call, type ErrorBody, runCron } from "./support/client";
import { type FeedEvent, feedEnd, feedPage, feedSince } from "./support/feed";
import { createModel, inDays, sampleMeta, uniqueId } from "./support/fixtures";
import { directDatabase } from "./support/reliability";

const DAY = 86_400_000;
const STAFF_VALUES = ["staff-note-7c1e", "TAG-INTERNAL-9d2f", "provider-secret-5b8a"];
const STAFF_KEYS = ["internalNotes", "internal_notes", "complianceTags", "compliance_tags", "providerMetadata", "provider_metadata"];

const eventsOf = (events: FeedEvent[], modelId: string) => events.filter((event) => event.model_id === modelId);

describe("GET /v1/models/changes", () => {
  let start: string;
  beforeAll(async () => {
    start = await feedEnd();
  });

  it("answers without a token: events in the spec's shape and a next_cursor", async () => {
    const model = await createModel({ meta: { displayName: "Feed Shape" } });
    const { events } = await feedSince(start);
    const [created] = eventsOf(events, model.id);
    expect(created).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      type: "model.created",
      model_id: model.id,
      occurred_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      model: expect.objectContaining({ id: model.id, display_name: "Feed Shape", is_legacy: false, is_archived: false }),
      changed_fields: expect.arrayContaining(["id", "display_name", "context_length"]),
    });
    const response = await call(`/v1/models/changes?after=${start}&limit=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const page = await response.json<{ events: FeedEvent[]; next_cursor: string }>();
    expect(page.events).toHaveLength(1);
    expect(page.next_cursor).toMatch(/^\d+\.\d+$/);
  });

  it("tells one event per change, in the order the changes were made", async () => {
    const model = await createModel();
    const replacement = await createModel();
    await call(`/admin/models/${model.id}/meta`, { method: "PATCH", token: await adminToken(), json: { contextLength: 65536 } });
    await adminPost(`/admin/models/${model.id}/mark-legacy`, {
      replacementModelId: replacement.id,
      deprecationNotice: "moving on",
      sunsetDate: inDays(90),
    });
    await adminPost(`/admin/models/${model.id}/unmark-legacy`);
    await adminPost(`/admin/models/${model.id}/archive`, { reason: "feed test" });
    await adminPost(`/admin/models/${model.id}/unarchive`);

    const mine = eventsOf((await feedSince(start)).events, model.id);
    expect(mine.map((event) => event.type)).toEqual([
      "model.created",
      "model.updated",
      "model.deprecated",
      "model.undeprecated",
      "model.archived",
      "model.unarchived",
    ]);
    expect(mine.map((event) => event.changed_fields)).toEqual([
      expect.any(Array),
      ["context_length"],
      ["is_legacy", "legacy_info"],
      ["is_legacy", "legacy_info"],
      ["is_archived"],
      ["is_archived"],
    ]);
    expect(mine[2]?.model).toMatchObject({ legacy_info: { replacement_model_id: replacement.id, deprecation_notice: "moving on" } });
    expect(mine[4]?.model).toBeNull();
    expect(mine[5]?.model).toMatchObject({ id: model.id, is_archived: false });
  });

  it("never shows a staff-only field, and a change to staff-only fields alone is no event", async () => {
    const model = await createModel({
      meta: { internalNotes: STAFF_VALUES[0], complianceTags: [STAFF_VALUES[1] ?? ""], providerMetadata: { key: STAFF_VALUES[2] ?? "" } },
    });
    const token = await adminToken();
    const staffOnly = await call(`/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token,
      json: { internalNotes: "another staff note", complianceTags: ["other"], providerMetadata: { region: "eu" } },
    });
    expect(staffOnly.status).toBe(200);
    await call(`/admin/models/${model.id}/meta`, { method: "PATCH", token, json: { description: "public words" } });

    const { events } = await feedSince(start);
    const mine = eventsOf(events, model.id);
    expect(mine.map((event) => event.type)).toEqual(["model.created", "model.updated"]);
    expect(mine[1]?.changed_fields).toEqual(["description"]);
    const text = JSON.stringify(events);
    for (const secret of [...STAFF_VALUES, ...STAFF_KEYS, "another staff note"]) expect(text).not.toContain(secret);
  });

  it("pages the whole history without gaps or duplicates, whatever the page size", async () => {
    for (let i = 0; i < 3; i++) await createModel();
    const whole = (await feedSince(start)).events.map((event) => event.id);
    const paged: string[] = [];
    let cursor = start;
    for (let page = await feedPage(cursor, 2); page.events.length; page = await feedPage(cursor, 2)) {
      paged.push(...page.events.map((event) => event.id));
      cursor = page.next_cursor;
      if (paged.length >= whole.length) break;
    }
    expect(paged.slice(0, whole.length)).toEqual(whole);
    expect(new Set(whole).size).toBe(whole.length);
  });

  it("starts at the beginning without `after`", async () => {
    const first = await feedPage(undefined, 1);
    const again = await feedPage("0.0", 1);
    expect(first.events[0]?.id).toBeDefined();
    expect(again).toEqual(first);
  });

  it("gives back the cursor it was sent on an empty page", async () => {
    const end = await feedEnd();
    const [major = "0"] = end.split(".");
    const beyond = `${Number(major) + 1_000_000}.0`;
    expect(await feedPage(beyond)).toEqual({ events: [], next_cursor: beyond });
  });

  it("marks a full page cacheable for good, a partial one briefly", async () => {
    await createModel();
    const full = await call(`/v1/models/changes?after=${start}&limit=1`);
    expect(full.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    const partial = await call(`/v1/models/changes?after=${await feedEnd()}`);
    expect(partial.headers.get("Cache-Control")).toBe("public, max-age=5");
  });

  it.each([
    ["after=abc"],
    ["after="],
    ["after=1"],
    ["after=-1.0"],
    ["after=1.2.3"],
    ["limit=0"],
    ["limit=501"],
    ["limit=ten"],
    ["limit=1.5"],
    ["cursor=1.0"],
  ])("refuses ?%s with 400", async (query) => {
    const response = await call(`/v1/models/changes?${query}`);
    expect(response.status).toBe(400);
    const body = await response.json<ErrorBody>();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details).toBeDefined();
  });

  it("is not mistaken for a model, and no model can be called `changes`", async () => {
    const created = await call("/admin/models", {
      token: await adminToken(),
      json: { id: "changes", name: "changes", provider: "p", meta: sampleMeta() },
    });
    expect(created.status).toBe(400);
  });
});

describe("the change feed under concurrent writes", () => {
  it("a reader paging while writes commit out of order sees every event once, in commit order", async () => {
    const start = await feedEnd();
    const models = await Promise.all(Array.from({ length: 4 }, () => createModel()));
    const token = await adminToken();
    let writing = true;
    const writes = Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        call(`/admin/models/${models[i % models.length]?.id}/meta`, { method: "PATCH", token, json: { description: `write ${i}` } }),
      ),
    ).finally(() => {
      writing = false;
    });

    // The reader follows the feed in small pages while the writes overlap, as an integrator's poller would.
    const seen: string[] = [];
    let cursor = start;
    for (let caughtUpAfterWrites = false; !caughtUpAfterWrites; ) {
      const done = !writing;
      const page = await feedPage(cursor, 3);
      seen.push(...page.events.map((event) => event.id));
      cursor = page.next_cursor;
      if (page.events.length === 0) {
        caughtUpAfterWrites = done;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const statuses = (await writes).map((response) => response.status);
    expect(statuses.every((status) => status === 200)).toBe(true);

    const all = (await feedSince(start)).events.map((event) => event.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all.slice(0, seen.length));
    const mine = (await feedSince(start)).events.filter((event) => models.some((model) => model.id === event.model_id));
    expect(mine.filter((event) => event.type === "model.updated")).toHaveLength(24);
    for (const event of mine) expect(seen).toContain(event.id);
  });
});

describe("model.sunset_approaching", () => {
  it("a model marked legacy 20 days before its sunset gets one 30-day warning, however often the cron runs", async () => {
    const start = await feedEnd();
    const model = await createModel();
    await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate: inDays(20) });

    await runCron(Date.now());
    await Promise.all([runCron(Date.now()), runCron(Date.now())]);
    await runCron(Date.now() + 15 * 60_000);

    const warnings = eventsOf((await feedSince(start)).events, model.id).filter((event) => event.type === "model.sunset_approaching");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ days_before: 30, changed_fields: [], model: { id: model.id, is_legacy: true } });
  });

  it("warns at 30, 7 and 1 days, each once, and only the nearest threshold crossed", async () => {
    const start = await feedEnd();
    const [a, b] = [await createModel(), await createModel()];
    const sunset = Date.now() + 40 * DAY;
    for (const model of [a, b]) await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate: new Date(sunset).toISOString() });
    const database = directDatabase();
    try {
      // Runs at simulated times (only warnings: archiving at a future time would touch other files' models).
      // An outbox that never sends: the events stay for the feed, as a run's before its sweep.
      const outbox = new ChangeOutbox(
        () => database.db,
        env.WEBHOOK_QUEUE,
        () => {},
        "flush",
      );
      const warnAt = (daysBefore: number) => announceApproachingSunsets(database.db, outbox, new Date(sunset - daysBefore * DAY));
      await warnAt(35);
      await warnAt(29);
      await warnAt(25);
      await warnAt(6.5);
      await warnAt(6);
      await warnAt(0.5);
      await warnAt(0.25);
    } finally {
      await database.close();
    }
    const warnings = (await feedSince(start)).events.filter((event) => event.type === "model.sunset_approaching");
    for (const model of [a, b]) expect(eventsOf(warnings, model.id).map((event) => event.days_before)).toEqual([30, 7, 1]);
  });

  it("a model first seen 5 days before its sunset gets the 7-day warning only", async () => {
    const start = await feedEnd();
    const model = await createModel();
    await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate: inDays(5) });
    await runCron(Date.now());
    const warnings = eventsOf((await feedSince(start)).events, model.id).filter((event) => event.type === "model.sunset_approaching");
    expect(warnings.map((event) => event.days_before)).toEqual([7]);
  });

  it("the cron's archive at sunset is a model.archived event", async () => {
    const start = await feedEnd();
    const model = await createModel();
    await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate: new Date(Date.now() + 1500).toISOString() });
    await runCron(Date.now() + 60_000);
    const mine = eventsOf((await feedSince(start)).events, model.id);
    expect(mine.at(-1)).toMatchObject({ type: "model.archived", model: null, changed_fields: ["is_archived"] });
    expect(mine.filter((event) => event.type === "model.archived")).toHaveLength(1);
  });
});

describe("model ids", () => {
  it("still serve /v1/models/:id next to the feed", async () => {
    const model = await createModel({ id: uniqueId("chg") });
    expect((await call(`/v1/models/${model.id}`)).status).toBe(200);
  });
});
