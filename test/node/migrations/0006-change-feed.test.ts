/** 0006 change feed: the outbox of public changes, webhook endpoints, their delivery log and sunset announcements. */
import { beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { columnsOf, MIGRATIONS, migrationUnderTest, schemaShape, tableExists } from "./support";

describe("0006 change feed", () => {
  const m = migrationUnderTest("0006_change_feed");

  it("adds the feed (outbox), webhook endpoints, their delivery log and sunset announcements", async () => {
    for (const table of ["change_events", "webhook_endpoints", "webhook_deliveries", "sunset_announcements"]) {
      expect(await tableExists(m.db, table), table).toBe(true);
    }
    expect(await columnsOf(m.db, "change_events")).toEqual(
      ["body", "catalog_version", "dispatched_at", "id", "model_id", "occurred_at", "seq", "type"].sort(),
    );
  });

  it("orders events by (catalog version, sequence): one event per position", async () => {
    const insert = (id: string, seq: number) =>
      m.db.query(
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
      m.db.query(
        "INSERT INTO change_events (catalog_version, seq, id, type, model_id, body) VALUES (8, 0, 'evt_x', 'model.exploded', 'm', '{}')",
      ),
    ).rejects.toThrow(/change_events_type_check/);
  });

  it("announces a sunset threshold once per model and sunset date", async () => {
    const announce = () =>
      m.db.query(
        "INSERT INTO sunset_announcements (model_id, sunset_date, days_before, event_id) VALUES ('m', '2027-01-01Z', 30, 'evt_a') ON CONFLICT DO NOTHING RETURNING model_id",
      );
    expect((await announce()).rows).toHaveLength(1);
    expect((await announce()).rows).toHaveLength(0);
  });

  it("deletes an endpoint's delivery log with the endpoint", async () => {
    await m.db.query(
      "INSERT INTO webhook_endpoints (id, url, secret_ciphertext, created_by) VALUES ('wh_1', 'https://example.com/h', 'v1.x.y', 'admin')",
    );
    await m.db.query(
      "INSERT INTO webhook_deliveries (endpoint_id, event_id, attempt, outcome, status_code) VALUES ('wh_1', 'evt_a', 1, 'delivered', 200)",
    );
    await m.db.query("DELETE FROM webhook_endpoints WHERE id = 'wh_1'");
    const { rows } = await m.db.query("SELECT count(*)::int AS n FROM webhook_deliveries");
    expect(rows[0]?.n).toBe(0);
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe("0006_change_feed");
    });

    it("gives back the schema as 0005 left it, exactly", async () => {
      expect(await schemaShape(m.db)).toEqual(m.before);
    });

    it("re-applies to the same schema", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: "0006_change_feed" })).toEqual(["0006_change_feed"]);
      expect(await schemaShape(m.db)).toEqual(m.after);
    });
  });
});
