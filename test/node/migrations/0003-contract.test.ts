/** 0003 contract: the flat columns dropped, meta the only source; its rollback restores them from meta. */
import { beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { expectedFlat, flatById, LEGACY_ROWS, metaById } from "../fixtures/legacy-catalog";
import { appliedNames, columnsOf, MIGRATIONS, migrationUnderTest, schemaShape, upTo } from "./support";

describe("0003 contract", () => {
  let metaBefore: Record<string, unknown> = {};
  const m = migrationUnderTest("0003_contract", {
    beforeApply: async (db) => {
      metaBefore = await metaById(db);
    },
  });

  it("drops every flat column, leaving meta the only source", async () => {
    expect(await columnsOf(m.db, "models")).toEqual(
      [
        "created_at",
        "id",
        "is_archived",
        "is_available",
        "is_legacy",
        "legacy_since",
        "meta",
        "name",
        "provider",
        "row_version",
        "updated_at",
      ].sort(),
    );
  });

  it("leaves meta as expand built it", async () => {
    expect(await metaById(m.db)).toStrictEqual(metaBefore);
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe("0003_contract");
    });

    it("forgets 0003 in the ledger", async () => {
      expect(await appliedNames(m.db)).toEqual(upTo("0002_expand"));
    });

    it.each(LEGACY_ROWS)("restores the flat columns of $id from meta", async (row) => {
      expect((await flatById(m.db))[row.id]).toEqual(expectedFlat(row));
    });

    it("gives back the table exactly as expand left it: columns, defaults, NOT NULLs, checks, indexes", async () => {
      expect(await schemaShape(m.db)).toEqual(m.before);
    });

    it("applies again, to the same schema and the same meta", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: "0003_contract" })).toEqual(["0003_contract"]);
      expect(await schemaShape(m.db)).toEqual(m.after);
      expect(await metaById(m.db)).toStrictEqual(metaBefore);
    });
  });
});
