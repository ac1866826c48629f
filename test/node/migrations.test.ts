/**
 * The migrations (spec "Data"; issue 2 item 4) and their runner, run for real
 * in a schema of their own inside the shared test database.
 */
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Migration, MigrationError, migrate, readMigrations, rollbackLatest } from "../../scripts/lib/migrations";
import { ModelMetaSchema, TIER_LADDER } from "../../src/domain/model-meta";
import {
  appliedNames,
  BASELINE_DEFAULTS,
  columnsOf,
  expectedFlat,
  expectedMeta,
  flatById,
  insertLegacyRow,
  LEGACY_ROWS,
  metaById,
  ScratchSchema,
  schemaShape,
  tableExists,
} from "./legacy-catalog";

const MIGRATIONS = readMigrations();
const names = (list: Migration[]) => list.map((m) => m.name);
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The legacy row the rollback of 0002 finds archived. */
const ARCHIVED_ID = "defaults-only";

/**
 * Runs statements as the application role (docs/deploy.md) in a transaction
 * that is always rolled back; optionally without the append-only triggers, so
 * only the grants stand in the way. Returns the last statement's rows.
 */
async function asCatalogApp(db: ScratchSchema, statements: string[], options: { dropAuditTriggers?: boolean } = {}) {
  await db.query("BEGIN");
  try {
    if (options.dropAuditTriggers) {
      await db.query("DROP TRIGGER model_tier_audit_logs_no_update_delete ON model_tier_audit_logs");
      await db.query("DROP TRIGGER model_tier_audit_logs_no_truncate ON model_tier_audit_logs");
    }
    await db.query("SET LOCAL ROLE catalog_app");
    let result = { rows: [] as Record<string, unknown>[] };
    for (const statement of statements) result = await db.query(statement);
    return result;
  } finally {
    await db.query("ROLLBACK");
  }
}

const upTo = (name: string) => MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === name) + 1).map((m) => m.name);

