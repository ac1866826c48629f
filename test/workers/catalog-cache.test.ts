/**
 * The KV-cached catalog: over HTTP (Miniflare's KV, strongly consistent),
 * then the races KV's real behaviour allows, against a stubbed KV: slow
 * refills, out-of-order publishes, the one-write-per-second limit, KV outages.
 */
import { env } from "cloudflare:workers";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { catalogState } from "../../drizzle/schema";
import { CatalogCache } from "../../src/catalog/cache";
import { HEAD_KEY, indexKey, LAST_KEY, parseVersion } from "../../src/catalog/kv-layout";
import { snapshotFromRows } from "../../src/catalog/snapshot";
import { publicListView } from "../../src/catalog/views";
import { ChangeOutbox } from "../../src/changes/outbox";
import { loadConfig } from "../../src/config";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";
import type { SubscriptionTier } from "../../src/domain/model-meta";
import { Lifecycle } from "../../src/lifecycle/lifecycle";
import { readCatalog } from "../../src/queries/catalog";
import { forgetMemoizedCatalog } from "../isolate-memo";
import { storedIndex } from "./support/cache";
import { adminPost, adminToken, call, type ErrorBody, userToken } from "./support/client";
import { createModel, sampleMeta, uniqueProvider } from "./support/fixtures";
import { callWith } from "./support/reliability";

interface ListBody {
  models: Array<{ id: string; display_name: string }>;
  total: number;
  user_tier: string;
}

const patchMeta = async (id: string, meta: Record<string, unknown>) => {
  const response = await call(`/admin/models/${id}/meta`, { method: "PATCH", token: await adminToken(), json: meta });
  expect(response.status).toBe(200);
};

/** A cold cache, as on a first deploy: no head in KV, nothing memoized in the isolate. */
async function coldCache() {
  await env.MODEL_CACHE.delete(HEAD_KEY);
  forgetMemoizedCatalog();
}

