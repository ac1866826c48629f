/** 0007 webhook grants: what the application role may do on the change-feed and webhook tables of 0006. */
import { beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { asCatalogApp, MIGRATIONS, migrationUnderTest, type ScratchSchema, schemaShape } from "./support";

const TABLES = ["change_events", "sunset_announcements", "webhook_deliveries", "webhook_endpoints"];

/** The application role's privileges on the 0006 tables, per table. */
async function grantsOn0006Tables(db: ScratchSchema): Promise<Record<string, string[]>> {
  const { rows } = await db.query(
    `SELECT table_name, privilege_type FROM information_schema.role_table_grants
      WHERE grantee = 'catalog_app' AND table_schema = $1 AND table_name = ANY($2) ORDER BY 1, 2`,
    [db.name, TABLES],
  );
  const grants: Record<string, string[]> = {};
  for (const row of rows) grants[String(row.table_name)] = [...(grants[String(row.table_name)] ?? []), String(row.privilege_type)];
  return grants;
}

describe("0007 webhook grants", () => {
  const m = migrationUnderTest("0007_webhook_grants");

  it("lets the application role record and dispatch events, manage endpoints, log deliveries and claim announcements: nothing more", async () => {
    expect(await grantsOn0006Tables(m.db)).toEqual({
      change_events: ["INSERT", "SELECT", "UPDATE"],
      sunset_announcements: ["INSERT", "SELECT"],
      webhook_deliveries: ["INSERT", "SELECT"],
      webhook_endpoints: ["DELETE", "INSERT", "SELECT", "UPDATE"],
    });
  });

  it("never lets the application role delete a change event: the feed is the history integrators page through", async () => {
    await expect(asCatalogApp(m.db, ["DELETE FROM change_events"])).rejects.toThrow(/permission denied for table change_events/);
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe("0007_webhook_grants");
    });

    it("takes the grants back, schema unchanged", async () => {
      expect(await grantsOn0006Tables(m.db)).toEqual({});
      expect(await schemaShape(m.db)).toEqual(m.before);
    });

    it("re-applies to the same grants", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: "0007_webhook_grants" })).toEqual(["0007_webhook_grants"]);
      expect(await schemaShape(m.db)).toEqual(m.after);
      expect(Object.keys(await grantsOn0006Tables(m.db))).toEqual(TABLES);
    });
  });
});
