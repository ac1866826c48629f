/**
 * The public-history projection (model_history, 0011) is written in each
 * write's transaction: it always says what the audit trail says (replayed by
 * catalog/history.ts versionsOf), also after a write that rolled back once its
 * history row was inserted. And the history and ?at= of an alias are its target's.
 */
import { env } from "cloudflare:test";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { modelHistory } from "../../drizzle/schema";
import { CatalogCache } from "../../src/catalog/cache";
import { type ModelVersion, versionFromHistory, versionsOf } from "../../src/catalog/history";
import { toPublicModel } from "../../src/catalog/public-model";
import { ChangeOutbox } from "../../src/changes/outbox";
import type { Database } from "../../src/db/client";
import { Lifecycle } from "../../src/lifecycle/lifecycle";
import { modelTrail } from "../../src/queries/history";
import { createAlias } from "./support/aliases";
import { adminPost, adminToken, call, expectError } from "./support/client";
import { createModel, uniqueId } from "./support/fixtures";
import { directDatabase } from "./support/reliability";

const patchMeta = async (id: string, json: object) =>
  call(`/admin/models/${id}/meta`, { method: "PATCH", token: await adminToken(), json });

const seen = (versions: readonly ModelVersion[]) =>
  versions.map((v) => ({ version: v.version, at: v.at.toISOString(), action: v.action, entry: toPublicModel(v.state) }));

async function projected(db: Database, id: string) {
  const rows = await db.select().from(modelHistory).where(eq(modelHistory.modelId, id)).orderBy(asc(modelHistory.version));
  return seen(rows.map(versionFromHistory));
}

async function replayed(db: Database, id: string) {
  const found = await modelTrail(db, id);
  if (!found) throw new Error(`no model ${id}`);
  return seen(versionsOf(found.model, found.trail));
}

/** A Lifecycle whose Idempotency-Key answer fails: its write fails in finish(), after the history row was inserted. */
function lifecycleFailingAtTheAnswer(db: Database) {
  const cache = new CatalogCache(
    env.MODEL_CACHE,
    () => db,
    () => {},
  );
  const outbox = new ChangeOutbox(
    () => db,
    env.WEBHOOK_QUEUE,
    () => {},
    "flush",
  );
  const answer = () => {
    throw new Error("the answer could not be built");
  };
  return new Lifecycle(
    db,
    cache,
    { actor: "test:rollback", requestId: crypto.randomUUID(), idempotency: { claim: {} as never, answer } },
    outbox,
  );
}

describe("the public-history projection", () => {
  it("agrees with the audit trail after public, staff-only, refused and rolled-back writes", async () => {
    const model = await createModel();
    const database = directDatabase();
    try {
      expect((await patchMeta(model.id, { inputCostPerMillionTokens: 150 })).status).toBe(200);
      expect((await patchMeta(model.id, { internalNotes: "staff only" })).status).toBe(200);
      // Refused by the rules: nothing written.
      await expectError(await adminPost(`/admin/models/${model.id}/unarchive`), 409);
      expect((await adminPost(`/admin/models/${model.id}/mark-legacy`, { deprecationNotice: "moving on" })).status).toBe(200);
      // Rolled back after its model, audit and history rows were written.
      await expect(lifecycleFailingAtTheAnswer(database.db).updateModelMeta(model.id, { inputCostPerMillionTokens: 999 })).rejects.toThrow(
        /could not be built/,
      );
      expect((await adminPost(`/admin/models/${model.id}/archive`, { reason: "gone" })).status).toBe(200);

      const history = await projected(database.db, model.id);
      expect(history.map(({ version, action }) => [version, action])).toEqual([
        [1, "create"],
        [2, "update_meta"],
        [3, "update_meta"],
        [4, "mark_legacy"],
        [5, "archive"],
      ]);
      expect(history.map((version) => version.entry.input_cost_per_million_tokens)).toEqual([100, 150, 150, 150, 150]);
      expect(history).toEqual(await replayed(database.db, model.id));
    } finally {
      await database.close();
    }
  });
});

describe("GET /v1/models/:id/history read from the projection", () => {
  it("fills a page past runs of staff-only versions, each page's first entry compared with the cursor's version", async () => {
    const model = await createModel();
    expect((await patchMeta(model.id, { inputCostPerMillionTokens: 110 })).status).toBe(200);
    for (const note of ["a", "b", "c", "d"]) expect((await patchMeta(model.id, { internalNotes: note })).status).toBe(200);
    expect((await patchMeta(model.id, { inputCostPerMillionTokens: 120 })).status).toBe(200);
    const pages: number[][] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const response = await call(`/v1/models/${model.id}/history?limit=1${cursor ? `&after=${cursor}` : ""}`);
      const page: { entries: { version: number; changes: object }[]; next_cursor: string | null } = await response.json();
      pages.push(page.entries.map((entry) => entry.version));
      if (page.entries[0]?.version === 7)
        expect(page.entries[0].changes).toEqual({ input_cost_per_million_tokens: { from: 110, to: 120 } });
      cursor = page.next_cursor;
    }
    expect(pages).toEqual([[1], [2], [7]]);
  });
});

describe("GET /v1/models/:alias/history and ?at=", () => {
  it("answer the history of the model the alias points at, and its entry then under the alias", async () => {
    const model = await createModel();
    const alias = uniqueId("alias");
    await createAlias(alias, model.id);
    expect((await patchMeta(model.id, { inputCostPerMillionTokens: 140 })).status).toBe(200);

    const direct = await call(`/v1/models/${model.id}/history`);
    const viaAlias = await call(`/v1/models/${alias}/history`);
    expect(viaAlias.status).toBe(200);
    const body = await viaAlias.json<{ model_id: string; entries: { version: number }[] }>();
    expect(body.model_id).toBe(model.id);
    expect(body).toEqual(await direct.json());
    expect(body.entries.map((entry) => entry.version)).toEqual([1, 2]);

    const then = await call(`/v1/models/${alias}?at=${new Date().toISOString()}`);
    expect(then.status).toBe(200);
    expect(then.headers.get("Memento-Datetime")).toBeTruthy();
    expect(await then.json()).toMatchObject({ id: alias, alias_for: model.id, input_cost_per_million_tokens: 140 });
    await expectError(
      await call(`/v1/models/${alias}?at=${new Date(Date.parse(model.created_at) - 60_000).toISOString()}`),
      404,
      "not_found",
    );
  });

  it("answer 410 for an alias whose target was archived then", async () => {
    const [model, successor] = [await createModel(), await createModel()];
    const alias = uniqueId("alias");
    await createAlias(alias, model.id);
    expect((await adminPost(`/admin/models/${model.id}/mark-legacy`, { replacementModelId: successor.id })).status).toBe(200);
    expect((await adminPost(`/admin/models/${model.id}/archive`, { reason: "gone" })).status).toBe(200);
    // Archiving re-points the alias to the successor: the alias now answers the successor's history.
    const body = await (await call(`/v1/models/${alias}/history`)).json<{ model_id: string }>();
    expect(body.model_id).toBe(successor.id);
    const archivedThen = await call(`/v1/models/${model.id}?at=${new Date().toISOString()}`);
    await expectError(archivedThen, 410, "model_archived");
  });
});
