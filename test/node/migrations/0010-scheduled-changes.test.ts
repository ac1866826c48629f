/** 0010 scheduled changes: the planned-changes table, the audit trail's effective_at, the feed's scheduling events. */
import { beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { asCatalogApp, columnsOf, MIGRATIONS, migrationUnderTest, schemaShape, tableExists } from "./support";

const insertChange = (values: string) =>
  `INSERT INTO scheduled_changes (id, model_id, alias, action, body, effective_at, status, created_by, applied_at, error_code, cancelled_at)
   VALUES ${values}`;

describe("0010 scheduled changes", () => {
  const m = migrationUnderTest("0010_scheduled_changes");

  it("adds scheduled_changes, pending by default, and the audit trail's effective_at", async () => {
    expect(await tableExists(m.db, "scheduled_changes")).toBe(true);
    expect(await columnsOf(m.db, "model_tier_audit_logs")).toContain("effective_at");
    await m.db.query(
      "INSERT INTO scheduled_changes (id, model_id, action, body, effective_at, created_by) VALUES ('sc_1', 'gpt-4', 'archive', '{}', now(), 'alice')",
    );
    const { rows } = await m.db.query("SELECT status FROM scheduled_changes WHERE id = 'sc_1'");
    expect(rows).toEqual([{ status: "pending" }]);
  });

  it("refuses a row that targets both a model and an alias, or neither, or an unknown action", async () => {
    const at = "now(), 'pending', 'a', NULL, NULL, NULL";
    await expect(m.db.query(insertChange(`('sc_2', 'm', 'al', 'repoint', '{}', ${at})`))).rejects.toThrow(/check/);
    await expect(m.db.query(insertChange(`('sc_3', NULL, NULL, 'archive', '{}', ${at})`))).rejects.toThrow(/check/);
    await expect(m.db.query(insertChange(`('sc_4', 'm', NULL, 'explode', '{}', ${at})`))).rejects.toThrow(/check/);
    await expect(m.db.query(insertChange(`('sc_5', 'm', NULL, 'repoint', '{}', ${at})`))).rejects.toThrow(/check/);
  });

  it("keeps status and its timestamps together: failed has its error, applied and failed their applied_at", async () => {
    await expect(m.db.query(insertChange("('sc_6', 'm', NULL, 'archive', '{}', now(), 'failed', 'a', now(), NULL, NULL)"))).rejects.toThrow(
      /check/,
    );
    await expect(m.db.query(insertChange("('sc_7', 'm', NULL, 'archive', '{}', now(), 'applied', 'a', NULL, NULL, NULL)"))).rejects.toThrow(
      /check/,
    );
    await expect(
      m.db.query(insertChange("('sc_8', 'm', NULL, 'archive', '{}', now(), 'cancelled', 'a', NULL, NULL, NULL)")),
    ).rejects.toThrow(/check/);
  });

  it("accepts the three scheduling events in the feed, and still 0009's alias events", async () => {
    const types = [
      "model.change_scheduled",
      "model.change_cancelled",
      "model.scheduled_change_failed",
      "alias.created",
      "alias.repointed",
      "alias.deleted",
    ];
    for (const [seq, type] of types.entries()) {
      await m.db.query("INSERT INTO change_events (catalog_version, seq, id, type, model_id, body) VALUES (900, $1, $2, $3, 'm', '{}')", [
        seq,
        `evt_s${seq}`,
        type,
      ]);
    }
  });

  it("lets the application role schedule, apply and cancel, but never delete a scheduled change", async () => {
    const statements = [
      "INSERT INTO scheduled_changes (id, model_id, action, body, effective_at, created_by) VALUES ('sc_app', 'm', 'archive', '{}', now(), 'a')",
      "UPDATE scheduled_changes SET status = 'cancelled', cancelled_at = now() WHERE id = 'sc_app'",
      "SELECT count(*)::int AS n FROM scheduled_changes",
    ];
    expect((await asCatalogApp(m.db, statements)).rows[0]?.n).toBeGreaterThan(0);
    await expect(asCatalogApp(m.db, ["DELETE FROM scheduled_changes"])).rejects.toThrow(/permission denied for table scheduled_changes/);
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      await m.db.query("DELETE FROM change_events WHERE catalog_version = 900");
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe("0010_scheduled_changes");
    });

    it("keeps accepting 0009's alias events", async () => {
      await m.db.query(
        "INSERT INTO change_events (catalog_version, seq, id, type, model_id, body) VALUES (901, 0, 'evt_a_back', 'alias.deleted', 'm', '{}')",
      );
      await m.db.query("DELETE FROM change_events WHERE catalog_version = 901");
    });

    it("drops the table and the column, and restores the schema", async () => {
      expect(await tableExists(m.db, "scheduled_changes")).toBe(false);
      expect(await schemaShape(m.db)).toEqual(m.before);
    });

    it("re-applies to the same schema", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: "0010_scheduled_changes" })).toEqual(["0010_scheduled_changes"]);
      expect(await schemaShape(m.db)).toEqual(m.after);
    });
  });
});
