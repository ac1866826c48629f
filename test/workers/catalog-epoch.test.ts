/**
 * The catalog epoch (docs/cache.md): a database restore makes the catalog
 * version go backwards; the cache must then follow the database, not the
 * catalog it cached before the restore.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CatalogCache } from "../../src/catalog/cache";
import { HEAD_KEY, parseVersion } from "../../src/catalog/kv-layout";
import type { DatabaseHandle } from "../../src/db/client";
import { forgetMemoizedCatalog } from "../isolate-memo";
import { adminToken, call, userToken } from "./support/client";
import { createModel, uniqueProvider } from "./support/fixtures";
import { captureConsole, directDatabase } from "./support/reliability";

const idsOf = async (provider: string) =>
  ((await (await call(`/v1/models?provider=${provider}`)).json()) as { models: Array<{ id: string }> }).models.map((m) => m.id);

let handle: DatabaseHandle;
beforeEach(() => {
  handle = directDatabase();
});
afterEach(async () => {
  await handle.close();
});

/**
 * What a point-in-time restore does to the catalog: the models written since
 * are gone and the version is back where it was. The epoch comes back too
 * (it is restored with the row), as nobody reset it.
 */
async function restoreToBefore(ids: string[]) {
  await handle.db.transaction(async (tx) => {
    await tx.execute(
      sql`DELETE FROM models WHERE id IN (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
    await tx.execute(sql`UPDATE catalog_state SET version = version - ${ids.length}`);
    // The change feed is restored with them: its events are keyed by the catalog version.
    const later = sql`(SELECT id FROM change_events WHERE catalog_version > (SELECT version FROM catalog_state))`;
    await tx.execute(sql`DELETE FROM webhook_deliveries WHERE event_id IN ${later}`);
    await tx.execute(sql`DELETE FROM sunset_announcements WHERE event_id IN ${later}`);
    await tx.execute(sql`DELETE FROM change_events WHERE catalog_version > (SELECT version FROM catalog_state)`);
  });
}

describe("a database restore (the catalog version goes backwards)", () => {
  it("the next write starts a new epoch: models written after the restore point vanish, the new one shows", async () => {
    const provider = uniqueProvider();
    const kept = await createModel({ provider });
    const lost = [await createModel({ provider }), await createModel({ provider })];
    expect(await idsOf(provider)).toEqual(expect.arrayContaining([kept.id, ...lost.map((m) => m.id)]));
    const before = parseVersion(await env.MODEL_CACHE.get(HEAD_KEY));
    const etagBefore = (await call("/v1/models")).headers.get("ETag");

    await restoreToBefore(lost.map((m) => m.id));
    const logs = captureConsole();
    const after = await createModel({ provider });

    expect(logs.events("catalog_epoch_started")).toEqual([expect.objectContaining({ reason: "database_behind_cache" })]);
    const head = parseVersion(await env.MODEL_CACHE.get(HEAD_KEY));
    expect(head?.epoch).not.toBe(before?.epoch);
    expect((await idsOf(provider)).sort()).toEqual([kept.id, after.id].sort());
    for (const model of lost) expect((await call(`/v1/models/${model.id}`)).status).toBe(404);
    expect((await call("/v1/models")).headers.get("ETag")).not.toBe(etagBefore);
  });

  it("the cron's repair notices it without any write, and warm isolates follow", async () => {
    const provider = uniqueProvider();
    const kept = await createModel({ provider });
    const lost = await createModel({ provider });
    expect(await idsOf(provider)).toContain(lost.id);

    await restoreToBefore([lost.id]);
    // This isolate is warm: it still serves what it cached before the restore.
    expect(await idsOf(provider)).toContain(lost.id);
    const waits: Array<Promise<unknown>> = [];
    const cache = new CatalogCache(
      env.MODEL_CACHE,
      () => handle.db,
      (promise) => void waits.push(promise),
    );
    expect(await cache.repairHead()).toBe(true);
    await Promise.allSettled(waits);

    expect(await idsOf(provider)).toEqual([kept.id]);
    expect((await call(`/v1/models/${lost.id}/access`, { token: await userToken("pro") })).status).toBe(404);
    // And an isolate that never saw the new epoch: it follows the head.
    forgetMemoizedCatalog();
    expect(await idsOf(provider)).toEqual([kept.id]);
  });
});

describe("POST /admin/cache/reset", () => {
  it("starts a new epoch: every ETag changes, reads are served from the cache at once", async () => {
    await createModel({ provider: uniqueProvider() });
    const before = await call("/v1/models");
    const reset = await call("/admin/cache/reset", { token: await adminToken(), json: {} });
    expect(reset.status).toBe(200);
    const body = (await reset.json()) as { epoch: string; version: number };
    expect(parseVersion(await env.MODEL_CACHE.get(HEAD_KEY))).toEqual(body);
    const after = await call("/v1/models");
    expect(after.headers.get("ETag")).not.toBe(before.headers.get("ETag"));
    expect(after.headers.get("X-Cache")).toBe("HIT");
    expect(await after.text()).toBe(await before.text());
    // Revalidation with the old ETag gets the full answer.
    expect((await call("/v1/models", { headers: { "If-None-Match": before.headers.get("ETag") as string } })).status).toBe(200);
  });

  it("is for admins only", async () => {
    expect((await call("/admin/cache/reset", { token: await userToken("enterprise_max"), json: {} })).status).toBe(403);
    expect((await call("/admin/cache/reset", { json: {} })).status).toBe(401);
  });
});