describe("GET /v1/models caching", () => {
  it("answers X-Cache: MISS on a cold cache, then HIT for the same request", async () => {
    await createModel({ provider: uniqueProvider() });
    await coldCache();
    const first = await call("/v1/models");
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    const second = await call("/v1/models");
    expect(second.headers.get("X-Cache")).toBe("HIT");
    expect(await second.text()).toBe(await first.text());
  });

  it("answers a miss (streamed out before the refill is stored) with every byte a hit answers", async () => {
    await createModel({ provider: uniqueProvider() });
    await coldCache();
    const miss = await call("/v1/models");
    expect(miss.headers.get("X-Cache")).toBe("MISS");
    const missBytes = new Uint8Array(await miss.arrayBuffer());
    const hit = await call("/v1/models");
    expect(hit.headers.get("X-Cache")).toBe("HIT");
    expect(new Uint8Array(await hit.arrayBuffer())).toEqual(missBytes);
  });

  it("serves filtered lists from the cached catalog too", async () => {
    const provider = uniqueProvider();
    await createModel({ provider });
    await coldCache();
    const first = await call(`/v1/models?provider=${provider}`);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    const second = await call(`/v1/models?provider=${provider}&capability=text`);
    expect(second.headers.get("X-Cache")).toBe("HIT");
  });

  it("answers 304 when the catalog is unchanged", async () => {
    await createModel({ provider: uniqueProvider() });
    for (const query of ["", `?provider=${uniqueProvider()}`, "?capability=vision&available=true"]) {
      const first = await call(`/v1/models${query}`);
      const etag = first.headers.get("ETag");
      expect(etag, query).toMatch(/^(W\/)?"[^"]+"$/);
      const again = await call(`/v1/models${query}`, { headers: { "If-None-Match": etag as string } });
      expect(again.status, query).toBe(304);
      expect(again.headers.get("ETag")).toBe(etag);
      expect(await again.text()).toBe("");
      // Weak comparison and lists of ETags, as RFC 9110 allows.
      const strong = (etag as string).replace(/^W\//, "");
      expect((await call(`/v1/models${query}`, { headers: { "If-None-Match": `"other", W/${strong}` } })).status).toBe(304);
      expect((await call(`/v1/models${query}`, { headers: { "If-None-Match": strong } })).status).toBe(304);
    }
  });

  it("keeps ETags apart per tier and per filter", async () => {
    const provider = uniqueProvider();
    await createModel({ provider });
    const etags = new Set<string | null>();
    for (const [query, token] of [
      ["", undefined],
      ["", await userToken("pro")],
      [`?provider=${provider}`, undefined],
      [`?provider=${provider}&capability=code`, undefined],
    ] as const) {
      etags.add((await call(`/v1/models${query}`, token ? { token } : {})).headers.get("ETag"));
    }
    expect(etags.size).toBe(4);
  });

  it("answers 200 with a new ETag after an admin write, and shows the change", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider, meta: { displayName: "Before" } });
    for (const query of ["", `?provider=${provider}`]) {
      const before = await call(`/v1/models${query}`);
      const etag = before.headers.get("ETag") as string;
      expect((await before.json<ListBody>()).models.find((m) => m.id === model.id)?.display_name).toMatch(/^(Before|After.*)$/);
      const name = `After ${crypto.randomUUID().slice(0, 6)}`;
      await patchMeta(model.id, { displayName: name });
      const after = await call(`/v1/models${query}`, { headers: { "If-None-Match": etag } });
      expect(after.status, query).toBe(200);
      expect(after.headers.get("ETag")).not.toBe(etag);
      expect((await after.json<ListBody>()).models.find((m) => m.id === model.id)?.display_name).toBe(name);
    }
  });

  it("drops an archived model from the list, and its detail answers 410, right after the archive call", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider });
    // Warm every cached view first, so a stale cache would show.
    for (const path of ["/v1/models", `/v1/models?provider=${provider}`, `/v1/models/${model.id}`]) {
      const response = await call(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(model.id);
    }
    expect((await call(`/v1/models/${model.id}`)).headers.get("X-Cache")).toBe("HIT");
    expect((await adminPost(`/admin/models/${model.id}/archive`, { reason: "retired" })).status).toBe(200);
    expect((await (await call("/v1/models")).json<ListBody>()).models.map((m) => m.id)).not.toContain(model.id);
    expect((await (await call(`/v1/models?provider=${provider}`)).json<ListBody>()).total).toBe(0);
    const detail = await call(`/v1/models/${model.id}`);
    expect(detail.status).toBe(410);
    expect((await detail.json<ErrorBody>()).error.code).toBe("model_archived");
    expect((await call(`/v1/models/${model.id}/access`)).status).toBe(410);
  });

  it("shows a new model right after it is created", async () => {
    const provider = uniqueProvider();
    await call("/v1/models");
    const model = await createModel({ provider });
    expect((await (await call("/v1/models")).json<ListBody>()).models.map((m) => m.id)).toContain(model.id);
    expect((await call(`/v1/models/${model.id}`)).status).toBe(200);
  });

  it("sends Cache-Control suited to a per-tier answer, and Vary: Authorization", async () => {
    const anonymous = await call("/v1/models");
    expect(anonymous.headers.get("Cache-Control")).toMatch(/^public\b/);
    expect(anonymous.headers.get("Cache-Control")).toMatch(/must-revalidate|no-cache/);
    // A CDN in front may keep the anonymous answer briefly; browsers revalidate every time.
    expect(anonymous.headers.get("Cache-Control")).toMatch(/\bs-maxage=([1-9]\d?)\b/);
    expect(anonymous.headers.get("Cache-Control")).toMatch(/\bmax-age=0\b/);
    expect(anonymous.headers.get("Vary")).toMatch(/\bAuthorization\b/i);
    const user = await call("/v1/models", { token: await userToken("pro") });
    // Per-user answers may sit in the user's cache only.
    expect(user.headers.get("Cache-Control")).toMatch(/^private\b/);
    expect(user.headers.get("Cache-Control")).not.toMatch(/s-maxage/);
    expect(user.headers.get("Vary")).toMatch(/\bAuthorization\b/i);
    const notModified = await call("/v1/models", { headers: { "If-None-Match": anonymous.headers.get("ETag") as string } });
    expect(notModified.headers.get("Vary")).toMatch(/\bAuthorization\b/i);
    expect(notModified.headers.get("Cache-Control")).toBe(anonymous.headers.get("Cache-Control"));
  });

  it("serves the first read after a write from the cache: the writer stored the new version before publishing it", async () => {
    const provider = uniqueProvider();
    await call("/v1/models");
    const model = await createModel({ provider });
    for (const path of ["/v1/models", `/v1/models?provider=${provider}`, `/v1/models/${model.id}`]) {
      const response = await call(path);
      expect(response.headers.get("X-Cache"), path).toBe("HIT");
      expect(await response.text(), path).toContain(model.id);
    }
  });

  it("sends the whole list compressed to clients that accept br or gzip, identity otherwise, under one weak ETag", async () => {
    await createModel({ provider: uniqueProvider() });
    // The app's own Response (callWith), not through the runtime's HTTP layer, whose fetch() decompresses.
    const get = (headers: Record<string, string>) => callWith(env, "/v1/models", { headers });
    const identity = await get({ "Accept-Encoding": "identity" });
    const plain = await identity.text();
    const etags = new Set([identity.headers.get("ETag")]);
    expect(identity.headers.get("Content-Encoding")).toBeNull();
    for (const [accept, encoding] of [
      ["gzip, deflate", "gzip"],
      ["gzip;q=0.5, br", "br"],
      ["br;q=0, gzip", "gzip"],
      ["*", "br"],
    ] as const) {
      const response = await get({ "Accept-Encoding": accept });
      expect(response.headers.get("Content-Encoding"), accept).toBe(encoding);
      expect(response.headers.get("Vary")).toMatch(/\bAccept-Encoding\b/);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const decoded = encoding === "br" ? brotliDecompressSync(bytes) : gunzipSync(bytes);
      expect(new TextDecoder().decode(decoded), accept).toBe(plain);
      expect(bytes.byteLength).toBeLessThan(new TextEncoder().encode(plain).byteLength / 3);
      const etag = response.headers.get("ETag") as string;
      // The same JSON in another coding: the same (weak) tag, and a 304 whichever coding revalidates.
      expect((await get({ "Accept-Encoding": accept, "If-None-Match": etag })).status).toBe(304);
      expect((await get({ "If-None-Match": etag })).status).toBe(304);
      etags.add(etag);
    }
    expect(etags.size).toBe(1);
  });

  it("tells hits from misses on details too", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    await coldCache();
    expect((await call(`/v1/models/${model.id}`)).headers.get("X-Cache")).toBe("MISS");
    expect((await call(`/v1/models/${model.id}`)).headers.get("X-Cache")).toBe("HIT");
  });
});

