/** 0009 model aliases: moving names over models, the alias event types in the feed, the application role's grants. */
import { beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import { asCatalogApp, columnsOf, MIGRATIONS, migrationUnderTest, schemaShape, tableExists } from "./support";

const NAME = "0009_model_aliases";

describe("0009 model aliases", () => {
  const m = migrationUnderTest(NAME);
  let modelId: string;
  beforeAll(async () => {
    modelId = String((await m.db.query("SELECT id FROM models ORDER BY id LIMIT 1")).rows[0]?.id);
  });

  const addAlias = (alias: string, target: string) =>
    m.db.query("INSERT INTO model_aliases (alias, target_model_id, created_by, updated_by) VALUES ($1, $2, 'admin', 'admin')", [
      alias,
      target,
    ]);
  const addEvent = (id: string, type: string) =>
    m.db.query("INSERT INTO change_events (catalog_version, seq, id, type, model_id, body) VALUES (9, 0, $1, $2, 'a', '{}')", [id, type]);

  it("adds model_aliases: an alias, its target, who changed it when, and a row version", async () => {
    expect(await tableExists(m.db, "model_aliases")).toBe(true);
    expect(await columnsOf(m.db, "model_aliases")).toEqual(
      ["alias", "created_at", "created_by", "row_version", "target_model_id", "updated_at", "updated_by"].sort(),
    );
  });

  it("refuses a target that is no model, and a second alias of the same name", async () => {
    await expect(addAlias("nowhere", "no-such-model")).rejects.toThrow(/model_aliases_target_model_id_fkey/);
    await addAlias("moving", modelId);
    await expect(addAlias("moving", modelId)).rejects.toThrow(/model_aliases_pkey/);
  });

  it("lets the feed carry alias events, and still refuses unknown types", async () => {
    await addEvent("evt_alias_1", "alias.repointed");
    await expect(addEvent("evt_alias_2", "alias.exploded")).rejects.toThrow(/change_events_type_check/);
  });

  it("lets the application role create, re-point and delete aliases", async () => {
    const { rows } = await asCatalogApp(m.db, [
      `INSERT INTO model_aliases (alias, target_model_id, created_by, updated_by) VALUES ('as-app', '${modelId}', 'a', 'a')`,
      "UPDATE model_aliases SET row_version = row_version + 1 WHERE alias = 'as-app'",
      "DELETE FROM model_aliases WHERE alias = 'as-app' RETURNING alias",
    ]);
    expect(rows).toEqual([{ alias: "as-app" }]);
  });

  describe("its rollback", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(m.db, MIGRATIONS)).toBe(NAME);
    });

    it("gives back the schema as before, exactly, the alias events gone with the table", async () => {
      expect(await schemaShape(m.db)).toEqual(m.before);
      const { rows } = await m.db.query("SELECT count(*)::int AS n FROM change_events WHERE type LIKE 'alias.%'");
      expect(rows[0]?.n).toBe(0);
    });

    it("re-applies to the same schema", async () => {
      expect(await migrate(m.db, MIGRATIONS, { to: NAME })).toEqual([NAME]);
      expect(await schemaShape(m.db)).toEqual(m.after);
    });
  });
});
