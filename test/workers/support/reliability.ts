/**
 * For the reliability tests (and others that need it): a second app instance
 * that runs with a modified environment (a dead database, a throwing KV, JWKS
 * mode), direct database access for fault injection, state snapshots to prove
 * that nothing changed, and log capture.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { expect, inject, vi } from "vitest";
import { createApp } from "../../../src/app";
import { loadConfig } from "../../../src/config";
import { type DatabaseHandle, openDatabase } from "../../../src/db/client";
import type { TestKeys } from "../../jwks-server";
import { checkContract } from "../contract";
import { clientRequest, type RequestOptions } from "./client";

export type TestEnv = typeof env;

// The loopback JWKS server test/global-setup.ts starts (see test/jwks-server.ts), and the private keys behind it.
// The ProvidedContext declaration lives in test/global-setup.ts, outside this tsconfig.
export const testKeys = () => (inject as unknown as (key: "keys") => TestKeys)("keys");
/** The embedded PGlite runs one transaction at a time: races cannot overlap there, only on PostgreSQL. */
export const embeddedDatabase = () => (inject as unknown as (key: "embeddedDatabase") => boolean)("embeddedDatabase");

/** A password no other part of the suite uses, so finding it anywhere is a leak. */
export const DEAD_DATABASE_PASSWORD = "Dead-Db-Pa55word-7f3a";
/** Nothing listens on port 1: every connection is refused. */
export const deadDatabaseEnv = (): TestEnv => ({
  ...env,
  DATABASE_URL: `postgres://catalog:${DEAD_DATABASE_PASSWORD}@127.0.0.1:1/catalog`,
});
/** The WebSocket proxy in front of the database is gone. */
export const deadProxyEnv = (): TestEnv => ({ ...env, DB_WS_PROXY: "127.0.0.1:1" });

const app = createApp();

/** Calls a fresh app instance with `environment` (config is memoized per env object), waiting for its background work. */
export async function callWith(environment: TestEnv, path: string, options: RequestOptions = {}): Promise<Response> {
  const request = clientRequest(path, options);
  const ctx = createExecutionContext();
  const response = await app.fetch(request, environment, ctx);
  // Read the body before the context's background work settles, as a client would.
  const bytes = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  const answer = new Response(response.status === 304 ? null : bytes, { status: response.status, headers: response.headers });
  await checkContract(request.method, request.url, answer);
  return answer;
}

/** A direct connection with the test settings, for fault injection. */
export function directDatabase(): DatabaseHandle {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(loaded.problems.join("; "));
  return openDatabase(loaded.config);
}

/**
 * Makes every audit insert by `actor` fail inside the database (a trigger),
 * so the write around it must roll back. Returns the undo.
 */
export async function failAuditInsertsFor(actor: string): Promise<() => Promise<void>> {
  if (!/^[\w-]+$/.test(actor)) throw new Error("actor must be a plain identifier");
  const name = `reliability_fail_audit_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const handle = directDatabase();
  await handle.db.execute(
    sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.admin_user_id = '${actor}' THEN RAISE EXCEPTION 'injected audit failure for %', NEW.admin_user_id; END IF;
        RETURN NEW;
      END $$`),
  );
  await handle.db.execute(sql.raw(`CREATE TRIGGER ${name} BEFORE INSERT ON model_tier_audit_logs FOR EACH ROW EXECUTE FUNCTION ${name}()`));
  return async () => {
    await handle.db.execute(sql.raw(`DROP TRIGGER IF EXISTS ${name} ON model_tier_audit_logs`));
    await handle.db.execute(sql.raw(`DROP FUNCTION IF EXISTS ${name}()`));
    await handle.close();
  };
}

/**
 * Makes the database abort the first `times` audit inserts by `actor` with
 * `sqlState` (40001 serialization failure, 40P01 deadlock, as a conflicting
 * transaction would; or any other). A sequence counts the attempts: sequences ignore
 * rollbacks. Returns how many attempts reached the insert, and the undo.
 */
