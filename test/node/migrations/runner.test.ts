/** The migration runner (scripts/lib/migrations.ts), with small fake migrations. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Migration, MigrationError, migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { appliedNames, ScratchSchema, sha256, tableExists } from "./support";

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
