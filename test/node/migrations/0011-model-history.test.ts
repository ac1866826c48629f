/**
 * 0011 model history: the public-history projection, backfilled from the audit
 * trail so that every model's versions are those the audit replay
 * (catalog/history.ts versionsOf) gives, 0002's backfilled models starting at
 * their creation.
 */
import { describe, expect, it } from "vitest";
import type { ModelRow } from "../../../drizzle/schema";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { type TrailEntry, versionFromHistory, versionsOf } from "../../../src/catalog/history";
import { toPublicModel } from "../../../src/catalog/public-model";
import { asCatalogApp, MIGRATIONS, migrationUnderTest, type ScratchSchema, schemaShape, tableExists } from "./support";

const audit = (model: string, action: string, previous: object | null, at: string, effectiveAt: string | null = null) =>
  `INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, previous_value, new_value, reason, request_id, created_at, effective_at)
   VALUES ('alice', '${model}', '${action}', ${previous ? `'${JSON.stringify(previous)}'` : "NULL"}, '{}', NULL, 'req-${model}-${at}', '${at}', ${
     effectiveAt ? `'${effectiveAt}'` : "NULL"
   })`;

/** A model created on 1 Jan with a price change, a staff-only note, a scheduled deprecation and a re-listing. */
async function seedTrail(db: ScratchSchema) {
  await db.query(
    `INSERT INTO models (id, name, provider, meta, row_version, is_legacy, legacy_since, created_at)
     SELECT 'hist-a', name, provider, meta || '{"inputCostPerMillionTokens": 300, "internalNotes": "staff"}', 6, true, '2026-05-01T00:00:00Z', '2026-01-01T00:00:00Z'
     FROM models ORDER BY id LIMIT 1`,
  );
  for (const statement of [
    audit("hist-a", "create", null, "2026-01-01T00:00:00Z"),
    audit("hist-a", "update_meta", { meta: { inputCostPerMillionTokens: 100 } }, "2026-02-01T00:00:00Z"),
    audit("hist-a", "update_meta", { meta: { internalNotes: null } }, "2026-02-10T00:00:00Z"),
    audit("hist-a", "mark_legacy", { isLegacy: false }, "2026-03-01T00:00:30Z", "2026-03-01T00:00:00Z"),
    audit("hist-a", "unmark_legacy", { isLegacy: true }, "2026-04-01T00:00:00Z"),
    audit("hist-a", "mark_legacy", { isLegacy: false }, "2026-05-01T00:00:00Z"),
    // Scheduling rows change nothing of the model: not versions.
    audit("hist-a", "schedule_change", null, "2026-05-02T00:00:00Z"),
  ]) {
    await db.query(statement);
  }
}

/** The driver gives timestamptz as a Date (String() of it would drop the milliseconds). */
const dateOf = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));

const modelRow = (row: Record<string, unknown>) =>
  ({
    id: row.id,
    name: row.name,
    provider: row.provider,
    isAvailable: row.is_available,
    isLegacy: row.is_legacy,
    isArchived: row.is_archived,
    meta: row.meta,
    legacySince: row.legacy_since === null ? null : dateOf(row.legacy_since),
    rowVersion: row.row_version,
    createdAt: dateOf(row.created_at),
    updatedAt: dateOf(row.updated_at),
  }) as ModelRow;

/** Each version as the public sees it: what the projection and the replay must agree on. */
const seen = (versions: ReturnType<typeof versionsOf>) =>
  versions.map((v) => ({ version: v.version, at: v.at.toISOString(), action: v.action, entry: toPublicModel(v.state) }));

async function replayed(db: ScratchSchema, id: string) {
  const [model] = (await db.query("SELECT * FROM models WHERE id = $1", [id])).rows;
  const { rows } = await db.query(
    `SELECT action, previous_value, new_value, created_at, effective_at FROM model_tier_audit_logs
     WHERE model_id = $1 AND request_id IS NOT NULL
       AND action IN ('create', 'update_meta', 'mark_legacy', 'unmark_legacy', 'archive', 'unarchive') ORDER BY id`,
    [id],
  );
  const trail: TrailEntry[] = rows.map((row) => ({
    action: String(row.action),
    previous: row.previous_value,
    next: row.new_value,
    recordedAt: dateOf(row.created_at),
    effectiveAt: row.effective_at === null ? null : dateOf(row.effective_at),
  }));
  return seen(versionsOf(modelRow(model as Record<string, unknown>), trail));
}

