/**
 * Runs once in Node before the suite: starts the embedded database (or only
 * the proxy, when DATABASE_URL names a real Postgres), applies the
 * migrations, and hands the connection details to the tests.
 */
import type { TestProject } from "vitest/node";
import { connect } from "../scripts/lib/database";
import { startLocalDatabase } from "../scripts/lib/local-db";
import { migrate, readMigrations } from "../scripts/lib/migrations";
import { startJwksServer, type TestKeys } from "./jwks-server";
import { startWebhookReceiver } from "./webhook-receiver";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    wsProxy: string;
    /** A JWKS endpoint on loopback and the private keys behind it. */
    keys: TestKeys;
    /** True on the embedded PGlite, which runs one transaction at a time (no real concurrency). */
    embeddedDatabase: boolean;
    /** Webhook receivers on loopback (see test/webhook-receiver.ts). */
    webhookReceiver: string;
  }
}

export default async function setup(project: TestProject) {
  const local = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL });
  const client = await connect(local.databaseUrl, local.wsProxy);
  try {
    if (!local.embedded) {
      // A real Postgres may hold an earlier run's tables: start from a clean schema.
      await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
    await migrate(client, readMigrations());
  } finally {
    await client.end();
  }
  const jwks = await startJwksServer();
  const { stop: stopJwks, ...keys } = jwks;
  const receiver = await startWebhookReceiver();
  project.provide("databaseUrl", local.databaseUrl);
  project.provide("wsProxy", local.wsProxy);
  project.provide("keys", keys);
  project.provide("embeddedDatabase", local.embedded);
  project.provide("webhookReceiver", receiver.url);
  return async () => {
    await receiver.stop();
    await stopJwks();
    await local.stop();
  };
}
