/**
 * Shared by the reliability-*.test.ts files: a second app instance that runs
 * with a modified environment (a dead database, a throwing KV, JWKS mode),
 * direct database access for fault injection, state snapshots to prove that
 * nothing changed, and log capture.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import type { JWK } from "jose";
import { expect, inject, vi } from "vitest";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";
import { checkContract } from "./contract";
import { clientRequest, type RequestOptions } from "./support";

export type TestEnv = typeof env;

/** The loopback JWKS server test/global-setup.ts starts (see test/jwks-server.ts), and the private keys behind it. */
export interface TestKeys {
  jwksUrl: string;
  rsaPrivateJwk: JWK;
  rsaPublicJwk: JWK;
  ecPrivateJwk: JWK;
}
// The ProvidedContext declaration lives in test/global-setup.ts, outside this tsconfig.
export const testKeys = () => (inject as unknown as (key: "keys") => TestKeys)("keys");

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