describe("migrations over a legacy catalog", () => {
  let db: ScratchSchema;
  const shapes: Record<string, Awaited<ReturnType<typeof schemaShape>>> = {};

  beforeAll(async () => {
    db = await ScratchSchema.create();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("are the numbered files, with rollback scripts for all but the baseline", () => {
    expect(names(MIGRATIONS)).toEqual([
      "0001_baseline",
      "0002_expand",
      "0003_contract",
      "0004_audit_grants",
      "0005_catalog_epoch",
      "0006_change_feed",
      "0007_webhook_grants",
    ]);
    expect(MIGRATIONS.map((m) => m.down !== undefined)).toEqual(MIGRATIONS.map((m) => m.name !== "0001_baseline"));
    for (const m of MIGRATIONS) expect(m.checksum).toBe(sha256(m.sql));
  });

  describe("0001 baseline", () => {
    it("applies alone with the runner's `to`", async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0001_baseline" })).toEqual(["0001_baseline"]);
      expect(await appliedNames(db)).toEqual(["0001_baseline"]);
    });

    it("is the flat pre-refactor table, with the subscription_tier enum", async () => {
      expect(await columnsOf(db, "models")).toEqual(
        [
          "allowed_tiers",
          "capabilities",
          "context_length",
          "created_at",
          "credits_per_1k_tokens",
          "description",
          "display_name",
          "id",
          "input_cost_per_million_tokens",
          "is_available",
          "max_output_tokens",
          "name",
          "output_cost_per_million_tokens",
          "provider",
          "required_tier",
          "tier_restriction_mode",
          "updated_at",
          "version",
        ].sort(),
      );
      const { rows } = await db.query("SELECT enum_range(NULL::subscription_tier)::text[] AS tiers");
      expect(rows[0]?.tiers).toEqual([...TIER_LADDER, "perpetual"]);
    });

    it("takes a row of every legacy column shape", async () => {
      for (const row of LEGACY_ROWS) await insertLegacyRow(db, row);
      expect(Object.keys(await flatById(db))).toHaveLength(LEGACY_ROWS.length);
      shapes.baseline = await schemaShape(db);
    });
  });

  describe("0002 expand", () => {
    let meta: Record<string, unknown> = {};
    beforeAll(async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0002_expand" })).toEqual(["0002_expand"]);
      meta = await metaById(db);
      shapes.expanded = await schemaShape(db);
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
      const flat = await flatById(db);
      for (const row of LEGACY_ROWS) expect(flat[row.id]).toEqual({ ...BASELINE_DEFAULTS, ...row.given });
    });

    it("starts every model active (not legacy, not archived) at row version 1", async () => {
      const { rows } = await db.query("SELECT id, is_legacy, is_archived, legacy_since, row_version FROM models ORDER BY id");
      expect(rows).toHaveLength(LEGACY_ROWS.length);
      for (const row of rows) expect(row).toEqual({ id: row.id, is_legacy: false, is_archived: false, legacy_since: null, row_version: 1 });
    });

    it("starts the catalog at version 1", async () => {
      const { rows } = await db.query("SELECT id, version::int AS version FROM catalog_state");
      expect(rows).toEqual([{ id: 1, version: 1 }]);
    });

    it.each([
      ["idx_models_meta_gin", /USING gin \(meta\)$/],
      ["idx_models_meta_required_tier", /USING btree \(\(\(?meta ->> 'requiredTier'/],
      ["idx_models_meta_capabilities", /USING gin \(\(\(?meta -> 'capabilities'/],
      ["idx_models_is_legacy", /USING btree \(is_legacy\)$/],
      ["idx_models_is_archived", /USING btree \(is_archived\)$/],
    ])("creates the seed's index %s", async (index, definition) => {
      const { rows } = await db.query("SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'models' AND indexname = $2", [
        db.name,
        index,
      ]);
      expect(rows).toHaveLength(1);
      expect(String(rows[0]?.indexdef)).toMatch(definition);
    });

    it("requires meta, as a JSON object, on new rows", async () => {
      const insert = (meta: string | null) =>
        db.query(
          "INSERT INTO models (id, name, provider, display_name, context_length, meta) VALUES ('new', 'new', 'p', 'New', 1, $1::jsonb)",
          [meta],
        );
      await expect(insert(null)).rejects.toThrow(/null value in column "meta"/);
      await expect(insert("[]")).rejects.toThrow(/models_meta_is_object/);
    });

    describe("the audit table", () => {
      beforeAll(async () => {
        await db.query(
          "INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, new_value, request_id) VALUES ('admin-1', 'full', 'archive', '{\"isArchived\": true}', 'req-1')",
        );
      });

      it("takes new rows, with the request id", async () => {
        const { rows } = await db.query("SELECT admin_user_id, model_id, action, new_value, request_id FROM model_tier_audit_logs");
        expect(rows).toEqual([
          { admin_user_id: "admin-1", model_id: "full", action: "archive", new_value: { isArchived: true }, request_id: "req-1" },
        ]);
      });

      it.each([
        ["UPDATE", "UPDATE model_tier_audit_logs SET reason = 'rewritten'"],
        ["DELETE", "DELETE FROM model_tier_audit_logs"],
        ["TRUNCATE", "TRUNCATE model_tier_audit_logs"],
      ])("refuses %s: it is append-only", async (op, statement) => {
        await expect(db.query(statement)).rejects.toThrow(`model_tier_audit_logs is append-only (${op} refused)`);
        const { rows } = await db.query("SELECT count(*)::int AS n, count(reason)::int AS with_reason FROM model_tier_audit_logs");
        expect(rows[0]).toEqual({ n: 1, with_reason: 0 });
      });
    });
  });

  describe("0003 contract", () => {
    let metaBefore: Record<string, unknown> = {};
    beforeAll(async () => {
      metaBefore = await metaById(db);
      expect(await migrate(db, MIGRATIONS, { to: "0003_contract" })).toEqual(["0003_contract"]);
      shapes.contracted = await schemaShape(db);
    });

    it("drops every flat column, leaving meta the only source", async () => {
      expect(await columnsOf(db, "models")).toEqual(
        [
          "created_at",
          "id",
          "is_archived",
          "is_available",
          "is_legacy",
          "legacy_since",
          "meta",
          "name",
          "provider",
          "row_version",
          "updated_at",
        ].sort(),
      );
    });

    it("leaves meta as expand built it", async () => {
      expect(await metaById(db)).toStrictEqual(metaBefore);
    });
  });

  describe("0004 audit grants", () => {
    beforeAll(async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0004_audit_grants" })).toEqual(["0004_audit_grants"]);
      shapes.granted = await schemaShape(db);
    });

    it("adds the client's request id beside the server's", async () => {
      expect(await columnsOf(db, "model_tier_audit_logs")).toContain("client_request_id");
      expect(await columnsOf(db, "model_tier_audit_logs")).toContain("request_id");
    });

    it("lets the application role read and add audit rows", async () => {
      const { rows } = await asCatalogApp(db, [
        "INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, request_id, client_request_id) VALUES ('admin-2', 'full', 'update_meta', 'srv-1', 'client-1')",
        "SELECT count(*)::int AS n FROM model_tier_audit_logs",
      ]);
      expect(rows[0]?.n).toBe(2);
    });

    it.each([
      ["UPDATE", "UPDATE model_tier_audit_logs SET reason = 'rewritten'"],
      ["DELETE", "DELETE FROM model_tier_audit_logs"],
      ["TRUNCATE", "TRUNCATE model_tier_audit_logs"],
    ])("refuses %s of audit rows to the application role by privilege, even with the trigger dropped", async (_op, statement) => {
      await expect(asCatalogApp(db, [statement], { dropAuditTriggers: true })).rejects.toThrow(
        /permission denied for table model_tier_audit_logs/,
      );
      const { rows } = await db.query("SELECT count(*)::int AS n, count(reason)::int AS with_reason FROM model_tier_audit_logs");
      expect(rows[0]).toEqual({ n: 1, with_reason: 0 });
    });

    it("lets the application role do every write the Worker does", async () => {
      const { rows } = await asCatalogApp(db, [
        `INSERT INTO models (id, name, provider, meta) VALUES ('app-made', 'app-made', 'p', '{}')`,
        "UPDATE models SET is_archived = true, row_version = row_version + 1 WHERE id = 'app-made'",
        "UPDATE catalog_state SET version = version + 1",
        "INSERT INTO idempotency_keys (actor, key, request_hash) VALUES ('a', 'k', 'h')",
        "UPDATE idempotency_keys SET status = 201 WHERE actor = 'a'",
        "DELETE FROM idempotency_keys WHERE actor = 'a'",
        "INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action) VALUES ('admin-2', 'app-made', 'archive')",
        "SELECT count(*)::int AS n FROM models WHERE id = 'app-made' AND is_archived",
      ]);
      expect(rows[0]?.n).toBe(1);
    });

    it("refuses the application role a DELETE of models (they are archived, never deleted)", async () => {
      await expect(asCatalogApp(db, ["DELETE FROM models WHERE id = 'full'"])).rejects.toThrow(/permission denied for table models/);
    });
  });

  describe("rollback of 0004", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(db, MIGRATIONS)).toBe("0004_audit_grants");
    });

    it("removes the grants and the client request id column, giving back the contracted schema", async () => {
      expect(await schemaShape(db)).toEqual(shapes.contracted);
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM information_schema.role_table_grants WHERE grantee = 'catalog_app' AND table_schema = $1`,
        [db.name],
      );
      expect(rows[0]?.n).toBe(0);
    });
  });

  describe("rollback of 0003", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(db, MIGRATIONS)).toBe("0003_contract");
    });

    it("forgets 0003 in the ledger", async () => {
      expect(await appliedNames(db)).toEqual(upTo("0002_expand"));
    });

    it.each(LEGACY_ROWS)("restores the flat columns of $id from meta", async (row) => {
      expect((await flatById(db))[row.id]).toEqual(expectedFlat(row));
    });

    it("gives back the table exactly as expand left it: columns, defaults, NOT NULLs, checks, indexes", async () => {
      expect(await schemaShape(db)).toEqual(shapes.expanded);
    });
  });

  describe("rollback of 0002", () => {
    beforeAll(async () => {
      // An archived model, still flagged available: only is_archived kept it out of service.
      await db.query(`UPDATE models SET is_archived = true WHERE id = '${ARCHIVED_ID}' AND is_available`);
      expect(await rollbackLatest(db, MIGRATIONS)).toBe("0002_expand");
    });

    it("removes meta, the lifecycle flags, row versions, catalog state, idempotency keys and the audit trigger", async () => {
      for (const column of ["meta", "is_legacy", "is_archived", "legacy_since", "row_version"]) {
        expect(await columnsOf(db, "models")).not.toContain(column);
      }
      expect(await tableExists(db, "catalog_state")).toBe(false);
      expect(await tableExists(db, "idempotency_keys")).toBe(false);
    });

    it("gives back the baseline schema exactly", async () => {
      expect(await schemaShape(db)).toEqual(shapes.baseline);
    });

    it("keeps archived models unavailable: the baseline has no other way to say so", async () => {
      expect((await flatById(db))[ARCHIVED_ID]?.is_available).toBe(false);
    });

    it("keeps the restored flat data and the audit trail", async () => {
      const flat = await flatById(db);
      for (const row of LEGACY_ROWS) {
        expect(flat[row.id]).toEqual({ ...expectedFlat(row), ...(row.id === ARCHIVED_ID && { is_available: false }) });
      }
      const { rows } = await db.query("SELECT count(*)::int AS n FROM model_tier_audit_logs");
      expect(rows[0]?.n).toBe(1);
    });
  });

  describe("re-applying expand, contract and the audit grants", () => {
    beforeAll(async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0004_audit_grants" })).toEqual(["0002_expand", "0003_contract", "0004_audit_grants"]);
    });

    it.each(LEGACY_ROWS)("backfills the same meta for $id from the restored columns", async (row) => {
      expect((await metaById(db))[row.id]).toStrictEqual(expectedMeta(row));
    });

    it("ends with the same schema as the first time", async () => {
      expect(await schemaShape(db)).toEqual(shapes.granted);
    });

    it("then has nothing left to apply up to there", async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0004_audit_grants" })).toEqual([]);
      expect(await appliedNames(db)).toEqual(upTo("0004_audit_grants"));
    });
  });

  describe("0005 catalog epoch", () => {
    let stateBefore: Record<string, unknown>[] = [];
    beforeAll(async () => {
      stateBefore = (await db.query("SELECT id, version::int AS version FROM catalog_state")).rows;
      expect(await migrate(db, MIGRATIONS, { to: "0005_catalog_epoch" })).toEqual(["0005_catalog_epoch"]);
      shapes.epoch = await schemaShape(db);
    });

    it("gives the catalog a random epoch beside its unchanged version", async () => {
      const { rows } = await db.query("SELECT id, version::int AS version, epoch FROM catalog_state");
      expect(rows.map(({ epoch, ...rest }) => rest)).toEqual(stateBefore);
      expect(String(rows[0]?.epoch)).toMatch(/^[0-9a-f]{32}$/);
    });

    it("gives every new epoch a fresh id", async () => {
      const epochs = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const { rows } = await db.query("SELECT md5(random()::text || clock_timestamp()::text) AS epoch");
        epochs.add(String(rows[0]?.epoch));
      }
      expect(epochs.size).toBe(3);
    });

    describe("its rollback", () => {
      beforeAll(async () => {
        expect(await rollbackLatest(db, MIGRATIONS)).toBe("0005_catalog_epoch");
      });

      it("forgets 0005 in the ledger and gives back the schema the audit grants left, version kept", async () => {
        expect(await appliedNames(db)).toEqual(upTo("0004_audit_grants"));
        expect(await schemaShape(db)).toEqual(shapes.granted);
        expect((await db.query("SELECT id, version::int AS version FROM catalog_state")).rows).toEqual(stateBefore);
      });

      it("applies again, to the same schema", async () => {
        expect(await migrate(db, MIGRATIONS, { to: "0005_catalog_epoch" })).toEqual(["0005_catalog_epoch"]);
        expect(await schemaShape(db)).toEqual(shapes.epoch);
      });
    });
  });

  describe("0006 change feed", () => {
    beforeAll(async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0006_change_feed" })).toEqual(["0006_change_feed"]);
      shapes.changeFeed = await schemaShape(db);
    });

    it("adds the feed (outbox), webhook endpoints, their delivery log and sunset announcements", async () => {
      for (const table of ["change_events", "webhook_endpoints", "webhook_deliveries", "sunset_announcements"]) {
        expect(await tableExists(db, table), table).toBe(true);
      }
      expect(await columnsOf(db, "change_events")).toEqual(
        ["body", "catalog_version", "dispatched_at", "id", "model_id", "occurred_at", "seq", "type"].sort(),
      );
    });

    it("orders events by (catalog version, sequence): one event per position", async () => {
      const insert = (id: string, seq: number) =>
        db.query(
          "INSERT INTO change_events (catalog_version, seq, id, type, model_id, body) VALUES (7, $1, $2, 'model.updated', 'm', '{}')",
          [seq, id],
        );
      await insert("evt_a", 0);
      await insert("evt_b", 1);
      await expect(insert("evt_c", 1)).rejects.toThrow(/change_events_pkey/);
      await expect(insert("evt_a", 2)).rejects.toThrow(/change_events_id_key/);
    });

    it("refuses an unknown event type", async () => {
      await expect(
        db.query(
          "INSERT INTO change_events (catalog_version, seq, id, type, model_id, body) VALUES (8, 0, 'evt_x', 'model.exploded', 'm', '{}')",
        ),
      ).rejects.toThrow(/change_events_type_check/);
    });

    it("announces a sunset threshold once per model and sunset date", async () => {
      const announce = () =>
        db.query(
          "INSERT INTO sunset_announcements (model_id, sunset_date, days_before, event_id) VALUES ('m', '2027-01-01Z', 30, 'evt_a') ON CONFLICT DO NOTHING RETURNING model_id",
        );
      expect((await announce()).rows).toHaveLength(1);
      expect((await announce()).rows).toHaveLength(0);
    });

    it("deletes an endpoint's delivery log with the endpoint", async () => {
      await db.query(
        "INSERT INTO webhook_endpoints (id, url, secret_ciphertext, created_by) VALUES ('wh_1', 'https://example.com/h', 'v1.x.y', 'admin')",
      );
      await db.query(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, attempt, outcome, status_code) VALUES ('wh_1', 'evt_a', 1, 'delivered', 200)",
      );
      await db.query("DELETE FROM webhook_endpoints WHERE id = 'wh_1'");
      const { rows } = await db.query("SELECT count(*)::int AS n FROM webhook_deliveries");
      expect(rows[0]?.n).toBe(0);
    });
  });

  describe("rollback of 0006", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(db, MIGRATIONS)).toBe("0006_change_feed");
    });

    it("gives back the schema as 0005 left it, exactly", async () => {
      expect(await schemaShape(db)).toEqual(shapes.epoch);
    });

    it("re-applies to the same schema, then has nothing left to apply", async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0006_change_feed" })).toEqual(["0006_change_feed"]);
      expect(await schemaShape(db)).toEqual(shapes.changeFeed);
      expect(await migrate(db, MIGRATIONS)).toEqual(["0007_webhook_grants"]);
      expect(await migrate(db, MIGRATIONS)).toEqual([]);
      expect(await appliedNames(db)).toEqual(names(MIGRATIONS));
    });
  });
});

// ---------------------------------------------------------------------------
// The runner, with small fake migrations.

const fake = (name: string, sql: string, down?: string): Migration => ({ name, sql, checksum: sha256(sql), down });

const A = fake("0001_a", "CREATE TABLE a (id int)", "DROP TABLE a");
const B = fake("0002_b", "CREATE TABLE b (id int); INSERT INTO b VALUES (1)", "DROP TABLE b");
const C = fake("0003_c", "CREATE TABLE c (id int)");

describe("migration runner", () => {
  let db: ScratchSchema;
  beforeEach(async () => {
    db = await ScratchSchema.create();
  });
  afterEach(async () => {
    await db?.drop();
  });

  describe("applying", () => {
    it("applies pending migrations in order and records each with its checksum", async () => {
      const applied: string[] = [];
      expect(await migrate(db, [A, B], { onApplied: (name) => applied.push(name) })).toEqual(["0001_a", "0002_b"]);
      expect(applied).toEqual(["0001_a", "0002_b"]);
      const { rows } = await db.query("SELECT name, checksum FROM schema_migrations ORDER BY name");
      expect(rows).toEqual([
        { name: "0001_a", checksum: A.checksum },
        { name: "0002_b", checksum: B.checksum },
      ]);
      expect(await tableExists(db, "b")).toBe(true);
    });

    it("applies nothing on a second run", async () => {
      await migrate(db, [A, B]);
      expect(await migrate(db, [A, B])).toEqual([]);
      const { rows } = await db.query("SELECT count(*)::int AS n FROM b");
      expect(rows[0]?.n).toBe(1); // B's INSERT did not run again
    });

    it("applies only new migrations when the list grows", async () => {
      await migrate(db, [A]);
      expect(await migrate(db, [A, B, C])).toEqual(["0002_b", "0003_c"]);
    });

    it("stops after `to`, and goes on from there next time", async () => {
      expect(await migrate(db, [A, B, C], { to: "0002_b" })).toEqual(["0001_a", "0002_b"]);
      expect(await tableExists(db, "c")).toBe(false);
      expect(await migrate(db, [A, B, C])).toEqual(["0003_c"]);
    });

    it("applies nothing when `to` names a migration already applied", async () => {
      await migrate(db, [A, B]);
      expect(await migrate(db, [A, B, C], { to: "0001_a" })).toEqual([]);
      expect(await tableExists(db, "c")).toBe(false);
    });

    it("refuses a `to` that names no migration, applying nothing", async () => {
      await expect(migrate(db, [A, B], { to: "0009_typo" })).rejects.toThrow(new MigrationError("there is no migration named 0009_typo"));
      expect(await tableExists(db, "a")).toBe(false);
    });
  });

  describe("a migration file changed after it was applied", () => {
    it("is refused with a clear message, and nothing else is applied", async () => {
      await migrate(db, [A]);
      const edited = fake("0001_a", "CREATE TABLE a (id bigint)");
      const error = await migrate(db, [edited, B]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toBe(
        `migration 0001_a.sql was changed after it was applied (recorded ${A.checksum.slice(0, 12)}, file ${edited.checksum.slice(0, 12)}); write a new migration instead`,
      );
      expect(await appliedNames(db)).toEqual(["0001_a"]);
      expect(await tableExists(db, "b")).toBe(false);
    });

    it("blocks a rollback too", async () => {
      await migrate(db, [A, B]);
      await expect(rollbackLatest(db, [A, fake("0002_b", "CREATE TABLE b (x text)", "DROP TABLE b")])).rejects.toThrow(
        /0002_b\.sql was changed/,
      );
      expect(await tableExists(db, "b")).toBe(true);
    });

    it("is refused when it disappeared", async () => {
      await migrate(db, [A, B]);
      await expect(migrate(db, [B, C])).rejects.toThrow(
        new MigrationError("migration 0001_a is recorded as applied but its file is missing"),
      );
      expect(await tableExists(db, "c")).toBe(false);
    });
  });

  describe("a failing migration", () => {
    // A valid statement, then a broken one: the first must not survive.
    const BROKEN = fake("0002_broken", "CREATE TABLE half_done (id int); INSERT INTO half_done VALUES (1); SELECT * FROM no_such_table");

    it("is rolled back entirely: no table, no ledger row, nothing after it", async () => {
      const error = await migrate(db, [A, BROKEN, C]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/^migration 0002_broken failed and was rolled back: .*no_such_table/);
      expect(await tableExists(db, "half_done")).toBe(false);
      expect(await appliedNames(db)).toEqual(["0001_a"]);
      expect(await tableExists(db, "c")).toBe(false);
    });

    it("can be fixed and applied, since it was never recorded", async () => {
      await migrate(db, [A, BROKEN]).catch(() => {});
      expect(await migrate(db, [A, fake("0002_broken", "CREATE TABLE half_done (id int)"), C])).toEqual(["0002_broken", "0003_c"]);
    });
  });

  describe("rollbackLatest", () => {
    it("runs the newest migration's rollback script and forgets it", async () => {
      await migrate(db, [A, B]);
      expect(await rollbackLatest(db, [A, B])).toBe("0002_b");
      expect(await tableExists(db, "b")).toBe(false);
      expect(await appliedNames(db)).toEqual(["0001_a"]);
      expect(await migrate(db, [A, B])).toEqual(["0002_b"]);
    });

    it("refuses a migration without a rollback script, changing nothing", async () => {
      await migrate(db, [A, C]);
      await expect(rollbackLatest(db, [A, C])).rejects.toThrow(
        new MigrationError("migration 0003_c has no rollback script (migrations/rollback/0003_c.down.sql)"),
      );
      expect(await appliedNames(db)).toEqual(["0001_a", "0003_c"]);
    });

    it("undoes a failing rollback script entirely", async () => {
      const badDown = fake("0002_b", B.sql, "DROP TABLE b; SELECT * FROM no_such_table");
      await migrate(db, [A, badDown]);
      await expect(rollbackLatest(db, [A, badDown])).rejects.toThrow(/^rollback of 0002_b failed and was undone: .*no_such_table/);
      expect(await tableExists(db, "b")).toBe(true);
      expect(await appliedNames(db)).toEqual(["0001_a", "0002_b"]);
    });

    it("refuses when nothing is applied", async () => {
      await expect(rollbackLatest(db, [A])).rejects.toThrow(new MigrationError("no migration has been applied"));
    });
  });
});

describe("every migration applied", () => {
  let db: ScratchSchema;
  beforeAll(async () => {
    db = await ScratchSchema.create();
    await migrate(db, MIGRATIONS);
  });
  afterAll(async () => {
    await db?.drop();
  });

  // A later migration's table without a grant would work in tests (run as the owner) and fail in production.
  it("leaves no table the application role cannot read, but the migration ledger", async () => {
    const { rows } = await db.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'
          AND NOT has_table_privilege('catalog_app', format('%I.%I', schemaname, tablename), 'SELECT') ORDER BY 1`,
      [db.name],
    );
    expect(rows.map((row) => row.tablename)).toEqual([]);
  });

  it("never lets the application role change or remove audit rows", async () => {
    const { rows } = await db.query(
      `SELECT privilege FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) AS privilege
        WHERE has_table_privilege('catalog_app', format('%I.model_tier_audit_logs', $1::text), privilege)`,
      [db.name],
    );
    expect(rows).toEqual([]);
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
