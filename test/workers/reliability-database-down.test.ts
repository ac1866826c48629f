/**
 * The database down (a dead address, or a dead WebSocket proxy): public reads
 * keep answering from KV, stale-if-error when KV lacks the newest version;
 * admin writes and the cron fail with 503 / a logged error and change
 * nothing; /healthz says so; and everything resumes once the database is back.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HEAD_FRESH_MS } from "../../src/catalog/isolate-memo";
import { HEAD_KEY, LAST_KEY, parseVersion } from "../../src/catalog/kv-layout";
import { routeTable } from "../../src/routes";
import { forgetMemoizedCatalog } from "../isolate-memo";
import { storedIndex } from "./support/cache";
import { adminPost, adminToken, call, expectError, runCron } from "./support/client";
import { type AdminModel, createModel, inDays, modelState, sampleMeta, uniqueId, uniqueProvider } from "./support/fixtures";
import {
  callWith,
  captureConsole,
  deadDatabaseEnv,
  deadProxyEnv,
  directDatabase,
  eventually,
  expectNoInternals,
  expectNoSecrets,
  type TestEnv,
} from "./support/reliability";
import { exampleBody, isWrite, pathFor, prepareFor, type Route, routeName } from "./support/routes";

interface PublicModel {
  id: string;
  display_name: string;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** The version named by the ETag of the full list: "c<epoch>.<version>-<tier>-all". */
