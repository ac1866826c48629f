/**
 * The Worker running as a login role in catalog_app, as docs/deploy.md
 * deploys it: every admin write, public read, readiness and the cron work
 * with only the grants of migration 0004, and the audit trail cannot be
 * changed through that role. PostgreSQL only: the embedded database has one
 * session and ignores the connecting user.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { routeTable } from "../../src/routes";
import { adminToken, hourlyRunAt, runCron } from "./support/client";
import { createModel, inDays, sampleMeta, uniqueId, uniqueProvider } from "./support/fixtures";
import { callWith, directDatabase, embeddedDatabase, type TestEnv } from "./support/reliability";
import { exampleBody, isWrite, pathFor, pathIdFor, prepareFor, routeName } from "./support/routes";

const WORKER_ROLE = "catalog_worker_test";

describe.skipIf(embeddedDatabase())("the Worker as a catalog_app member, not the owner", () => {
  let workerEnv: TestEnv;

  beforeAll(async () => {
    const owner = directDatabase();
    try {
      await owner.db.execute(
        sql.raw(`DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${WORKER_ROLE}') THEN
            CREATE ROLE ${WORKER_ROLE} LOGIN IN ROLE catalog_app;
          END IF;
        END $$`),
      );
    } finally {
      await owner.close();
    }
    const url = new URL(env.DATABASE_URL);
    url.username = WORKER_ROLE;
    url.password = "";
    workerEnv = { ...env, DATABASE_URL: url.toString() } as TestEnv;
  });

  it("connects as that role", async () => {
    const handle = openDatabase(workerEnv);
    try {
      const result = await handle.db.execute(sql`SELECT current_user AS who`);
      expect(result.rows[0]).toEqual({ who: WORKER_ROLE });
    } finally {
      await handle.close();
    }
  });

  it("serves every admin write, the audit trail, public reads and readiness", async () => {
    const token = await adminToken();
    const id = uniqueId("least");
    const replacement = uniqueId("least-next");
    const provider = uniqueProvider();
    const steps: Array<[string, string, unknown, Record<string, string>?]> = [
      ["POST", "/admin/models", { id, name: id, provider, meta: sampleMeta() }, { "Idempotency-Key": `least-${id}` }],
      ["POST", "/admin/models", { id: replacement, name: replacement, provider, meta: sampleMeta() }],
      ["PATCH", `/admin/models/${id}/meta`, { description: "as the worker role" }],
      ["POST", `/admin/models/${id}/mark-legacy`, { replacementModelId: replacement, sunsetDate: inDays(30) }],
      ["POST", `/admin/models/${id}/unmark-legacy`, {}],
      ["POST", `/admin/models/${id}/archive`, { reason: "least privilege" }, { "Idempotency-Key": `least-archive-${id}` }],
      ["POST", `/admin/models/${id}/unarchive`, {}],
    ];
    for (const [method, path, json, headers] of steps) {
      const response = await callWith(workerEnv, path, { method, token, json, headers });
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300);
    }
    for (const path of [`/admin/models/${id}/audit`, `/admin/models/${id}`, "/admin/models/legacy", `/v1/models?provider=${provider}`]) {
      const response = await callWith(workerEnv, path, { token });
      expect(response.status, path).toBe(200);
    }
    const audit = await (await callWith(workerEnv, `/admin/models/${id}/audit`, { token })).json<{ entries: Array<{ action: string }> }>();
    expect(audit.entries.map((entry) => entry.action)).toEqual([
      "unarchive",
      "archive",
      "unmark_legacy",
      "mark_legacy",
      "update_meta",
      "create",
    ]);
    expect((await callWith(workerEnv, "/healthz/ready")).status).toBe(200);
  });

  // Every route of the route table, so a new route is covered here too.
  it.each(routeTable.map((route) => [routeName(route), route] as const))("answers %s", async (_, route) => {
    const model = await createModel({ provider: uniqueProvider() });
    const replacement = await createModel({ provider: model.provider });
    await prepareFor(route, model.id);
    const response = await callWith(workerEnv, pathFor(route, await pathIdFor(route, model)), {
      method: route.method.toUpperCase(),
      token: await adminToken(),
      ...(isWrite(route) && { json: exampleBody(route, { model, replacement, newId: uniqueId() }) }),
    });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
  });

  it("runs the cron: archives what is due and purges expired idempotency keys", async () => {
    const token = await adminToken();
    const id = uniqueId("least-due");
    await callWith(workerEnv, "/admin/models", { token, json: { id, name: id, provider: uniqueProvider(), meta: sampleMeta() } });
    expect((await callWith(workerEnv, `/admin/models/${id}/mark-legacy`, { token, json: { sunsetDate: inDays(3 * 365) } })).status).toBe(
      200,
    );
    // Due long ago (straight in the database, as the owner), and an Idempotency-Key two days old.
    const sunset = new Date(Date.parse("2016-03-01T00:00:00Z") + Math.floor(Math.random() * 86_400_000)).toISOString();
    const key = `least-expired-${id}`;
    const owner = directDatabase();
    try {
      await owner.db.execute(sql`UPDATE models SET meta = jsonb_set(meta, '{sunsetDate}', to_jsonb(${sunset}::text)) WHERE id = ${id}`);
      await owner.db.execute(
        sql`INSERT INTO idempotency_keys (actor, key, request_hash, status, response, created_at) VALUES ('least', ${key}, 'h', 200, '{}', now() - interval '2 days')`,
      );
      // The next hour's run: the sunset is behind it and the purge is due in it.
      await runCron(hourlyRunAt(Date.parse(sunset)) + 3_600_000, workerEnv);
      const left = await owner.db.execute(sql`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = ${key}`);
      expect(left.rows[0]).toEqual({ n: 0 });
    } finally {
      await owner.close();
    }
    const model = await (await callWith(workerEnv, `/admin/models/${id}`, { token })).json<{ model: { is_archived: boolean } }>();
    expect(model.model.is_archived).toBe(true);
  });

  it.each([
    ["UPDATE", sql`UPDATE model_tier_audit_logs SET reason = 'rewritten' WHERE false`],
    ["DELETE", sql`DELETE FROM model_tier_audit_logs WHERE false`],
    ["TRUNCATE", sql`TRUNCATE model_tier_audit_logs`],
  ])("cannot %s audit rows: refused by privilege before any trigger", async (_, statement) => {
    const handle = openDatabase(workerEnv);
    try {
      const failure = await handle.db.execute(statement).then(
        () => undefined,
        (error: unknown) => error as { cause?: { message?: string; code?: string } },
      );
      expect(failure?.cause).toMatchObject({ code: "42501", message: "permission denied for table model_tier_audit_logs" });
    } finally {
      await handle.close();
    }
  });
});
