/**
 * A model's history rebuilt from its audit trail (catalog/history.ts) and
 * its pending changes as clients see them (catalog/upcoming.ts): pure.
 */
import { describe, expect, it } from "vitest";
import type { ModelRow } from "../../drizzle/schema";
import { publicHistory, type TrailEntry, versionAt, versionsOf } from "../../src/catalog/history";
import { upcomingChangesOf } from "../../src/catalog/upcoming";
import type { ModelMeta } from "../../src/domain/model-meta";

const META: ModelMeta = {
  displayName: "Legacy One",
  capabilities: ["text"],
  contextLength: 4096,
  inputCostPerMillionTokens: 500,
  outputCostPerMillionTokens: 1500,
  creditsPer1kTokens: 3,
  requiredTier: "free",
  tierRestrictionMode: "minimum",
  allowedTiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
};

const CREATED = new Date("2024-01-01T00:00:00Z");
const row = (overrides: Partial<ModelRow>): ModelRow => ({
  id: "legacy-1",
  name: "legacy-1",
  provider: "acme",
  isAvailable: true,
  isLegacy: false,
  isArchived: false,
  legacySince: null,
  meta: META,
  rowVersion: 1,
  createdAt: CREATED,
  updatedAt: CREATED,
  ...overrides,
});
const at = (iso: string) => new Date(iso);

describe("a model's versions from its audit trail", () => {
  // As 0002 left a model it backfilled: no create row, row version 1 at the backfill; two changes since.
  const model = row({ rowVersion: 3, isArchived: true, meta: { ...META, inputCostPerMillionTokens: 700 } });
  const trail: TrailEntry[] = [
    {
      action: "update_meta",
      previous: { meta: { inputCostPerMillionTokens: 500 } },
      next: { meta: { inputCostPerMillionTokens: 700 } },
      recordedAt: at("2026-03-01T00:00:05Z"),
      effectiveAt: at("2026-03-01T00:00:00Z"),
    },
    {
      action: "archive",
      previous: { isArchived: false },
      next: { isArchived: true },
      recordedAt: at("2026-06-01T00:00:00Z"),
      effectiveAt: null,
    },
  ];
  const versions = versionsOf(model, trail);

  it("starts a backfilled model's history at its creation, with the state its changes undo to", () => {
    expect(versions.map(({ version, at, action }) => [version, at.toISOString(), action])).toEqual([
      [1, CREATED.toISOString(), "create"],
      [2, "2026-03-01T00:00:00.000Z", "update_meta"],
      [3, "2026-06-01T00:00:00.000Z", "archive"],
    ]);
    expect(versions[0]?.state).toMatchObject({ isArchived: false, meta: { inputCostPerMillionTokens: 500 } });
  });

  it("dates a scheduled change at its effective instant, not when it was recorded", () => {
    expect(versionAt(versions, at("2026-03-01T00:00:01Z"))?.state.meta.inputCostPerMillionTokens).toBe(700);
    expect(versionAt(versions, at("2026-02-28T23:59:59Z"))?.state.meta.inputCostPerMillionTokens).toBe(500);
    expect(versionAt(versions, at("2023-12-31T00:00:00Z"))).toBeUndefined();
  });

  it("lists public changes only, the creation with every public field", () => {
    const entries = publicHistory(versions);
    expect(entries[0]?.changes.display_name).toEqual({ from: null, to: "Legacy One" });
    expect(entries.slice(1).map((entry) => entry.changes)).toEqual([
      { input_cost_per_million_tokens: { from: 500, to: 700 } },
      { is_archived: { from: false, to: true } },
    ]);
  });

  it("drops a change of staff-only fields alone", () => {
    const staffOnly: TrailEntry = {
      action: "update_meta",
      previous: { meta: { internalNotes: null } },
      next: { meta: { internalNotes: "x" } },
      recordedAt: at("2026-07-01T00:00:00Z"),
      effectiveAt: null,
    };
    const noted = row({ rowVersion: 2, meta: { ...META, internalNotes: "x" } });
    expect(publicHistory(versionsOf(noted, [staffOnly])).map((entry) => entry.action)).toEqual(["create"]);
  });
});

describe("upcoming changes of a model", () => {
  const soon = at("2027-01-01T00:00:00Z");
  it("shows nothing for a pending change to staff-only fields alone", () => {
    expect(
      upcomingChangesOf(row({}), [{ id: "sc_1", action: "update_meta", body: { internalNotes: "renegotiate" }, effectiveAt: soon }]),
    ).toEqual([]);
  });

  it("skips a change that will not be legal then (it will fail) and chains the others", () => {
    const pending = [
      { id: "sc_1", action: "unarchive" as const, body: {}, effectiveAt: soon },
      { id: "sc_2", action: "archive" as const, body: { reason: "r" }, effectiveAt: at("2027-02-01T00:00:00Z") },
    ];
    expect(upcomingChangesOf(row({}), pending)).toEqual([
      { effective_at: "2027-02-01T00:00:00.000Z", action: "archive", changes: { is_archived: { from: false, to: true } } },
    ]);
  });
});
