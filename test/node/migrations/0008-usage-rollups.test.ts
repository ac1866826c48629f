/**
 * 0008_usage_rollups (spec Part 3 "Who still calls a model"): the hourly
 * rollups and the flush ledger, what the Worker's role may do on them, and
 * a rollback that gives back the schema 0007 left. Run for real in a schema
 * of its own inside the shared test database, as the other migration tests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { asCatalogApp, columnsOf, MIGRATIONS, ScratchSchema, schemaShape, tableExists } from "./support";

const upsert = (caller: string, alias: string | null, calls: number) =>
  `INSERT INTO usage_rollups (hour, model_id, alias, caller, outcome, calls, last_seen)
     VALUES ('2026-12-03T10:00:00Z', 'gpt-4', ${alias === null ? "NULL" : `'${alias}'`}, '${caller}', 'allowed', ${calls}, '2026-12-03T10:00:05Z')
   ON CONFLICT (hour, model_id, alias, caller, outcome) DO UPDATE SET calls = usage_rollups.calls + excluded.calls
   RETURNING calls`;

describe("0008 usage rollups", () => {
  let db: ScratchSchema;
  let before: Awaited<ReturnType<typeof schemaShape>>;
  let after: Awaited<ReturnType<typeof schemaShape>>;

  beforeAll(async () => {
    db = await ScratchSchema.create();
    expect(await migrate(db, MIGRATIONS, { to: "0007_webhook_grants" })).toContain("0007_webhook_grants");
    before = await schemaShape(db);
    expect(await migrate(db, MIGRATIONS, { to: "0008_usage_rollups" })).toEqual(["0008_usage_rollups"]);
    after = await schemaShape(db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("follows 0007 and has a rollback script", () => {
    const names = MIGRATIONS.map((m) => m.name);
    expect(names.indexOf("0008_usage_rollups")).toBe(names.indexOf("0007_webhook_grants") + 1);
    expect(MIGRATIONS.find((m) => m.name === "0008_usage_rollups")?.down).toEqual(expect.any(String));
  });

  it("adds the rollups and the flush ledger", async () => {
    expect(await columnsOf(db, "usage_rollups")).toEqual(["alias", "caller", "calls", "hour", "last_seen", "model_id", "outcome"]);
    expect(await columnsOf(db, "usage_flushes")).toEqual(["id", "received_at"]);
  });

  it("keeps one row per hour, model, alias, caller and outcome, also without an alias (NULLS NOT DISTINCT)", async () => {
    expect((await db.query(upsert("alice", null, 2))).rows).toEqual([{ calls: "2" }]);
    expect((await db.query(upsert("alice", null, 3))).rows).toEqual([{ calls: "5" }]);
    expect((await db.query(upsert("alice", "gpt-4-latest", 1))).rows).toEqual([{ calls: "1" }]);
    const { rows } = await db.query("SELECT count(*)::int AS n FROM usage_rollups");
    expect(rows[0]?.n).toBe(2);
  });

  it.each([
    ["an hour that does not start an hour", "'2026-12-03T10:30:00Z'", "'allowed'", "1", /usage_rollups_hour_check/],
    ["an unknown outcome", "'2026-12-03T10:00:00Z'", "'maybe'", "1", /usage_rollups_outcome_check/],
    ["a count of zero", "'2026-12-03T10:00:00Z'", "'allowed'", "0", /usage_rollups_calls_check/],
  ])("refuses %s", async (_case, hour, outcome, calls, constraint) => {
    await expect(
      db.query(
        `INSERT INTO usage_rollups (hour, model_id, caller, outcome, calls, last_seen) VALUES (${hour}, 'm', 'c', ${outcome}, ${calls}, now())`,
      ),
    ).rejects.toThrow(constraint);
  });

  it("records a flush id once", async () => {
    const claim = () => db.query("INSERT INTO usage_flushes (id) VALUES ('f-1') ON CONFLICT DO NOTHING RETURNING id");
    expect((await claim()).rows).toHaveLength(1);
    expect((await claim()).rows).toHaveLength(0);
  });

  it("lets the application role add, read and purge rollups and flush ids", async () => {
    const { rows } = await asCatalogApp(db, [
      "INSERT INTO usage_flushes (id) VALUES ('f-app')",
      upsert("bob", null, 4),
      "DELETE FROM usage_rollups WHERE hour < now() - interval '90 days'",
      "DELETE FROM usage_flushes WHERE received_at < now() - interval '15 days'",
      "SELECT sum(calls)::int AS n FROM usage_rollups WHERE caller = 'bob'",
    ]);
    expect(rows).toEqual([{ n: 4 }]);
  });

  it("does not let the application role rewrite the flush ledger", async () => {
    await expect(asCatalogApp(db, ["UPDATE usage_flushes SET id = 'other'"])).rejects.toThrow(/permission denied for table usage_flushes/);
    await expect(asCatalogApp(db, ["TRUNCATE usage_rollups"])).rejects.toThrow(/permission denied for table usage_rollups/);
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(db, MIGRATIONS)).toBe("0008_usage_rollups");
    });

    it("gives back the schema as 0007 left it, exactly", async () => {
      expect(await tableExists(db, "usage_rollups")).toBe(false);
      expect(await tableExists(db, "usage_flushes")).toBe(false);
      expect(await schemaShape(db)).toEqual(before);
    });

    it("re-applies to the same schema", async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0008_usage_rollups" })).toEqual(["0008_usage_rollups"]);
      expect(await schemaShape(db)).toEqual(after);
    });
  });
});
