/**
 * Every migration together: the files as the runner reads them, the whole
 * chain rolled back to the baseline and applied again, and the application
 * role's privileges at the end. New migrations are covered here without an edit.
 */
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { expectedMeta, insertLegacyRow, LEGACY_ROWS, metaById } from "../fixtures/legacy-catalog";
import { appliedNames, MIGRATIONS, names, type SchemaShape, ScratchSchema, schemaShape, sha256 } from "./support";

describe("the migration files", () => {
  it("are numbered 0001 on without a gap, with rollback scripts for all but the baseline", () => {
    expect(names(MIGRATIONS)[0]).toBe("0001_baseline");
    MIGRATIONS.forEach((m, i) => {
      expect(m.name).toMatch(new RegExp(`^${String(i + 1).padStart(4, "0")}_[a-z0-9_]+$`));
    });
    expect(MIGRATIONS.map((m) => m.down !== undefined)).toEqual(MIGRATIONS.map((m) => m.name !== "0001_baseline"));
    for (const m of MIGRATIONS) expect(m.checksum).toBe(sha256(m.sql));
  });

  it("each have a test file of their own here (NNNN-name.test.ts)", () => {
    const files = readdirSync(new URL(".", import.meta.url)).filter((file) => file.endsWith(".test.ts"));
    const untested = MIGRATIONS.filter((m) => !files.some((file) => file.startsWith(`${m.name.slice(0, 4)}-`))).map((m) => m.name);
    expect(untested).toEqual([]);
  });
});

describe("every migration, rolled back to the baseline one by one and applied again, over the legacy catalog", () => {
  let db: ScratchSchema;
  /** The schema after each migration, on the way up. */
  const shapes: SchemaShape[] = [];
  beforeAll(async () => {
    db = await ScratchSchema.create();
    await migrate(db, MIGRATIONS, { to: "0001_baseline" });
    for (const row of LEGACY_ROWS) await insertLegacyRow(db, row);
    shapes.push(await schemaShape(db));
    for (const m of MIGRATIONS.slice(1)) {
      await migrate(db, MIGRATIONS, { to: m.name });
      shapes.push(await schemaShape(db));
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("gives back each earlier schema exactly, newest first", async () => {
    for (let i = MIGRATIONS.length - 1; i > 0; i--) {
      expect(await rollbackLatest(db, MIGRATIONS)).toBe(MIGRATIONS[i]?.name);
      expect(await schemaShape(db), `after rolling back ${MIGRATIONS[i]?.name}`).toEqual(shapes[i - 1]);
    }
    expect(await appliedNames(db)).toEqual(["0001_baseline"]);
  });

  it("applies them all again, to the same schema", async () => {
    expect(await migrate(db, MIGRATIONS)).toEqual(names(MIGRATIONS).slice(1));
    expect(await schemaShape(db)).toEqual(shapes.at(-1));
    expect(await migrate(db, MIGRATIONS)).toEqual([]);
  });

  it.each(LEGACY_ROWS)("backfills the same meta for $id from the columns the rollbacks restored", async (row) => {
    expect((await metaById(db))[row.id]).toStrictEqual(expectedMeta(row));
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