const listVersion = async () => Number(/^(?:W\/)?"c\w*\.(\d+)-/.exec((await call("/v1/models")).headers.get("ETag") ?? "")?.[1]);

/** Waits until catalog:last names a stored version that includes `id` (it is advanced in the background). */
async function lastIncludes(id: string) {
  await eventually(async () => {
    const last = parseVersion(await env.MODEL_CACHE.get(LAST_KEY));
    const index = last && (await storedIndex(env.MODEL_CACHE, last));
    expect(index && [...index.byId.keys()]).toContain(id);
  });
}

/** The test's KV, except that the entries of a new catalog version cannot be stored (head and pointer puts pass). */
function kvLosingVersionEntries(): KVNamespace {
  const kv = env.MODEL_CACHE;
  return new Proxy(kv, {
    get(target, property) {
      if (property === "put") {
        return async (key: string, ...rest: unknown[]) => {
          if (/^catalog:\w+:v\d+:/.test(key)) throw new Error("KV PUT failed: 500 Internal Server Error");
          return (target.put as (...args: unknown[]) => Promise<void>)(key, ...rest);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("public reads while the database is down", () => {
  it("list, filtered list, details and the access gate answer from KV, without touching the database", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider, meta: { displayName: "Cached" } });
    // A fresh isolate: nothing in memory, only what the write stored in KV.
    forgetMemoizedCatalog();
    const down = deadDatabaseEnv();

    for (const path of ["/v1/models", `/v1/models?provider=${provider}`, `/v1/models/${model.id}`, `/v1/models/${model.id}/access`]) {
      const response = await callWith(down, path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("X-Cache"), path).toBe("HIT");
      expect(await response.text(), path).toContain(model.id);
    }
  });

  it("serves the newest complete catalog in KV, marked X-Cache: STALE, when the head's entries are missing", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider, meta: { displayName: "Before" } });
    await lastIncludes(model.id);
    // A write commits and moves the head, but the new version's entries never reach KV.
    const patched = await callWith({ ...env, MODEL_CACHE: kvLosingVersionEntries() }, `/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token: await adminToken(),
      json: { displayName: "After" },
    });
    expect(patched.status).toBe(200);
    // Another isolate, with the database down: the head names a version it can neither read from KV nor refill.
    forgetMemoizedCatalog();
    const logs = captureConsole();
    const down = deadDatabaseEnv();

    const detail = await callWith(down, `/v1/models/${model.id}`);
    expect(detail.status).toBe(200);
    expect(detail.headers.get("X-Cache")).toBe("STALE");
    expect((await detail.json<PublicModel>()).display_name).toBe("Before");
    for (const path of ["/v1/models", `/v1/models?provider=${provider}`]) {
      const list = await callWith(down, path);
      expect(list.status, path).toBe(200);
      expect(list.headers.get("X-Cache"), path).toBe("STALE");
      expect((await list.json<{ models: PublicModel[] }>()).models.find((m) => m.id === model.id)?.display_name, path).toBe("Before");
    }
    const access = await callWith(down, `/v1/models/${model.id}/access`);
    expect(access.status).toBe(200);
    expect(access.headers.get("X-Cache")).toBe("STALE");
    expect(logs.events("catalog_served_stale").length).toBeGreaterThan(0);
    expectNoInternals(logs.lines.join("\n"));

    // The database is back: the same app serves the newest version at once, no restart, no STALE.
    const back = await callWith(env, `/v1/models/${model.id}`);
    expect(back.status).toBe(200);
    expect(back.headers.get("X-Cache")).toBe("MISS");
    expect((await back.json<PublicModel>()).display_name).toBe("After");
    expect((await call(`/v1/models?provider=${provider}`)).headers.get("X-Cache")).not.toBe("STALE");
  });

  it("serves this isolate's last catalog as STALE when KV cannot be read either", async () => {
    const model = await createModel({ provider: uniqueProvider(), meta: { displayName: "Remembered" } });
    forgetMemoizedCatalog();
    expect((await call(`/v1/models/${model.id}`)).status).toBe(200);
    // Past the time a head read is trusted (HEAD_FRESH_MS), so the next request asks KV again.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + HEAD_FRESH_MS + 1);
    const failingKv = new Proxy(env.MODEL_CACHE, {
      get: () => () => {
        throw new Error("KV unavailable");
      },
    });

    const response = await callWith({ ...deadDatabaseEnv(), MODEL_CACHE: failingKv }, `/v1/models/${model.id}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("X-Cache")).toBe("STALE");
    expect((await response.json<PublicModel>()).display_name).toBe("Remembered");
    vi.useRealTimers();
  });

  it("answers 503 database_unavailable, with Retry-After and nothing internal, when nothing is cached at all", async () => {
    await createModel({ provider: uniqueProvider() });
    forgetMemoizedCatalog();
    await env.MODEL_CACHE.delete(HEAD_KEY);
    await env.MODEL_CACHE.delete(LAST_KEY);
    const logs = captureConsole();

    for (const path of ["/v1/models", "/v1/models/gpt-4", "/v1/models/gpt-4/access"]) {
      const response = await callWith(deadDatabaseEnv(), path);
      expect(response.headers.get("Retry-After"), path).toBe("5");
      expect(response.headers.get("Cache-Control"), path).toBe("no-store");
      const body = await expectError(response.clone(), 503, "database_unavailable");
      expectNoInternals(JSON.stringify(body));
    }
    expectNoInternals(logs.lines.join("\n"));
    expect(logs.events("request_failed").length).toBe(3);

    // Back: the next read refills and republishes the cache.
    const back = await call("/v1/models");
    expect(back.status).toBe(200);
    expect(back.headers.get("X-Cache")).toBe("MISS");
  });
});

describe("admin while the database is down", () => {
  it("refuses every admin route with 503 database_unavailable and changes nothing; a retry succeeds once it is back", async () => {
    const target = await createModel({ provider: uniqueProvider() });
    const replacement = await createModel({ provider: target.provider });
    const newId = uniqueId("down");
    const token = await adminToken();
    // Every admin route of the route table; each write on a model of its own, in the state it needs to succeed.
    const requests: Array<{ route: Route; model: AdminModel; json: object | undefined }> = [];
    for (const route of routeTable.filter((candidate) => candidate.path.startsWith("/admin/"))) {
      const model = isWrite(route) && route.path.includes("{id}") ? await createModel({ provider: target.provider }) : target;
      await prepareFor(route, model.id);
      requests.push({ route, model, json: exampleBody(route, { model, replacement, newId }) });
    }
    const models = [...new Set([target, ...requests.map((request) => request.model)])];
    const before = [];
    for (const model of models) before.push(await modelState(model.id));
    const down = deadDatabaseEnv();
    const logs = captureConsole();

    const keyed = await callWith(down, "/admin/models", {
      token,
      json: { id: newId, name: newId, provider: "acme", meta: sampleMeta() },
      headers: { "Idempotency-Key": `k-${newId}` },
    });
    expect(keyed.headers.get("Cache-Control")).toBe("no-store");
    expectNoInternals(JSON.stringify(await expectError(keyed, 503, "database_unavailable")));
    for (const { route, model, json } of requests) {
      const version = before[models.indexOf(model)]?.model?.row_version;
      const response = await callWith(down, pathFor(route, model.id), {
        method: route.method.toUpperCase(),
        token,
        json,
        ...(isWrite(route) && route.path.includes("{id}") && { headers: { "If-Match": `"${version}"` } }),
      });
      expect(response.headers.get("Cache-Control"), routeName(route)).toBe("no-store");
      expectNoInternals(JSON.stringify(await expectError(response, 503, "database_unavailable")));
    }
    // An admin's view of the public list needs the database too.
    await expectError(await callWith(down, "/v1/models?includeArchived=true", { token }), 503, "database_unavailable");
    expectNoInternals(logs.lines.join("\n"));
    vi.restoreAllMocks();

    const after = [];
    for (const model of models) after.push(await modelState(model.id));
    expect(after).toEqual(before);
    expect((await modelState(newId)).model).toBeUndefined();
    // The failed attempt did not burn its Idempotency-Key: the retry is a first attempt.
    const retry = await call("/admin/models", {
      token,
      json: { id: newId, name: newId, provider: "acme", meta: sampleMeta() },
      headers: { "Idempotency-Key": `k-${newId}` },
    });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await call(`/admin/models/${target.id}/meta`, { method: "PATCH", token, json: { displayName: "Now" } })).status).toBe(200);
  });
});

