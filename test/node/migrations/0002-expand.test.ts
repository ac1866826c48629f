/** 0002 expand: meta (JSONB) backfilled beside the flat columns, the lifecycle flags, catalog state and the append-only audit table. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { ModelMetaSchema } from "../../../src/domain/model-meta";
import { BASELINE_DEFAULTS, expectedMeta, flatById, LEGACY_ROWS, metaById } from "../fixtures/legacy-catalog";
import { appliedNames, columnsOf, MIGRATIONS, migrationUnderTest, ScratchSchema, schemaShape, tableExists, upTo } from "./support";

/** The legacy row the rollback finds archived. */
const ARCHIVED_ID = "defaults-only";

describe("0002 expand over a legacy catalog", () => {
  const m = migrationUnderTest("0002_expand");
  let meta: Record<string, unknown> = {};
  beforeAll(async () => {
    meta = await metaById(m.db);
  });

  it.each(LEGACY_ROWS)("backfills meta for $id: $why", (row) => {
    expect(meta[row.id]).toStrictEqual(expectedMeta(row));
  });

  it("backfills meta that ModelMetaSchema accepts, for every row", () => {
    for (const row of LEGACY_ROWS) {
      expect({ id: row.id, issues: ModelMetaSchema.safeParse(meta[row.id]).error?.issues }).toEqual({ id: row.id, issues: undefined });
    }
  });

  it("keeps the flat columns untouched for the old code", async () => {
    const flat = await flatById(m.db);
    for (const row of LEGACY_ROWS) expect(flat[row.id]).toEqual({ ...BASELINE_DEFAULTS, ...row.given });
  });

  it("starts every model active (not legacy, not archived) at row version 1", async () => {
    const { rows } = await m.db.query("SELECT id, is_legacy, is_archived, legacy_since, row_version FROM models ORDER BY id");
    expect(rows).toHaveLength(LEGACY_ROWS.length);
    for (const row of rows) expect(row).toEqual({ id: row.id, is_legacy: false, is_archived: false, legacy_since: null, row_version: 1 });
  });

  it("starts the catalog at version 1", async () => {
    const { rows } = await m.db.query("SELECT id, version::int AS version FROM catalog_state");
    expect(rows).toEqual([{ id: 1, version: 1 }]);
  });

  it.each([
    ["idx_models_meta_gin", /USING gin \(meta\)$/],
    ["idx_models_meta_required_tier", /USING btree \(\(\(?meta ->> 'requiredTier'/],
    ["idx_models_meta_capabilities", /USING gin \(\(\(?meta -> 'capabilities'/],
    ["idx_models_is_legacy", /USING btree \(is_legacy\)$/],
    ["idx_models_is_archived", /USING btree \(is_archived\)$/],
  ])("creates the seed's index %s", async (index, definition) => {
    const { rows } = await m.db.query("SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'models' AND indexname = $2", [
      m.db.name,
      index,
    ]);
    expect(rows).toHaveLength(1);
    expect(String(rows[0]?.indexdef)).toMatch(definition);
  });

  it("requires meta, as a JSON object, on new rows", async () => {
    const insert = (meta: string | null) =>
      m.db.query(
        "INSERT INTO models (id, name, provider, display_name, context_length, meta) VALUES ('new', 'new', 'p', 'New', 1, $1::jsonb)",
        [meta],
      );
    await expect(insert(null)).rejects.toThrow(/null value in column "meta"/);
    await expect(insert("[]")).rejects.toThrow(/models_meta_is_object/);
  });

  describe("the audit table", () => {
    beforeAll(async () => {
      await m.db.query(
        "INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, new_value, request_id) VALUES ('admin-1', 'full', 'archive', '{\"isArchived\": true}', 'req-1')",
      );
    });

    it("takes new rows, with the request id", async () => {
      const { rows } = await m.db.query("SELECT admin_user_id, model_id, action, new_value, request_id FROM model_tier_audit_logs");
      expect(rows).toEqual([
        { admin_user_id: "admin-1", model_id: "full", action: "archive", new_value: { isArchived: true }, request_id: "req-1" },
      ]);
    });

    it.each([
      ["UPDATE", "UPDATE model_tier_audit_logs SET reason = 'rewritten'"],
      ["DELETE", "DELETE FROM model_tier_audit_logs"],
      ["TRUNCATE", "TRUNCATE model_tier_audit_logs"],
    ])("refuses %s: it is append-only", async (op, statement) => {
      await expect(m.db.query(statement)).rejects.toThrow(`model_tier_audit_logs is append-only (${op} refused)`);
      const { rows } = await m.db.query("SELECT count(*)::int AS n, count(reason)::int AS with_reason FROM model_tier_audit_logs");
      expect(rows[0]).toEqual({ n: 1, with_reason: 0 });
    });
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      // An archived model, still flagged available: only is_archived kept it out of service.
      await m.db.query(`UPDATE models SET is_archived = true WHERE id = '${ARCHIVED_ID}' AND is_available`);
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe("0002_expand");
    });

    it("removes meta, the lifecycle flags, row versions, catalog state, idempotency keys and the audit trigger", async () => {
      for (const column of ["meta", "is_legacy", "is_archived", "legacy_since", "row_version"]) {
        expect(await columnsOf(m.db, "models")).not.toContain(column);
      }
      expect(await tableExists(m.db, "catalog_state")).toBe(false);
      expect(await tableExists(m.db, "idempotency_keys")).toBe(false);
    });

    it("gives back the baseline schema exactly", async () => {
      expect(await appliedNames(m.db)).toEqual(upTo("0001_baseline"));
      expect(await schemaShape(m.db)).toEqual(m.before);
    });

    it("keeps archived models unavailable: the baseline has no other way to say so", async () => {
      expect((await flatById(m.db))[ARCHIVED_ID]?.is_available).toBe(false);
    });

    it("keeps the flat data and the audit trail", async () => {
      const flat = await flatById(m.db);
      for (const row of LEGACY_ROWS) {
        expect(flat[row.id]).toEqual({ ...BASELINE_DEFAULTS, ...row.given, ...(row.id === ARCHIVED_ID && { is_available: false }) });
      }
      const { rows } = await m.db.query("SELECT count(*)::int AS n FROM model_tier_audit_logs");
      expect(rows[0]?.n).toBe(1);
    });

    it("applies again, to the same schema and the same meta", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: "0002_expand" })).toEqual(["0002_expand"]);
      expect(await schemaShape(m.db)).toEqual(m.after);
      expect(await metaById(m.db)).toStrictEqual(meta);
    });
  });
});

describe("0002 expand over rows the meta schema cannot accept", () => {
  let db: ScratchSchema;
  beforeAll(async () => {
    db = await ScratchSchema.create();
    await migrate(db, MIGRATIONS, { to: "0001_baseline" });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("stops with the offending ids and leaves the baseline untouched", async () => {
    await db.query(
      `INSERT INTO models (id, name, provider, display_name, context_length, max_output_tokens)
       VALUES ('fine', 'fine', 'x', 'Fine', 8192, 4096),
              ('blank-name', 'blank-name', 'x', '   ', 8192, NULL),
              ('too-much-output', 'too-much-output', 'x', 'Big', 4096, 8192)`,
    );
    await expect(migrate(db, MIGRATIONS)).rejects.toThrow(/cannot backfill meta for models: blank-name, too-much-output/);
    expect(await appliedNames(db)).toEqual(["0001_baseline"]);
    expect(await columnsOf(db, "models")).not.toContain("meta");
  });
});
