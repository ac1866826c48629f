/**
 * What the change feed says about a change (spec "Change feed and webhooks"):
 * one event per write, public fields only, nothing for a staff-only change,
 * sunset warnings at the nearest threshold crossed, and the feed cursor.
 */
import { describe, expect, it } from "vitest";
import type { ModelState } from "../../src/catalog/public-model";
import { FEED_START, formatCursor, parseCursor } from "../../src/changes/cursor";
import { changeEventFor, feedEventOf, sunsetApproachingEvent, sunsetWarningDue } from "../../src/changes/events";
import type { LifecycleAction } from "../../src/lifecycle/rules";

const STAFF_SECRETS = ["never-show-this-note", "SOC2-INTERNAL-TAG", "provider-secret-value"];

const model = (overrides: Partial<ModelState> = {}): ModelState => ({
  id: "acme-1",
  name: "acme-1",
  provider: "acme",
  isAvailable: true,
  isLegacy: false,
  isArchived: false,
  legacySince: null,
  meta: {
    displayName: "Acme 1",
    capabilities: ["text"],
    contextLength: 8192,
    inputCostPerMillionTokens: 100,
    outputCostPerMillionTokens: 200,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: ["free", "pro"],
    internalNotes: STAFF_SECRETS[0],
    complianceTags: [STAFF_SECRETS[1] ?? ""],
    providerMetadata: { key: STAFF_SECRETS[2] ?? "" },
  },
  ...overrides,
});

const DAY = 86_400_000;

describe("the event for a lifecycle write", () => {
  it("announces a created model with its public fields, every one of them changed", () => {
    const event = changeEventFor("create", null, model());
    expect(event?.type).toBe("model.created");
    expect(event?.modelId).toBe("acme-1");
    expect(event?.body.model).toMatchObject({ id: "acme-1", display_name: "Acme 1", context_length: 8192 });
    expect(event?.body.changed_fields).toEqual(Object.keys(event?.body.model ?? {}));
  });

  it.each<[LifecycleAction, string]>([
    ["update_meta", "model.updated"],
    ["mark_legacy", "model.deprecated"],
    ["unmark_legacy", "model.undeprecated"],
    ["archive", "model.archived"],
    ["unarchive", "model.unarchived"],
  ])("names %s %s, one event per write", (action, type) => {
    const event = changeEventFor(action, model(), model({ meta: { ...model().meta, displayName: "Renamed" } }));
    expect(event?.type).toBe(type);
  });

  it("lists the public snake_case fields that changed, nested legacy_info as one", () => {
    const before = model();
    const after = model({
      isLegacy: true,
      legacySince: new Date("2026-01-01T00:00:00Z"),
      meta: { ...before.meta, contextLength: 16384, deprecationNotice: "use acme-2" },
    });
    expect(changeEventFor("mark_legacy", before, after)?.body.changed_fields).toEqual(["context_length", "is_legacy", "legacy_info"]);
  });

  it("is null when only staff-only fields changed", () => {
    const before = model();
    const after = model({ meta: { ...before.meta, internalNotes: "new note", complianceTags: ["x"], providerMetadata: { other: 1 } } });
    expect(changeEventFor("update_meta", before, after)).toBeNull();
  });

  it("is null when nothing changed, even if JSONB reordered the keys", () => {
    const before = model();
    const reordered = Object.fromEntries(Object.entries(before.meta).reverse()) as ModelState["meta"];
    expect(changeEventFor("update_meta", before, model({ meta: reordered }))).toBeNull();
  });

  it("never carries a staff-only field or value", () => {
    for (const event of [
      changeEventFor("create", null, model()),
      changeEventFor("update_meta", model(), model({ meta: { ...model().meta, description: "new" } })),
      sunsetApproachingEvent(model({ isLegacy: true, meta: { ...model().meta, sunsetDate: "2027-01-01T00:00:00.000Z" } }), 7),
    ]) {
      const text = JSON.stringify(event);
      for (const secret of [...STAFF_SECRETS, "internal_notes", "internalNotes", "compliance", "provider_metadata", "providerMetadata"]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it("has a null model once the model is archived", () => {
    const event = changeEventFor("archive", model(), model({ isArchived: true }));
    expect(event?.body).toEqual({ model: null, changed_fields: ["is_archived"] });
  });
});

describe("sunset warnings", () => {
  const now = new Date("2026-06-01T00:00:00Z");
  const at = (days: number) => new Date(now.getTime() + days * DAY);

  it.each([
    [45, undefined],
    [30.5, undefined],
    [30, 30],
    [20, 30],
    [7.5, 30],
    [7, 7],
    [5, 7],
    [1, 1],
    [0.2, 1],
    [0, undefined],
    [-1, undefined],
  ])("a sunset %s days ahead is due the %s-day warning (the nearest threshold crossed)", (days, expected) => {
    expect(sunsetWarningDue(at(days), now)).toBe(expected);
  });

  it("carries days_before and the public model", () => {
    const event = sunsetApproachingEvent(model({ isLegacy: true }), 30);
    expect(event).toMatchObject({ type: "model.sunset_approaching", body: { days_before: 30, changed_fields: [] } });
    expect(event.body.model?.is_legacy).toBe(true);
  });
});

describe("the feed event", () => {
  it("is the stored event in the spec's shape", () => {
    const occurredAt = new Date("2026-06-01T12:00:00Z");
    const stored = changeEventFor("create", null, model());
    if (!stored) throw new Error("no event");
    expect(feedEventOf({ id: "evt_1", type: stored.type, modelId: stored.modelId, occurredAt, body: stored.body })).toEqual({
      id: "evt_1",
      type: "model.created",
      model_id: "acme-1",
      occurred_at: "2026-06-01T12:00:00.000Z",
      model: stored.body.model,
      changed_fields: stored.body.changed_fields,
    });
  });
});

describe("the feed cursor", () => {
  it("round-trips a position", () => {
    expect(parseCursor(formatCursor({ catalogVersion: 42, seq: 3 }))).toEqual({ catalogVersion: 42, seq: 3 });
    expect(formatCursor(FEED_START)).toBe("0.0");
  });

  it.each(["", "abc", "1", "1.", ".1", "-1.0", "1.-1", "1.0.0", "1e3.0", " 1.0", "1.0 ", "9999999999999999.0", "0x10.0"])(
    "refuses %j",
    (cursor) => {
      expect(parseCursor(cursor)).toBeUndefined();
    },
  );
});