describe("GET /healthz/ready", () => {
  it.each([
    ["a dead database address", deadDatabaseEnv],
    ["a dead WebSocket proxy", deadProxyEnv],
  ] as Array<[string, () => TestEnv]>)(
    "answers 503 with the database unreachable for %s, and 200 again once it is back",
    async (_, broken) => {
      const logs = captureConsole();
      const response = await callWith(broken(), "/healthz/ready");
      expect(response.status).toBe(503);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(await response.json()).toMatchObject({ status: "degraded", database: { reachable: false } });
      expect(logs.events("healthz_database_unreachable")).toHaveLength(1);
      expectNoInternals(logs.lines.join("\n"));

      const back = await callWith(env, "/healthz/ready");
      expect(back.status).toBe(200);
      expect(await back.json()).toMatchObject({ status: "ok", database: { reachable: true } });
    },
  );
});

describe("the sunset cron while the database is down", () => {
  it("fails the run with a logged error and changes nothing; the next run archives what is due", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    expect((await adminPost(`/admin/models/${model.id}/mark-legacy`, { sunsetDate: inDays(3 * 365) })).status).toBe(200);
    // Make this model (and no other: the date is long past for every test's models) due, straight in the database.
    const sunset = Date.parse("2015-06-01T00:00:00Z") + Math.floor(Math.random() * 86_400_000);
    const handle = directDatabase();
    try {
      await handle.db.execute(
        sql`UPDATE models SET meta = jsonb_set(meta, '{sunsetDate}', to_jsonb(${new Date(sunset).toISOString()}::text)) WHERE id = ${model.id}`,
      );
    } finally {
      await handle.close();
    }
    const before = await modelState(model.id);
    const failedRunAt = sunset + 60_000;
    const logs = captureConsole();

    await expect(runCron(failedRunAt, deadDatabaseEnv())).rejects.toThrow();

    const failures = logs.events("scheduled_run_failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]?.runId).toMatch(new RegExp(`^cron-${failedRunAt}-`));
    // The first job could not reach the database: none ran to the end.
    expect(failures[0]).toMatchObject({ failedJob: "scheduled_changes", jobs: {} });
    // No secrets (and no SQL or stack trace: see the next test).
    expectNoSecrets(logs.lines.join("\n"));
    vi.restoreAllMocks();
    const after = await modelState(model.id);
    // Nothing this run did stayed: no audit row carries its id (another test file's cron may have archived the model meanwhile).
    expect(after.audit.filter((entry) => entry.request_id?.startsWith(`cron-${failedRunAt}-`))).toEqual([]);
    if (!after.model?.is_archived) expect(after).toEqual(before);

    // The next run, with the database back: the model is archived once, as system:sunset.
    await runCron(failedRunAt + 15 * 60_000);
    const retried = await modelState(model.id);
    expect(retried.model?.is_archived).toBe(true);
    expect(retried.audit.filter((entry) => entry.actor === "system:sunset" && entry.action === "archive")).toHaveLength(1);
    expect((await call(`/v1/models/${model.id}`)).status).toBe(410);
  });

  it("logs the failed run without SQL or a stack trace", async () => {
    const logs = captureConsole();
    await runCron(Date.parse("2015-01-01T00:00:00Z"), deadDatabaseEnv()).catch(() => {});
    expect(logs.events("scheduled_run_failed")).toHaveLength(1);
    expectNoInternals(logs.lines.join("\n"));
  });
});

describe("recovery", () => {
  it("needs no restart: the app that saw the outage serves reads and writes as soon as the database answers", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider });
    expect((await callWith(deadDatabaseEnv(), "/healthz/ready")).status).toBe(503);
    const versionBefore = await listVersion();

    const patched = await callWith(env, `/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token: await adminToken(),
      json: { displayName: "Recovered" },
    });
    expect(patched.status).toBe(200);
    expect(await listVersion()).toBeGreaterThan(versionBefore);
    const detail = await callWith(env, `/v1/models/${model.id}`);
    expect((await detail.json<PublicModel>()).display_name).toBe("Recovered");
  });
});