export async function abortAuditInsertsFor(actor: string, sqlState: string, times: number) {
  if (!/^[0-9A-Z]{5}$/.test(sqlState)) throw new Error("sqlState must be a SQLSTATE");
  if (!/^[\w-]+$/.test(actor)) throw new Error("actor must be a plain identifier");
  const name = `reliability_abort_audit_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const handle = directDatabase();
  await handle.db.execute(sql.raw(`CREATE SEQUENCE ${name}_attempts`));
  await handle.db.execute(
    sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.admin_user_id = '${actor}' THEN
          IF nextval('${name}_attempts') <= ${Number(times)} THEN
            RAISE EXCEPTION 'injected abort for %', NEW.admin_user_id USING ERRCODE = '${sqlState}';
          END IF;
        END IF;
        RETURN NEW;
      END $$`),
  );
  await handle.db.execute(sql.raw(`CREATE TRIGGER ${name} BEFORE INSERT ON model_tier_audit_logs FOR EACH ROW EXECUTE FUNCTION ${name}()`));
  return {
    attempts: async () => {
      const result = await handle.db.execute(sql.raw(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${name}_attempts`));
      return Number((result.rows[0] as { n: unknown }).n);
    },
    undo: async () => {
      await handle.db.execute(sql.raw(`DROP TRIGGER IF EXISTS ${name} ON model_tier_audit_logs`));
      await handle.db.execute(sql.raw(`DROP FUNCTION IF EXISTS ${name}()`));
      await handle.db.execute(sql.raw(`DROP SEQUENCE IF EXISTS ${name}_attempts`));
      await handle.close();
    },
  };
}

/**
 * A gate for race tests (PostgreSQL only): every UPDATE of the given models
 * waits, inside its transaction, on an advisory lock the test holds. The test
 * waits until the racing transactions are all open and stuck (one at the gate,
 * the others behind it, whichever lock they wait on), which proves they
 * overlap, then opens the gate. Run on the embedded database it would stall
 * the single session: callers skip there.
 */
export async function gateModelUpdates(ids: string[]) {
  for (const id of ids) if (!/^[\w.-]+$/.test(id)) throw new Error("ids must be plain");
  const name = `race_gate_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const key = Math.floor(Math.random() * 2 ** 31);
  const handle = directDatabase();
  await handle.db.execute(
    sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(${key}); RETURN NEW; END $$`),
  );
  const list = ids.map((id) => `'${id}'`).join(", ");
  await handle.db.execute(
    sql.raw(`CREATE TRIGGER ${name} BEFORE UPDATE ON models FOR EACH ROW WHEN (OLD.id IN (${list})) EXECUTE FUNCTION ${name}()`),
  );
  // One session holds the gate closed until release().
  const holder = await handle.db.$client.connect();
  await holder.query(`SELECT pg_advisory_lock(${key})`);
  const holderPid = Number((await holder.query("SELECT pg_backend_pid() AS pid")).rows[0].pid);
  let open = false;

  const release = async () => {
    if (open) return;
    open = true;
    await holder.query(`SELECT pg_advisory_unlock(${key})`);
  };
  return {
    /**
     * Waits until `count` transactions are stuck behind the gate (directly or
     * behind one that is), and returns them: each open (xact_start set), none
     * committed, all at once.
     */
    async overlapping(count: number, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = await handle.db.execute(
          sql.raw(`WITH RECURSIVE stuck AS (
              SELECT pid FROM pg_stat_activity WHERE ${holderPid} = ANY (pg_blocking_pids(pid))
              UNION
              SELECT a.pid FROM pg_stat_activity a JOIN stuck s ON s.pid = ANY (pg_blocking_pids(a.pid))
            )
            SELECT a.pid, a.xact_start::text AS xact_start, a.wait_event_type FROM pg_stat_activity a JOIN stuck USING (pid)`),
        );
        const rows = result.rows as Array<{ pid: number; xact_start: string | null; wait_event_type: string | null }>;
        if (rows.length >= count || Date.now() > deadline) return rows;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    release,
    async undo() {
      await release();
      holder.release();
      await handle.db.execute(sql.raw(`DROP TRIGGER IF EXISTS ${name} ON models`));
      await handle.db.execute(sql.raw(`DROP FUNCTION IF EXISTS ${name}()`));
      await handle.close();
    },
  };
}

/** Every line written to the console while capturing, as text. */
export function captureConsole() {
  const lines: string[] = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg, errorAware))).join(" "));
    });
  }
  return {
    lines,
    /** The structured lines (JSON objects) with this event name. */
    events: (event: string) =>
      lines.flatMap((line) => {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          return parsed.event === event ? [parsed] : [];
        } catch {
          return [];
        }
      }),
  };
}

const errorAware = (_key: string, value: unknown) =>
  value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;

/** Secrets that must never reach a client or a log line: connection strings, passwords, the JWT secret. */
export function expectNoSecrets(text: string, secrets: string[] = []) {
  expect(text).not.toMatch(/postgres(ql)?:\/\/[^\s"]*:[^\s"*]+@/i);
  for (const secret of [env.JWT_SECRET, env.DATABASE_URL, DEAD_DATABASE_PASSWORD, ...secrets]) {
    if (secret) expect(text).not.toContain(secret);
  }
}

/** Internals that must never reach a client or a log line: SQL, stack traces, and the secrets above. */
export function expectNoInternals(text: string, secrets: string[] = []) {
  expect(text).not.toMatch(/\bselect\b[\s\S]*\bfrom\b|\binsert into\b|\bupdate\s+"?\w+"?\s+set\b/i);
  expect(text).not.toMatch(/Failed query/i);
  expect(text).not.toMatch(/"stack"|\n\s+at |\\n\s+at |\bat [\w.<>]+ \(/);
  expectNoSecrets(text, secrets);
}

/** Retries `check` until it passes (background work landing), up to `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
