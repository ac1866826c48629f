/**
 * Shared by the migration tests (one file per migration, NNNN-name.test.ts):
 * a throwaway schema to migrate in, readers of what a migration changes, the
 * application role's view, and `migrationUnderTest`, which brings a schema
 * with the legacy catalog in it up to just before a migration and applies it.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Client } from "@neondatabase/serverless";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { connect } from "../../../scripts/lib/database";
import { type Migration, migrate, readMigrations, type SqlSession } from "../../../scripts/lib/migrations";
import { insertLegacyRow, LEGACY_ROWS } from "../fixtures/legacy-catalog";

export const MIGRATIONS = readMigrations();
export const names = (list: Migration[]) => list.map((m) => m.name);
export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The migrations' names up to and including `name`. */
export const upTo = (name: string) => names(MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === name) + 1));

type Rows = { rows: Record<string, unknown>[] };

/**
 * A throwaway schema that the migration SQL (unqualified names) lands in.
 * The embedded PGlite serves every connection from ONE session, so a
 * session-level `SET search_path` would redirect the other test files too:
 * every statement runs in a transaction that sets the path with SET LOCAL,
 * the runner's own BEGIN ... COMMIT included.
 */
export class ScratchSchema implements SqlSession {
  private inTransaction = false;
  /** Runs inside each transaction just before it commits (the migration tests read pg_locks there). */
  beforeCommit?: () => Promise<void>;

  private constructor(
    private readonly client: Client,
    readonly name: string,
  ) {}

  static async create(): Promise<ScratchSchema> {
    const client = await connect(inject("databaseUrl"), inject("wsProxy"));
    const name = `mig_${randomBytes(6).toString("hex")}`;
    await client.query(`CREATE SCHEMA ${name}`);
    return new ScratchSchema(client, name);
  }

  async query(text: string, params?: unknown[]): Promise<Rows> {
    const verb = text.trim().toUpperCase();
    if (verb === "BEGIN") {
      await this.client.query("BEGIN");
      this.inTransaction = true;
      await this.setPath();
      return { rows: [] };
    }
    if (verb === "COMMIT" && this.beforeCommit) await this.beforeCommit();
    if (verb === "COMMIT" || verb === "ROLLBACK") {
      this.inTransaction = false;
      return this.run(text);
    }
    if (this.inTransaction) return this.run(text, params);
    await this.client.query("BEGIN");
    try {
      await this.setPath();
      const result = await this.run(text, params);
      await this.client.query("COMMIT");
      return result;
    } catch (error) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  }

  async drop() {
    try {
      await this.client.query(`DROP SCHEMA IF EXISTS ${this.name} CASCADE`);
    } finally {
      await this.client.end();
    }
  }

  private setPath() {
    return this.client.query(`SET LOCAL search_path TO ${this.name}`);
  }

  private async run(text: string, params?: unknown[]): Promise<Rows> {
    return (await this.client.query(text, params)) as unknown as Rows;
  }
}

/** Everything about a schema that a migration or rollback changes, in a comparable form. */
export async function schemaShape(db: ScratchSchema) {
  const params = [db.name];
  // One after another: each query is its own transaction on the one connection.
  const tables = await db.query("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1", params);
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name`,
    params,
  );
  const constraints = await db.query(
    `SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid) AS def
       FROM pg_constraint con
       JOIN pg_class rel ON rel.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = rel.relnamespace
      WHERE n.nspname = $1 ORDER BY 1, 2`,
    params,
  );
  const indexes = await db.query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY 1, 2", params);
  const triggers = await db.query(
    `SELECT rel.relname, t.tgname FROM pg_trigger t
       JOIN pg_class rel ON rel.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = rel.relnamespace
      WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1, 2`,
    params,
  );
  const functions = await db.query(
    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1",
    params,
  );
  const types = await db.query(
    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype = 'e' ORDER BY 1",
    params,
  );
  return {
    tables: tables.rows,
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
    triggers: triggers.rows,
    functions: functions.rows,
    types: types.rows,
  };
}

export async function columnsOf(db: ScratchSchema, table: string): Promise<string[]> {
  const { rows } = await db.query(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY column_name",
    [db.name, table],
  );
  return rows.map((row) => String(row.column_name));
}

export async function appliedNames(db: ScratchSchema): Promise<string[]> {
  const { rows } = await db.query("SELECT name FROM schema_migrations ORDER BY name");
  return rows.map((row) => String(row.name));
}

export async function tableExists(db: ScratchSchema, table: string): Promise<boolean> {
  const { rows } = await db.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]);
  return rows[0]?.present === true;
}

/**
 * Runs statements as the application role (docs/deploy.md) in a transaction
 * that is always rolled back; optionally without the append-only triggers, so
 * only the grants stand in the way. Returns the last statement's rows.
 */
export async function asCatalogApp(db: ScratchSchema, statements: string[], options: { dropAuditTriggers?: boolean } = {}) {
  await db.query("BEGIN");
  try {
    if (options.dropAuditTriggers) {
      await db.query("DROP TRIGGER model_tier_audit_logs_no_update_delete ON model_tier_audit_logs");
      await db.query("DROP TRIGGER model_tier_audit_logs_no_truncate ON model_tier_audit_logs");
    }
    await db.query("SET LOCAL ROLE catalog_app");
    let result = { rows: [] as Record<string, unknown>[] };
    for (const statement of statements) result = await db.query(statement);
    return result;
  } finally {
    await db.query("ROLLBACK");
  }
}

export type SchemaShape = Awaited<ReturnType<typeof schemaShape>>;

export interface MigrationUnderTest {
  db: ScratchSchema;
  /** The schema just before the migration, and just after it. */
  before: SchemaShape;
  after: SchemaShape;
}

/**
 * For a migration's test file: in beforeAll, a scratch schema holding the
 * legacy catalog (LEGACY_ROWS, inserted on the baseline) migrated up to just
 * before `name`, then `beforeApply`, then `name` applied (and only it); dropped
 * in afterAll. Read the fields inside tests and hooks, not at collection time.
 */
export function migrationUnderTest(name: string, options: { beforeApply?: (db: ScratchSchema) => Promise<void> } = {}): MigrationUnderTest {
  const index = MIGRATIONS.findIndex((m) => m.name === name);
  if (index < 0) throw new Error(`there is no migration named ${name}`);
  const state = {} as MigrationUnderTest;
  beforeAll(async () => {
    state.db = await ScratchSchema.create();
    if (index > 0) {
      await migrate(state.db, MIGRATIONS, { to: "0001_baseline" });
      for (const row of LEGACY_ROWS) await insertLegacyRow(state.db, row);
      await migrate(state.db, MIGRATIONS, { to: MIGRATIONS[index - 1]?.name });
    }
    await options.beforeApply?.(state.db);
    state.before = await schemaShape(state.db);
    expect(await migrate(state.db, MIGRATIONS, { to: name })).toEqual([name]);
    state.after = await schemaShape(state.db);
  });
  afterAll(async () => {
    await state.db?.drop();
  });
  return state;
}
