import { env } from "cloudflare:workers";
import { desc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { modelTierAuditLogs } from "../../drizzle/schema";
import { openDatabase } from "../../src/db/client";
import { sqlState } from "../../src/db/errors";
import { adminPost, adminToken, call, type ErrorBody } from "./support/client";
import { type AuditEntry, createModel, uniqueId } from "./support/fixtures";

interface AuditPage {
  entries: AuditEntry[];
  next_cursor: number | null;
}

async function auditPage(id: string, query = ""): Promise<AuditPage> {
  const response = await call(`/admin/models/${id}/audit${query}`, { token: await adminToken() });
  expect(response.status).toBe(200);
  return response.json<AuditPage>();
}

/** A model with six audit rows: create, four meta edits, archive. */
async function modelWithHistory() {
  const model = await createModel();
  for (const version of ["2", "3", "4", "5"]) {
    await call(`/admin/models/${model.id}/meta`, { method: "PATCH", token: await adminToken(), json: { version } });
  }
  await adminPost(`/admin/models/${model.id}/archive`, { reason: "history done" });
  return model;
}

describe("GET /admin/models/:id/audit", () => {
  it("returns every field of a change: actor, action, previous and new value, reason, request id, time", async () => {
    const model = await createModel();
    const response = await call(`/admin/models/${model.id}/archive`, {
      token: await adminToken("admin-grace"),
      json: { reason: "end of life" },
    });

    const { entries } = await auditPage(model.id);

    expect(entries[0]).toEqual({
      id: expect.any(Number),
      model_id: model.id,
      actor: "admin-grace",
      action: "archive",
      previous_value: { isArchived: false },
      new_value: { isArchived: true },
      reason: "end of life",
      request_id: response.headers.get("X-Request-Id"),
      client_request_id: null,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(Math.abs(Date.parse(entries[0]?.created_at ?? "") - Date.now())).toBeLessThan(60_000);
  });

  it("lists newest first", async () => {
    const model = await modelWithHistory();
    const { entries } = await auditPage(model.id);
    expect(entries.map((entry) => entry.action)).toEqual(["archive", "update_meta", "update_meta", "update_meta", "update_meta", "create"]);
    expect(entries.map((entry) => (entry.new_value as { meta?: unknown } | null)?.meta)).toMatchObject([
      undefined,
      { version: "5" },
      { version: "4" },
      { version: "3" },
      { version: "2" },
      expect.anything(),
    ]);
  });

  it("pages with limit and before, following next_cursor to the end", async () => {
    const model = await modelWithHistory();
    const all = (await auditPage(model.id)).entries;

    const pages: AuditEntry[][] = [];
    let query = "?limit=4";
    for (;;) {
      const page = await auditPage(model.id, query);
      pages.push(page.entries);
      if (page.next_cursor === null) break;
      expect(page.next_cursor).toBe(page.entries.at(-1)?.id);
      query = `?limit=4&before=${page.next_cursor}`;
    }

    expect(pages.map((page) => page.length)).toEqual([4, 2]);
    expect(pages.flat()).toEqual(all);
  });

  it("has no next page when the last page is exactly full", async () => {
    const model = await modelWithHistory();
    const page = await auditPage(model.id, "?limit=6");
    expect(page.entries).toHaveLength(6);
    expect(page.next_cursor).toBeNull();
  });

  it.each([["limit=0"], ["limit=201"], ["limit=ten"], ["before=-1"], ["cursor=5"]])("refuses ?%s with 400", async (query) => {
    const model = await createModel();
    const response = await call(`/admin/models/${model.id}/audit?${query}`, { token: await adminToken() });
    expect(response.status).toBe(400);
    expect((await response.json<ErrorBody>()).error.code).toBe("invalid_request");
  });

  it("answers 404 for an unknown model", async () => {
    const response = await call(`/admin/models/${uniqueId("ghost")}/audit`, { token: await adminToken() });
    expect(response.status).toBe(404);
  });
});

describe("the audit trail is append-only, enforced by the database", () => {
  // Straight to the database, as a buggy or malicious code path would: the trigger must refuse.
  const database = openDatabase(env);
  afterAll(() => database.close());

  /** The database error a statement failed with (drizzle wraps it as the cause). */
  async function refusalOf(statement: PromiseLike<unknown>) {
    const error: unknown = await Promise.resolve(statement).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error, "the statement should have been refused").toBeDefined();
    return { sqlState: sqlState(error), message: String((error as { cause?: { message?: unknown } }).cause?.message) };
  }

  const APPEND_ONLY = { sqlState: "42501", message: expect.stringMatching(/append-only/) };

  async function rowsOf(modelId: string) {
    return database.db.select().from(modelTierAuditLogs).where(eq(modelTierAuditLogs.modelId, modelId));
  }

  it("refuses to UPDATE an audit row", async () => {
    const model = await createModel();
    const before = await rowsOf(model.id);

    expect(
      await refusalOf(
        database.db.update(modelTierAuditLogs).set({ actor: "someone-else" }).where(eq(modelTierAuditLogs.modelId, model.id)),
      ),
    ).toEqual(APPEND_ONLY);

    expect(await rowsOf(model.id)).toEqual(before);
  });

  it("refuses to DELETE an audit row", async () => {
    const model = await createModel();
    const before = await rowsOf(model.id);

    expect(await refusalOf(database.db.delete(modelTierAuditLogs).where(eq(modelTierAuditLogs.modelId, model.id)))).toEqual(APPEND_ONLY);

    expect(await rowsOf(model.id)).toEqual(before);
    expect(before).toHaveLength(1);
  });

  it("refuses to TRUNCATE the audit table", async () => {
    const model = await createModel();
    expect(await refusalOf(database.db.execute(sql`TRUNCATE model_tier_audit_logs`))).toEqual(APPEND_ONLY);
    expect(await rowsOf(model.id)).toHaveLength(1);
  });
});

describe("request ids on audit rows", () => {
  const database = openDatabase(env);
  afterAll(() => database.close());

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  /** A meta edit sending `clientId` as X-Request-Id; the audit row it wrote, read from the table. */
  async function editWith(clientId: string | undefined) {
    const model = await createModel();
    const response = await call(`/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token: await adminToken(),
      json: { version: "9" },
      headers: clientId === undefined ? {} : { "X-Request-Id": clientId },
    });
    expect(response.status).toBe(200);
    const [row] = await database.db
      .select()
      .from(modelTierAuditLogs)
      .where(eq(modelTierAuditLogs.modelId, model.id))
      .orderBy(desc(modelTierAuditLogs.id))
      .limit(1);
    return { response, row };
  }

  it("keys the row by the server's own id, the one the response carries, and keeps a plain client id beside it", async () => {
    const clientId = `trace-${crypto.randomUUID()}`;
    const { response, row } = await editWith(clientId);
    const serverId = response.headers.get("X-Request-Id");
    expect(serverId).toMatch(UUID);
    expect(row).toMatchObject({ requestId: serverId, clientRequestId: clientId });
    const { entries } = await auditPage(row?.modelId ?? "");
    expect(entries[0]).toMatchObject({ request_id: serverId, client_request_id: clientId });
  });

  it("gives each request its own key, even when clients repeat or copy an id", async () => {
    const shared = "copied-id-123";
    const first = await editWith(shared);
    const second = await editWith(shared);
    expect(first.row?.requestId).not.toBe(second.row?.requestId);
    expect([first.row?.clientRequestId, second.row?.clientRequestId]).toEqual([shared, shared]);
  });

  it.each([
    ["a forged log line", 'abc"},{"level":"error","event":"forged'],
    ["markup", "<script>alert(1)</script>"],
    ["SQL", "x'; DROP TABLE models; --"],
    ["spaces", "my request 1"],
    ["129 characters", "a".repeat(129)],
    ["nothing", ""],
  ])("drops a client id that is not plain (%s): null in the row, never echoed", async (_, clientId) => {
    const { response, row } = await editWith(clientId);
    expect(response.headers.get("X-Request-Id")).toMatch(UUID);
    expect(row).toMatchObject({ requestId: response.headers.get("X-Request-Id"), clientRequestId: null });
  });

  it("keeps 128 characters of letters, digits and . _ : -", async () => {
    const longest = `${"Ab9._:-".repeat(18)}xy`;
    expect(longest).toHaveLength(128);
    expect((await editWith(longest)).row?.clientRequestId).toBe(longest);
  });
});
