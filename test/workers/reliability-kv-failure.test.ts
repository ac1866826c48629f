/**
 * Workers KV failing (a binding whose every call throws or rejects): reads
 * fall back to the database; admin writes still commit, audit and answer
 * success, because publishing to KV happens after the commit and must never
 * turn a committed write into an error. A failed publish is logged, and
 * CatalogCache.repairHead() puts the head right once KV is back.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CatalogCache } from "../../src/catalog/cache";
import { HEAD_KEY, parseVersion } from "../../src/catalog/kv-layout";
import type { DatabaseHandle } from "../../src/db/client";
import { forgetMemoizedCatalog } from "../isolate-memo";
import { adminToken, call } from "./support/client";
import { createModel, modelState, sampleMeta, uniqueId, uniqueProvider } from "./support/fixtures";
import { callWith, captureConsole, directDatabase, expectNoInternals } from "./support/reliability";

interface PublicModel {
  id: string;
  display_name: string;
}

/** A KV binding whose every method fails: synchronously (a throw) or asynchronously (a rejection). */
function brokenKv(mode: "throws" | "rejects"): KVNamespace {
  const failure = () => new Error("KV is unavailable: 503 Service Unavailable");
  return new Proxy({} as KVNamespace, {
    get: () =>
      mode === "throws"
        ? () => {
            throw failure();
          }
        : () => Promise.reject(failure()),
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(["throws", "rejects"] as const)("a KV binding whose every call %s", (mode) => {
  const kvDown = () => ({ ...env, MODEL_CACHE: brokenKv(mode) });

  it("reads fall back to the database and answer, marked X-Cache: BYPASS", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider, meta: { displayName: "From the database" } });
    forgetMemoizedCatalog();

    for (const path of ["/v1/models", `/v1/models?provider=${provider}`, `/v1/models/${model.id}`, `/v1/models/${model.id}/access`]) {
      const response = await callWith(kvDown(), path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("X-Cache"), path).toBe("BYPASS");
      expect(await response.text(), path).toContain(model.id);
    }
    const list = await (await callWith(kvDown(), `/v1/models?provider=${provider}`)).json<{ models: PublicModel[] }>();
    expect(list.models).toEqual([expect.objectContaining({ id: model.id, display_name: "From the database" })]);
  });

  it("admin writes commit, write their audit rows and answer success; the failed publish is logged", async () => {
    const token = await adminToken();
    const id = uniqueId("kvdown");
    const logs = captureConsole();

    const started = Date.now();
    const created = await callWith(kvDown(), "/admin/models", {
      token,
      json: { id, name: id, provider: uniqueProvider(), meta: sampleMeta() },
    });
    // No waiting out KV's per-key write limit when not one put lands: the outage does not stall admins.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(created.status, await created.clone().text()).toBe(201);
    const patched = await callWith(kvDown(), `/admin/models/${id}/meta`, { method: "PATCH", token, json: { displayName: "Patched" } });
    expect(patched.status).toBe(200);
    const archived = await callWith(kvDown(), `/admin/models/${id}/archive`, { token, json: { reason: "kv outage drill" } });
    expect(archived.status).toBe(200);
    expect((await archived.json<{ model: { is_archived: boolean } }>()).model.is_archived).toBe(true);

    const published = [...logs.events("catalog_publish_failed"), ...logs.events("catalog_head_publish_failed")];
    expect(published.length).toBeGreaterThanOrEqual(3);
    expectNoInternals(logs.lines.join("\n"));
    vi.restoreAllMocks();

    const { model, audit } = await modelState(id);
    expect(model).toMatchObject({ is_archived: true, meta: expect.objectContaining({ displayName: "Patched" }) });
    expect(audit.map((entry) => entry.action)).toEqual(["archive", "update_meta", "create"]);
    // With KV healthy again, clients see the committed state.
    expect((await call(`/v1/models/${id}`)).status).toBe(410);
  }, 20_000);
});

describe("a publish that failed after its write committed", () => {
  let handle: DatabaseHandle;
  beforeEach(() => {
    handle = directDatabase();
    forgetMemoizedCatalog();
  });
  afterEach(async () => {
    forgetMemoizedCatalog();
    await handle.close();
  });

  /** This file's KV, with puts that fail while `failing` is set. */
  function flakyKv() {
    const kv = env.MODEL_CACHE;
    const state = { failing: false };
    const wrapped = new Proxy(kv, {
      get(target, property) {
        if (property === "put" && state.failing) return async () => Promise.reject(new Error("KV PUT failed: 500"));
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return { kv: wrapped, state };
  }

  it("publish() never rejects: the database gone right after the commit is logged, not thrown at the writer", async () => {
    const logs = captureConsole();
    const goneDatabase = () => {
      throw new Error("Connection terminated unexpectedly");
    };
    const cache = new CatalogCache(env.MODEL_CACHE, goneDatabase as never, () => {});
    await expect(cache.publish(1)).resolves.toBeUndefined();
    expect(logs.events("catalog_publish_failed")).toEqual([expect.objectContaining({ level: "error", version: 1 })]);
    await expect(cache.repairHead()).resolves.toBe(false);
    expect(logs.events("catalog_repair_failed")).toHaveLength(1);
  });

  it("leaves the previous catalog in KV until repairHead() publishes the committed one", async () => {
    const provider = uniqueProvider();
    await createModel({ provider });
    const { kv, state } = flakyKv();
    const headBefore = await env.MODEL_CACHE.get(HEAD_KEY);

    state.failing = true;
    const id = uniqueId("unpublished");
    const created = await callWith({ ...env, MODEL_CACHE: kv }, "/admin/models", {
      token: await adminToken(),
      json: { id, name: id, provider, meta: sampleMeta() },
    });
    expect(created.status).toBe(201);
    expect(await env.MODEL_CACHE.get(HEAD_KEY)).toBe(headBefore);

    // Another isolate still serves the version KV names: the window the log line reports.
    forgetMemoizedCatalog();
    const ids = async () =>
      (await (await call(`/v1/models?provider=${provider}`)).json<{ models: PublicModel[] }>()).models.map((m) => m.id);
    expect(await ids()).not.toContain(id);

    // KV is back: the repair publishes the database's version, and readers see the write.
    state.failing = false;
    const waits: Array<Promise<unknown>> = [];
    const cache = new CatalogCache(
      kv,
      () => handle.db,
      (promise) => void waits.push(promise),
    );
    expect(await cache.repairHead()).toBe(true);
    await Promise.allSettled(waits);
    forgetMemoizedCatalog();
    expect(await ids()).toContain(id);
    expect(parseVersion(await env.MODEL_CACHE.get(HEAD_KEY))?.version).toBeGreaterThan(parseVersion(headBefore)?.version ?? 0);
  });
});
