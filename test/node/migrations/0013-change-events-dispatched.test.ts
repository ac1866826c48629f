/**
 * 0013 change events dispatched: an index on dispatched_at, so the cron's
 * every-minute re-send of lost deliveries reads a week of dispatched events,
 * not the whole feed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { MIGRATIONS, migrationUnderTest, type ScratchSchema, schemaShape } from "./support";

const NAME = "0013_change_events_dispatched";

/** The re-send's range over a year of events, 7 days to 15 minutes before the last. */
const STRANDED_RANGE = `SELECT id FROM change_events
  WHERE dispatched_at < timestamptz '2026-12-31' - interval '15 minutes' AND dispatched_at >= timestamptz '2026-12-31' - interval '7 days'
  ORDER BY catalog_version, seq LIMIT 100`;

const plan = async (db: ScratchSchema, sql: string) =>
  (await db.query(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((row) => String(row["QUERY PLAN"])).join("\n");

describe("0013 change events dispatched", () => {
  const m = migrationUnderTest(NAME);

  beforeAll(async () => {
    // A year of feed, one event every ~5 minutes, all dispatched a second after they occurred.
    await m.db.query(`INSERT INTO change_events (catalog_version, seq, id, type, model_id, occurred_at, body, dispatched_at)
      SELECT n, 0, 'evt_' || n, 'model.updated', 'model-' || (n % 50), t, '{}'::jsonb, t + interval '1 second'
        FROM generate_series(1, 100000) AS n, LATERAL (SELECT timestamptz '2026-01-01' + n * interval '5 minutes' AS t) AS at`);
    await m.db.query("ANALYZE change_events");
  });

  it("indexes dispatched events by dispatched_at, and only those", async () => {
    const { rows } = await m.db.query(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'idx_change_events_dispatched'",
      [m.db.name],
    );
    expect(rows.map((row) => String(row.indexdef).replace(`${m.db.name}.`, ""))).toEqual([
      "CREATE INDEX idx_change_events_dispatched ON change_events USING btree (dispatched_at) WHERE (dispatched_at IS NOT NULL)",
    ]);
  });

  it("lets the planner read the re-send's week through the index", async () => {
    expect(await plan(m.db, STRANDED_RANGE)).toContain("idx_change_events_dispatched");
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe(NAME);
    });

    it("gives back the schema as before, exactly, and the range is a scan of the whole table again", async () => {
      expect(await schemaShape(m.db)).toEqual(m.before);
      expect(await plan(m.db, STRANDED_RANGE)).toMatch(/Seq Scan on change_events/);
    });

    it("re-applies to the same schema", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: NAME })).toEqual([NAME]);
      expect(await schemaShape(m.db)).toEqual(m.after);
    });
  });
});
