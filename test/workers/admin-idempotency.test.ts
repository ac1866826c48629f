import { env } from "cloudflare:workers";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { idempotencyKeys } from "../../drizzle/schema";
import { openDatabase } from "../../src/db/client";
import { adminToken, call, type ErrorBody, hourlyRunAt, runCron } from "./support/client";
import { type AdminModel, auditOf, createModel, sampleMeta, uniqueId } from "./support/fixtures";
import { captureConsole } from "./support/reliability";

const newKey = () => `key-${crypto.randomUUID()}`;

/** A POST with an Idempotency-Key, the body sent as exactly these bytes. */
async function postWithKey(path: string, body: string, key: string, sub = "admin-alice") {
  return call(path, {
    method: "POST",
    token: await adminToken(sub),
    body,
    headers: { "Content-Type": "application/json", "Idempotency-Key": key },
  });
}

const auditActions = async (id: string) => (await auditOf(id)).map((entry) => entry.action);

const createBody = (id: string, name = id) => JSON.stringify({ id, name, provider: "acme", meta: sampleMeta() });

async function sha256(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

// The in-flight and abandoned cases need a claim that no live request holds: written straight to the table.
const database = openDatabase(env);
afterAll(() => database.close());

async function plantClaim(key: string, path: string, body: string, claim: { ageSeconds: number; status?: number; response?: unknown }) {
  await database.db.insert(idempotencyKeys).values({
    actor: "admin-alice",
    key,
    requestHash: await sha256(`POST ${path}\n${body}`),
    status: claim.status ?? null,
    response: claim.response ?? null,
    createdAt: sql`now() - make_interval(secs => ${claim.ageSeconds})`,
  });
}

describe("Idempotency-Key on admin POSTs", () => {
  it("replays the first answer of a retried create, with no second write", async () => {
    const id = uniqueId("idem");
    const key = newKey();

    const first = await postWithKey("/admin/models", createBody(id), key);
    const retry = await postWithKey("/admin/models", createBody(id), key);

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(await retry.json()).toEqual(await first.json());
    expect(await auditActions(id)).toEqual(["create"]);
  });

  it("replays a retried archive instead of answering 409 already archived", async () => {
    const model = await createModel();
    const key = newKey();
    const path = `/admin/models/${model.id}/archive`;
    const body = JSON.stringify({ reason: "retired" });

    const first = await postWithKey(path, body, key);
    const retry = await postWithKey(path, body, key);

    expect([first.status, retry.status]).toEqual([200, 200]);
    const replayed = (await retry.json()) as { model: AdminModel; affected_models: string[] };
    expect(replayed.model).toMatchObject({ is_archived: true, row_version: 2 });
    // The whole first answer, affected_models included (saved with the write).
    expect(replayed).toEqual(await first.json());
    expect(replayed.affected_models).toEqual([]);
    expect(await auditActions(model.id)).toEqual(["archive", "create"]);
  });

  it("refuses the same key with a different body with 422 and does not write", async () => {
    const id = uniqueId("idem");
    const key = newKey();
    await postWithKey("/admin/models", createBody(id), key);

    const other = uniqueId("idem");
    const response = await postWithKey("/admin/models", createBody(other), key);

    expect(response.status).toBe(422);
    expect((await response.json<ErrorBody>()).error.code).toBe("idempotency_key_reused");
    expect((await call(`/admin/models/${other}`, { token: await adminToken() })).status).toBe(404);
  });

  it("refuses the same key on another endpoint with 422", async () => {
    const [a, b] = [await createModel(), await createModel()];
    const key = newKey();
    const body = JSON.stringify({ reason: "retired" });
    await postWithKey(`/admin/models/${a.id}/archive`, body, key);

    const response = await postWithKey(`/admin/models/${b.id}/archive`, body, key);

    expect(response.status).toBe(422);
    expect(await auditActions(b.id)).toEqual(["create"]);
  });

  it("scopes keys to the caller: two admins may use the same key", async () => {
    const key = newKey();
    const [mine, theirs] = [uniqueId("idem"), uniqueId("idem")];

    const responses = [
      await postWithKey("/admin/models", createBody(mine), key, "admin-alice"),
      await postWithKey("/admin/models", createBody(theirs), key, "admin-bob"),
    ];

    expect(responses.map((response) => response.status)).toEqual([201, 201]);
    expect(responses.map((response) => response.headers.get("Idempotent-Replayed"))).toEqual([null, null]);
  });

  it("releases the key when the first attempt is refused, so a corrected retry goes through", async () => {
    const model = await createModel();
    const key = newKey();
    const path = `/admin/models/${model.id}/archive`;

    const refused = await postWithKey(path, "{}", key);
    const corrected = await postWithKey(path, JSON.stringify({ reason: "now with a reason" }), key);

    expect(refused.status).toBe(400);
    expect(corrected.status).toBe(200);
    expect(corrected.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("answers 409 while a request with the same key is still in flight, and writes nothing", async () => {
    const id = uniqueId("idem");
    const key = newKey();
    await plantClaim(key, "/admin/models", createBody(id), { ageSeconds: 1 });

    const response = await postWithKey("/admin/models", createBody(id), key);

    expect(response.status).toBe(409);
    expect((await response.json<ErrorBody>()).error.code).toBe("request_in_progress");
    expect((await call(`/admin/models/${id}`, { token: await adminToken() })).status).toBe(404);
  });

  it("takes over a claim abandoned for over 5 minutes (its request died), instead of refusing the key forever", async () => {
    const id = uniqueId("idem");
    const key = newKey();
    await plantClaim(key, "/admin/models", createBody(id), { ageSeconds: 600 });

    const response = await postWithKey("/admin/models", createBody(id), key);

    expect(response.status).toBe(201);
    expect(await auditActions(id)).toEqual(["create"]);
  });

  it("lets a key be used again once its answer is older than a day", async () => {
    const id = uniqueId("idem");
    const key = newKey();
    await plantClaim(key, "/admin/models", createBody(uniqueId("long-ago")), {
      ageSeconds: 2 * 86_400,
      status: 201,
      response: { model: { id: "long-ago" } },
    });

    const response = await postWithKey("/admin/models", createBody(id), key);

    expect(response.status).toBe(201);
    expect(response.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("writes once when two requests with the same key race", async () => {
    // mark-legacy, unlike create, would happily apply twice: only the key can stop the second write.
    const model = await createModel();
    const key = newKey();
    const path = `/admin/models/${model.id}/mark-legacy`;
    const body = JSON.stringify({ deprecationNotice: "moving on" });

    const responses = await Promise.all([postWithKey(path, body, key), postWithKey(path, body, key)]);

    // Whichever comes second sees the claim in flight (409) or the stored answer (replayed 200).
    const second = responses.find((response) => response.status === 409 || response.headers.get("Idempotent-Replayed") === "true");
    expect(responses.map((response) => response.status)).toContain(200);
    expect(second).toBeDefined();
    if (second?.status === 409) expect((await second.json<ErrorBody>()).error.code).toBe("request_in_progress");
    expect(await auditActions(model.id)).toEqual(["mark_legacy", "create"]);
  });

  it.each([
    ["empty", ""],
    ["with a space", "my key"],
    ["too long", "k".repeat(256)],
  ])("refuses a key that is %s with 400", async (_, key) => {
    const id = uniqueId("idem");
    const response = await call("/admin/models", {
      method: "POST",
      token: await adminToken(),
      body: createBody(id),
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    });
    expect(response.status).toBe(400);
    expect((await call(`/admin/models/${id}`, { token: await adminToken() })).status).toBe(404);
  });
});

describe("expired Idempotency-Key rows", () => {
  const HOUR = 3600;

  const path = "/admin/models/none/archive";
  const body = JSON.stringify({ reason: "x" });
  async function plantKeys() {
    const keys = { expiredAnswer: newKey(), expiredClaim: newKey(), freshAnswer: newKey(), inFlight: newKey() };
    await plantClaim(keys.expiredAnswer, path, body, { ageSeconds: 25 * HOUR, status: 200, response: { model: null } });
    await plantClaim(keys.expiredClaim, path, body, { ageSeconds: 25 * HOUR });
    await plantClaim(keys.freshAnswer, path, body, { ageSeconds: 23 * HOUR, status: 200, response: { model: null } });
    await plantClaim(keys.inFlight, path, body, { ageSeconds: 10 });
    return keys;
  }
  async function left(keys: Record<string, string>) {
    const rows = await database.db
      .select({ key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.actor, "admin-alice"), inArray(idempotencyKeys.key, Object.values(keys))));
    return rows.map((row) => row.key).sort();
  }

  it("are purged by the hourly run once past their 24-hour window; answers still replayable and claims in flight stay", async () => {
    const keys = await plantKeys();

    await runCron(hourlyRunAt(Date.now()));

    expect(await left(keys)).toEqual([keys.freshAnswer, keys.inFlight].sort());
  });

  it("are left alone by the runs between the hours: the purge runs once an hour, not every minute", async () => {
    const keys = await plantKeys();
    const hour = hourlyRunAt(Date.now());
    const logs = captureConsole();

    for (const minute of [1, 17, 59]) await runCron(hour + minute * 60_000);

    vi.restoreAllMocks();
    expect(logs.events("scheduled_run").map((run) => (run.jobs as Record<string, unknown>).idempotency_purge)).toEqual([
      "not_due",
      "not_due",
      "not_due",
    ]);
    expect(await left(keys)).toEqual(Object.values(keys).sort());

    await runCron(hour + 60 * 60_000);
    expect(await left(keys)).toEqual([keys.freshAnswer, keys.inFlight].sort());
  });
});

describe("the answer to an Idempotency-Key is saved in the write's transaction", () => {
  it("when saving the answer fails, the write rolls back with it: 500, nothing changed, and a retry with the key runs once", async () => {
    const model = await createModel();
    const key = newKey();
    const path = `/admin/models/${model.id}/archive`;
    const body = JSON.stringify({ reason: "retired" });
    // The database refuses to record an answer for this key only.
    const name = `idem_refuse_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    await database.db.execute(
      sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected: cannot record the answer'; END $$`),
    );
    await database.db.execute(
      sql.raw(`CREATE TRIGGER ${name} BEFORE UPDATE ON idempotency_keys FOR EACH ROW WHEN (NEW.key = '${key}') EXECUTE FUNCTION ${name}()`),
    );
    try {
      const failed = await postWithKey(path, body, key);
      expect(failed.status).toBe(500);
      const state = await (await call(`/admin/models/${model.id}`, { token: await adminToken() })).json<{ model: AdminModel }>();
      expect(state.model).toMatchObject({ is_archived: false, row_version: 1 });
      expect(await auditActions(model.id)).toEqual(["create"]);
    } finally {
      await database.db.execute(sql.raw(`DROP TRIGGER IF EXISTS ${name} ON idempotency_keys`));
      await database.db.execute(sql.raw(`DROP FUNCTION IF EXISTS ${name}()`));
    }

    const retry = await postWithKey(path, body, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await auditActions(model.id)).toEqual(["archive", "create"]);
    const replay = await postWithKey(path, body, key);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await replay.json()).toEqual(await retry.json());
  });
});
