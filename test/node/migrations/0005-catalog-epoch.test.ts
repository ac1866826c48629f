/** 0005 catalog epoch: a random epoch beside the catalog version, so a reset leaves every cached version behind. */
import { beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { appliedNames, MIGRATIONS, migrationUnderTest, schemaShape, upTo } from "./support";

describe("0005 catalog epoch", () => {
  let stateBefore: Record<string, unknown>[] = [];
  const m = migrationUnderTest("0005_catalog_epoch", {
    beforeApply: async (db) => {
      stateBefore = (await db.query("SELECT id, version::int AS version FROM catalog_state")).rows;
    },
  });

  it("gives the catalog a random epoch beside its unchanged version", async () => {
    const { rows } = await m.db.query("SELECT id, version::int AS version, epoch FROM catalog_state");
    expect(rows.map(({ epoch, ...rest }) => rest)).toEqual(stateBefore);
    expect(String(rows[0]?.epoch)).toMatch(/^[0-9a-f]{32}$/);
  });

  it("gives every new epoch a fresh id", async () => {
    const epochs = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { rows } = await m.db.query("SELECT md5(random()::text || clock_timestamp()::text) AS epoch");
      epochs.add(String(rows[0]?.epoch));
    }
    expect(epochs.size).toBe(3);
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe("0005_catalog_epoch");
    });

    it("forgets 0005 in the ledger and gives back the schema the audit grants left, version kept", async () => {
      expect(await appliedNames(m.db)).toEqual(upTo("0004_audit_grants"));
      expect(await schemaShape(m.db)).toEqual(m.before);
      expect((await m.db.query("SELECT id, version::int AS version FROM catalog_state")).rows).toEqual(stateBefore);
    });

    it("applies again, to the same schema", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: "0005_catalog_epoch" })).toEqual(["0005_catalog_epoch"]);
      expect(await schemaShape(m.db)).toEqual(m.after);
    });
  });
});