async function projected(db: ScratchSchema, id: string) {
  const { rows } = await db.query(
    "SELECT version, effective_at, action, state FROM model_history WHERE model_id = $1 ORDER BY version, id",
    [id],
  );
  return seen(
    rows.map((row) =>
      versionFromHistory({
        version: Number(row.version),
        effectiveAt: dateOf(row.effective_at),
        action: String(row.action),
        state: row.state as Record<string, unknown>,
      }),
    ),
  );
}

describe("0011 model history", () => {
  const m = migrationUnderTest("0011_model_history", { beforeApply: seedTrail });

  it("backfills every model's versions as the audit replay rebuilds them", async () => {
    expect(await tableExists(m.db, "model_history")).toBe(true);
    const { rows } = await m.db.query("SELECT id FROM models ORDER BY id");
    expect(rows.length).toBeGreaterThan(1);
    for (const { id } of rows) expect(await projected(m.db, String(id)), String(id)).toEqual(await replayed(m.db, String(id)));
  });

  it("dates a scheduled change at its effective_at and each legacy spell from its start", async () => {
    const versions = await projected(m.db, "hist-a");
    expect(versions.map(({ version, action, at }) => [version, action, at])).toEqual([
      [1, "create", "2026-01-01T00:00:00.000Z"],
      [2, "update_meta", "2026-02-01T00:00:00.000Z"],
      [3, "update_meta", "2026-02-10T00:00:00.000Z"],
      [4, "mark_legacy", "2026-03-01T00:00:00.000Z"],
      [5, "unmark_legacy", "2026-04-01T00:00:00.000Z"],
      [6, "mark_legacy", "2026-05-01T00:00:00.000Z"],
    ]);
    expect(versions.map((v) => v.entry.input_cost_per_million_tokens)).toEqual([100, 300, 300, 300, 300, 300]);
    expect(versions[3]?.entry.legacy_info?.deprecated_at).toBe("2026-03-01T00:00:00.000Z");
    expect(versions[4]?.entry.legacy_info).toBeUndefined();
    expect(versions[5]?.entry.legacy_info?.deprecated_at).toBe("2026-05-01T00:00:00.000Z");
  });

  it("starts a model without a replayable trail (0002's backfill) at its creation, with its state now", async () => {
    const { rows } = await m.db.query(
      "SELECT m.id, m.created_at FROM models m WHERE NOT EXISTS (SELECT 1 FROM model_tier_audit_logs a WHERE a.model_id = m.id AND a.request_id IS NOT NULL) LIMIT 1",
    );
    const legacy = rows[0] as { id: string; created_at: string };
    const versions = await projected(m.db, legacy.id);
    expect(versions.map(({ action, at }) => [action, at])).toEqual([["create", dateOf(legacy.created_at).toISOString()]]);
  });

  it("lets the application role append and read history, never rewrite it", async () => {
    const insert =
      "INSERT INTO model_history (model_id, version, effective_at, catalog_version, action, state) VALUES ('hist-a', 7, now(), 9, 'archive', '{}')";
    expect((await asCatalogApp(m.db, [insert, "SELECT count(*)::int AS n FROM model_history"])).rows[0]?.n).toBeGreaterThan(0);
    await expect(asCatalogApp(m.db, ["UPDATE model_history SET version = 0"])).rejects.toThrow(/permission denied for table model_history/);
    await expect(asCatalogApp(m.db, ["DELETE FROM model_history"])).rejects.toThrow(/permission denied for table model_history/);
  });

  describe("its rollback", () => {
    it("drops the table and restores the schema, and re-applies to the same schema", async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe("0011_model_history");
      expect(await tableExists(m.db, "model_history")).toBe(false);
      expect(await schemaShape(m.db)).toEqual(m.before);
      expect(await migrate(m.db, MIGRATIONS, { to: "0011_model_history" })).toEqual(["0011_model_history"]);
      expect(await schemaShape(m.db)).toEqual(m.after);
    });
  });
});