/**
 * A KVNamespace with the behaviours Miniflare's does not have: puts that can
 * be held back (a slow refill), the one-write-per-key-per-second limit, and
 * failing reads.
 */
class StubKv {
  readonly data = new Map<string, string | Uint8Array>();
  readonly puts: string[] = [];
  readonly rejectedPuts: string[] = [];
  private readonly lastPut = new Map<string, number>();
  private held: Array<() => void> = [];
  private holding: ((key: string) => boolean) | undefined;
  private heldReads: Array<() => void> = [];
  private holdingReads: ((key: string) => boolean) | undefined;
  /** Enforce KV's one write per key per second. */
  rateLimit = false;
  failReads = false;

  /** Holds back puts of matching keys until release(). */
  hold(matching: (key: string) => boolean) {
    this.holding = matching;
  }

  release() {
    this.holding = undefined;
    for (const resume of this.held.splice(0)) resume();
  }

  /** Holds back reads of matching keys until releaseReads(): a slow KV answer. */
  holdReads(matching: (key: string) => boolean) {
    this.holdingReads = matching;
  }

  releaseReads() {
    this.holdingReads = undefined;
    for (const resume of this.heldReads.splice(0)) resume();
  }

  async get(key: string, type?: "text" | "json" | "arrayBuffer" | { type: string }): Promise<unknown> {
    await Promise.resolve();
    if (this.holdingReads?.(key)) await new Promise<void>((resume) => this.heldReads.push(resume));
    if (this.failReads) throw new Error("KV GET failed: 500 Internal Server Error");
    const value = this.data.get(key);
    if (value === undefined) return null;
    const kind = typeof type === "object" ? type.type : (type ?? "text");
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
    if (kind === "arrayBuffer") return bytes.slice().buffer;
    const text = typeof value === "string" ? value : new TextDecoder().decode(value);
    return kind === "json" ? JSON.parse(text) : text;
  }

