/**
 * The service under soak, started as `npm run bench` starts it (bench/database.ts,
 * bench/service.ts): a throwaway database, seeded, and `wrangler dev` of the bench
 * entry, except that the Worker reaches the database through the fault forwarder.
 * kill() and start() restart wrangler dev (a new port, a new isolate,
 * its local queues' contents gone: they live in wrangler's memory).
 */
import { randomBytes } from "node:crypto";
import type { Client } from "@neondatabase/serverless";
import { SignJWT } from "jose";
import { SEED_MODELS } from "../../scripts/data/seed-catalog";
import { connect } from "../../scripts/lib/database";
import { migrate, readMigrations } from "../../scripts/lib/migrations";
import { insertSeeds } from "../../scripts/lib/seeding";
import { syntheticModels } from "../../scripts/lib/synthetic-models";
import { onCleanup } from "../cleanup";
import { benchDatabase, databaseVersion, temporaryPostgres } from "../database";
import { startWorker, type WorkerUnderTest } from "../service";
import { type Forwarder, startForwarder, throughForwarder } from "./forwarder";

const ISSUER = "model-catalog-soak";
const AUDIENCE = "model-catalog";

export interface SoakService {
  readonly baseUrl: string;
  readonly inspectorPort: number;
  /** The soak's own connection, straight to the database (never through the forwarder). */
  db: Client;
  forwarder: Forwarder;
  label: string;
  version: string;
  mint(claims: Record<string, string>, subject: string): Promise<string>;
  /** Kills wrangler dev (SIGTERM, then SIGKILL after 5 s); resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again (a new port, a new isolate). */
  start(): Promise<void>;
}

export async function startService(options: { postgres: boolean; models: number; workDir: string }): Promise<SoakService> {
  let serverUrl = process.env.DATABASE_URL;
  if (options.postgres) {
    if (serverUrl) throw new Error("--postgres starts its own PostgreSQL; unset DATABASE_URL or drop --postgres");
    const pg = await temporaryPostgres();
    onCleanup(pg.stop);
    serverUrl = pg.url;
  }
  const { database, wsProxy } = await benchDatabase(serverUrl);
  const db = await connect(database.databaseUrl, wsProxy);
  onCleanup(() => db.end().catch(() => {}));
  await migrate(db, readMigrations());
  await insertSeeds(db, SEED_MODELS);
  await insertSeeds(db, syntheticModels(options.models));
  const version = await databaseVersion(database, wsProxy);

  const target = new URL(database.databaseUrl);
  const forwarder = await startForwarder({ host: target.hostname, port: Number(target.port || 5432) });
  onCleanup(forwarder.stop);
  const secret = randomBytes(32).toString("hex");
  const vars = {
    DATABASE_URL: throughForwarder(database.databaseUrl, forwarder),
    DB_WS_PROXY: wsProxy,
    JWT_SECRET: secret,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    WEBHOOK_SECRET_KEY: randomBytes(32).toString("hex"),
    ALLOW_LOCAL_WEBHOOKS: "true",
  };
  let worker: WorkerUnderTest = await startWorker(options.workDir, vars);
  const key = new TextEncoder().encode(secret);
  return {
    get baseUrl() {
      return worker.baseUrl;
    },
    get inspectorPort() {
      return worker.inspectorPort;
    },
    db,
    forwarder,
    label: database.label,
    version,
    mint: (claims, subject) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(subject)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime("8h")
        .sign(key),
    kill: () => worker.stop(),
    async start() {
      worker = await startWorker(options.workDir, vars);
    },
  };
}
