/** 0004 audit grants: the application role's privileges (audit rows: read and add only) and the client's request id. */
import { beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { appliedNames, asCatalogApp, columnsOf, MIGRATIONS, migrationUnderTest, schemaShape, upTo } from "./support";

describe("0004 audit grants", () => {
  const m = migrationUnderTest("0004_audit_grants", {
    // One audit row from before: the application role must not change or remove it.
    beforeApply: async (db) => {
      await db.query(
        "INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, new_value, request_id) VALUES ('admin-1', 'full', 'archive', '{\"isArchived\": true}', 'req-1')",
      );
    },
  });

  it("adds the client's request id beside the server's", async () => {
    expect(await columnsOf(m.db, "model_tier_audit_logs")).toContain("client_request_id");
    expect(await columnsOf(m.db, "model_tier_audit_logs")).toContain("request_id");
  });

  it("lets the application role read and add audit rows", async () => {
    const { rows } = await asCatalogApp(m.db, [
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
    await expect(asCatalogApp(m.db, [statement], { dropAuditTriggers: true })).rejects.toThrow(
      /permission denied for table model_tier_audit_logs/,
    );
    const { rows } = await m.db.query("SELECT count(*)::int AS n, count(reason)::int AS with_reason FROM model_tier_audit_logs");
    expect(rows[0]).toEqual({ n: 1, with_reason: 0 });
  });

  it("lets the application role do every write the Worker does", async () => {
    const { rows } = await asCatalogApp(m.db, [
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
    await expect(asCatalogApp(m.db, ["DELETE FROM models WHERE id = 'full'"])).rejects.toThrow(/permission denied for table models/);
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe("0004_audit_grants");
    });

    it("removes the grants and the client request id column, giving back the contracted schema", async () => {
      expect(await schemaShape(m.db)).toEqual(m.before);
      const { rows } = await m.db.query(
        `SELECT count(*)::int AS n FROM information_schema.role_table_grants WHERE grantee = 'catalog_app' AND table_schema = $1`,
        [m.db.name],
      );
      expect(rows[0]?.n).toBe(0);
    });

    it("applies again, to the same schema, then has nothing left to apply up to there", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: "0004_audit_grants" })).toEqual(["0004_audit_grants"]);
      expect(await schemaShape(m.db)).toEqual(m.after);
      expect(await migrate(m.db, MIGRATIONS, { to: "0004_audit_grants" })).toEqual([]);
      expect(await appliedNames(m.db)).toEqual(upTo("0004_audit_grants"));
    });
  });
});
