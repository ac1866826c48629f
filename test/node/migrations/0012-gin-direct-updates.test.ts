/**
 * 0012 GIN direct updates: the JSONB GIN indexes without a pending list, so the
 * planner uses the capabilities index on a catalog filled after the migrations
 * (every fresh install, the bench's 10,000 models).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { QUERIES } from "../../../bench/queries";
import { rollbackLatest } from "../../../scripts/lib/migrations";
import { insertSeeds } from "../../../scripts/lib/seeding";
import { syntheticModels } from "../../../scripts/lib/synthetic-models";
import { MIGRATIONS, migrationUnderTest, type ScratchSchema, schemaShape } from "./support";

const NAME = "0012_gin_direct_updates";
const CAPABILITY_QUERIES = QUERIES.filter((query) => query.name.startsWith("capabilit"));

const plan = async (db: ScratchSchema, sql: string) =>
  (await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((row) => String(row["QUERY PLAN"])).join("\n");

const ginOptions = async (db: ScratchSchema) =>
  (
    await db.query(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'models' AND indexdef LIKE '%USING gin%' ORDER BY 1",
      [db.name],
    )
  ).rows.map((row) => [row.indexname, /WITH \((.*)\)$/.exec(String(row.indexdef))?.[1] ?? null]);

describe("0012 GIN direct updates", () => {
  const m = migrationUnderTest(NAME);

  beforeAll(async () => {
    // The bench's catalog, inserted after the indexes exist: `["vision"]` matches about a third of it.
    await insertSeeds(m.db, syntheticModels(10_000));
    await m.db.query("ANALYZE models");
  });

  it("turns fastupdate off on both JSONB GIN indexes", async () => {
    expect(await ginOptions(m.db)).toEqual([
      ["idx_models_meta_capabilities", "fastupdate=off"],
      ["idx_models_meta_gin", "fastupdate=off"],
    ]);
  });

  it.each(CAPABILITY_QUERIES.map((query) => [query.name, query.sql]))(
    "lets the planner choose the index for the bench's %s",
    async (_name, sql) => {
      expect(await plan(m.db, sql)).toContain("Bitmap Index Scan on idx_models_meta_capabilities");
    },
  );

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe(NAME);
    });

    it("gives back the schema as before, exactly", async () => {
      expect(await schemaShape(m.db)).toEqual(m.before);
    });

    it("leaves rows inserted from then on to the pending list, where the planner costs the index above a sequential scan", async () => {
      await m.db.query("DELETE FROM models WHERE id LIKE 'synthetic-%'");
      await m.db.query("REINDEX INDEX idx_models_meta_capabilities");
      await insertSeeds(m.db, syntheticModels(10_000));
      await m.db.query("ANALYZE models");
      const vision = CAPABILITY_QUERIES[0]?.sql ?? "";
      expect(vision).toContain(`@> '["vision"]'`);
      expect(await plan(m.db, vision)).toMatch(/^Seq Scan on models/);
    });
  });
});