  async put(key: string, value: string | ArrayBuffer | ArrayBufferView): Promise<void> {
    if (this.holding?.(key)) await new Promise<void>((resume) => this.held.push(resume));
    const now = Date.now();
    const last = this.lastPut.get(key);
    if (this.rateLimit && last !== undefined && now - last < 1000) {
      this.rejectedPuts.push(key);
      throw new Error("KV PUT failed: 429 Too Many Requests");
    }
    this.lastPut.set(key, now);
    this.puts.push(key);
    this.data.set(
      key,
      typeof value === "string"
        ? value
        : ArrayBuffer.isView(value)
          ? new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength))
          : new Uint8Array(value),
    );
  }

  asKv = () => this as unknown as KVNamespace;
}

describe("catalog cache races (stubbed KV)", () => {
  let handle: DatabaseHandle;
  let background: Array<Promise<unknown>>;
  const waitUntil = (promise: Promise<unknown>) => void background.push(promise);
  const settle = async () => {
    while (background.length) await Promise.allSettled(background.splice(0));
  };
  const databaseVersion = async () => {
    const [row] = await handle.db.select({ version: catalogState.version }).from(catalogState);
    return row?.version as number;
  };
  const names = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body)) as ListBody;
  const list = (cache: CatalogCache, tier: SubscriptionTier) => cache.body(publicListView, tier, "identity");
  const headOf = (kv: StubKv) => parseVersion((kv.data.get(HEAD_KEY) as string | undefined) ?? null);

  beforeEach(() => {
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    handle = openDatabase(loaded.config);
    background = [];
    forgetMemoizedCatalog();
  });

  afterEach(async () => {
    await settle();
    forgetMemoizedCatalog();
    await handle.close();
  });

  it("a refill that read before a write but stores after the write's publish does not pin stale data", async () => {
    const kv = new StubKv();
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const model = await createModel({ provider: uniqueProvider(), meta: { displayName: "Before" } });
    const before = await databaseVersion();

    // The slow refill: reads the database now; its puts (this version's keys, then the head) reach KV late.
    kv.hold((key) => key.endsWith(`:v${before}:index`));
    forgetMemoizedCatalog(); // an isolate that has not seen this version (the write above went through this one)
    const stale = await list(cache, "free");
    expect(names(stale.body).models.find((m) => m.id === model.id)?.display_name).toBe("Before");

    // The write commits and publishes its version while the refill's puts are in flight.
    await patchMeta(model.id, { displayName: "After" });
    const writeVersion = await databaseVersion();
    expect(writeVersion).toBeGreaterThan(stale.at.version);
    await cache.publish(writeVersion);
    const putsBeforeRelease = kv.puts.length;
    kv.release();
    await settle();
    // The refill's keys did land, after the head moved on.
    expect(kv.puts.indexOf(indexKey(stale.at))).toBeGreaterThanOrEqual(putsBeforeRelease);
    expect((await storedIndex(kv.asKv(), stale.at))?.byId.get(model.id)?.model.display_name).toBe("Before");
    expect(headOf(kv)?.version).toBeGreaterThanOrEqual(writeVersion);

    // Readers follow the head to the newer version, in this isolate and in a fresh one.
    for (const fresh of [false, true]) {
      if (fresh) forgetMemoizedCatalog();
      const listed = await list(cache, "free");
      expect(listed.at.version).toBeGreaterThanOrEqual(writeVersion);
      expect(names(listed.body).models.find((m) => m.id === model.id)?.display_name, `fresh isolate: ${fresh}`).toBe("After");
      const { snapshot } = await cache.snapshot();
      expect(snapshot.byId.get(model.id)?.model.display_name, `fresh isolate: ${fresh}`).toBe("After");
      await settle();
    }
  });

  it("a slow KV read finishing after a write never puts the older catalog back in the isolate's memo", async () => {
    const kv = new StubKv();
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const model = await createModel({ provider: uniqueProvider() });
    const before = await databaseVersion();
    await cache.publish(before);
    const { snapshot: published } = await cache.snapshot(); // stores this version's index in KV
    await settle();
    forgetMemoizedCatalog();

    // Request A reads the stored index, slowly.
    kv.holdReads((key) => key === indexKey(published));
    const slow = cache.snapshot();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Meanwhile the model is archived and request B reads the new version.
    await adminPost(`/admin/models/${model.id}/archive`, { reason: "retired" });
    await cache.publish(await databaseVersion());
    expect((await cache.snapshot()).snapshot.archived.has(model.id)).toBe(true);
    // A's answer arrives: A may use it, later requests must not.
    kv.releaseReads();
    expect((await slow).snapshot.byId.has(model.id)).toBe(true);
    const later = await cache.snapshot();
    expect(later.snapshot.byId.has(model.id)).toBe(false);
    expect(later.snapshot.archived.has(model.id)).toBe(true);
  });

  it("serves from this isolate's newer catalog when the KV head lags the database, without a database read per request", async () => {
    const kv = new StubKv();
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const published = await databaseVersion();
    await cache.publish(published);
    // A write whose publish has not reached this KV (Miniflare's KV here, not the stub), while the
    // entries for the head's version are gone (expired): this isolate must read the database once.
    const model = await createModel({ provider: uniqueProvider() });
    for (const key of [...kv.data.keys()]) if (key.endsWith(`:v${published}:index`)) kv.data.delete(key);
    forgetMemoizedCatalog();
    const first = await list(cache, "free");
    expect(first.outcome).toBe("MISS");
    expect(names(first.body).models.map((m) => m.id)).toContain(model.id);
    await settle();
    const second = await list(cache, "free");
    expect(second.outcome).toBe("HIT");
    expect(second.at).toEqual(first.at);
    expect(names(second.body).models.map((m) => m.id)).toContain(model.id);
    // Other tiers' bodies come from the same catalog, and details too.
    expect((await list(cache, "pro")).outcome).toBe("HIT");
    expect((await cache.snapshot()).outcome).toBe("HIT");
  });

  it("a burst of publishes within KV's one-write-per-second limit ends at the newest version without throwing", async () => {
    const kv = new StubKv();
    kv.rateLimit = true;
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const provider = uniqueProvider();
    const versions: number[] = [];
    for (let i = 0; i < 3; i++) {
      await createModel({ provider });
      versions.push(await databaseVersion());
    }
    // Every writer publishes at once, as a burst of admin writes would.
    await expect(Promise.all(versions.map((version) => cache.publish(version)))).resolves.toBeDefined();
    // The limit was hit, and still the head is the newest version.
    expect(kv.rejectedPuts).toContain(HEAD_KEY);
    expect(headOf(kv)?.version).toBeGreaterThanOrEqual(versions.at(-1) as number);
    const { snapshot } = await cache.snapshot();
    expect(snapshot.models.filter(({ model }) => model.provider === provider)).toHaveLength(3);
  }, 20_000);

  it("two publishes landing out of order, older last, leave the newest version at the head", async () => {
    const kv = new StubKv();
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const provider = uniqueProvider();
    await createModel({ provider });
    const older = await databaseVersion();
    // The older writer's head put is delayed until the newer writer has published.
    let delayFirstHeadPut = true;
    kv.hold((key) => {
      if (key !== HEAD_KEY || !delayFirstHeadPut) return false;
      delayFirstHeadPut = false;
      return true;
    });
    const slowPublish = cache.publish(older);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await createModel({ provider });
    const newer = await databaseVersion();
    await cache.publish(newer);
    expect(headOf(kv)?.version).toBeGreaterThanOrEqual(newer);
    kv.release();
    await slowPublish;
    expect(headOf(kv)?.version).toBeGreaterThanOrEqual(newer);
    expect(kv.puts.filter((key) => key === HEAD_KEY).length).toBeGreaterThanOrEqual(3);
  });

  it("a stream of writes elsewhere does not keep a publisher chasing it", async () => {
    const kv = new StubKv();
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const model = await createModel({ provider: uniqueProvider() });
    // Other admins keep writing until this publish returns (or 15 s pass).
    let publishing = true;
    const writes = (async () => {
      const stopAt = Date.now() + 15_000;
      for (let i = 0; publishing && Date.now() < stopAt; i++) await patchMeta(model.id, { description: `write ${i}` });
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await cache.publish(await databaseVersion());
    const took = Date.now() - started;
    publishing = false;
    await writes;
    expect(took).toBeLessThan(5_000);
    expect(headOf(kv)?.version).toBeGreaterThan(0);
  }, 30_000);

  it("a write stores one index for its version and moves the head, and the version it publishes equals a full read", async () => {
    const kv = new StubKv();
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const lifecycle = new Lifecycle(
      handle.db,
      cache,
      { actor: "admin-patch", requestId: "req-patch-test" },
      new ChangeOutbox(() => handle.db, env.WEBHOOK_QUEUE, waitUntil),
    );
    await cache.publish(await databaseVersion());
    await settle();
    const provider = uniqueProvider();
    const steps: Array<() => Promise<unknown>> = [
      () => lifecycle.addModel({ id: `${provider}-a`, name: "a", provider, meta: sampleMeta({ displayName: "A" }) }),
      () => lifecycle.addModel({ id: `${provider}-b`, name: "b", provider, meta: sampleMeta() }),
      () => lifecycle.updateModelMeta(`${provider}-a`, { displayName: "A2", requiredTier: "pro" }),
      () => lifecycle.markAsLegacy(`${provider}-a`, { replacementModelId: `${provider}-b` }),
      () => lifecycle.archive(`${provider}-b`, "retired"),
    ];
    for (const step of steps) {
      kv.puts.length = 0;
      await step();
      const head = headOf(kv);
      // Per version: its index and the head (and, in the background, the stale-if-error pointer); nothing per tier.
      expect(kv.puts.filter((key) => key !== LAST_KEY)).toEqual([indexKey(head as NonNullable<typeof head>), HEAD_KEY]);
      await settle();
      const published = await storedIndex(kv.asKv(), head as NonNullable<typeof head>);
      const { at, rows, aliases } = await readCatalog(handle.db);
      // Another test file may have written since: compare at the same version only.
      if (at.version === head?.version) {
        const full = snapshotFromRows(at, rows, aliases);
        // The same models, serialized the same, in the same order; the same archived ids.
        expect(published?.models.map((entry) => entry.unclosedJson)).toEqual(full.models.map((entry) => entry.unclosedJson));
        expect(new Map([...(published?.archived ?? [])].sort())).toEqual(new Map([...full.archived].sort()));
      }
    }
    const last = await storedIndex(kv.asKv(), headOf(kv) as NonNullable<ReturnType<typeof headOf>>);
    expect(last?.byId.has(`${provider}-b`)).toBe(false);
    expect(last?.archived.get(`${provider}-b`)).toBeNull();
    expect(last?.byId.get(`${provider}-a`)?.model).toMatchObject({ display_name: "A2", required_tier: "pro", is_legacy: true });
  });

  it("answers from the database when KV reads fail (X-Cache: BYPASS)", async () => {
    const kv = new StubKv();
    kv.failReads = true;
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const model = await createModel({ provider: uniqueProvider(), meta: { displayName: "Fresh" } });
    const listed = await list(cache, "pro");
    expect(listed.outcome).toBe("BYPASS");
    const body = names(listed.body);
    expect(body.user_tier).toBe("pro");
    expect(body.models.find((m) => m.id === model.id)?.display_name).toBe("Fresh");
    const { snapshot, outcome } = await cache.snapshot();
    expect(outcome).toBe("BYPASS");
    expect(snapshot.byId.has(model.id)).toBe(true);
  });

  it("keeps answering from the database while KV reads fail, even after a write", async () => {
    const kv = new StubKv();
    kv.failReads = true;
    const cache = new CatalogCache(kv.asKv(), () => handle.db, waitUntil);
    const model = await createModel({ provider: uniqueProvider(), meta: { displayName: "One" } });
    await list(cache, "free");
    await patchMeta(model.id, { displayName: "Two" });
    const listed = await list(cache, "free");
    expect(listed.outcome).toBe("BYPASS");
    expect(names(listed.body).models.find((m) => m.id === model.id)?.display_name).toBe("Two");
  });
});
