/**
 * The migration runner: applies migrations/NNNN_*.sql in order, each in its
 * own transaction together with its record in schema_migrations, and refuses
 * to go on when an applied file has changed since (its checksum differs).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The one thing the runner needs from a connection: run SQL, get rows. */
export interface SqlSession {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
  down?: string;
}

export const MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url).pathname;

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), "utf8");
      const name = file.replace(/\.sql$/, "");
      let down: string | undefined;
      try {
        down = readFileSync(join(dir, "rollback", `${name}.down.sql`), "utf8");
      } catch {
        down = undefined;
      }
      return { name, sql, checksum: sha256(sql), down };
    });
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export class MigrationError extends Error {}

async function ensureLedger(db: SqlSession) {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

async function appliedMigrations(db: SqlSession): Promise<Map<string, string>> {
  const { rows } = await db.query("SELECT name, checksum FROM schema_migrations ORDER BY name");
  return new Map(rows.map((row) => [String(row.name), String(row.checksum)]));
}

/** Checks every applied migration against its file; throws on the first that changed or vanished. */
export function assertUnchanged(migrations: Migration[], applied: Map<string, string>) {
  const byName = new Map(migrations.map((m) => [m.name, m]));
  for (const [name, checksum] of applied) {
    const file = byName.get(name);
    if (!file) throw new MigrationError(`migration ${name} is recorded as applied but its file is missing`);
    if (file.checksum !== checksum) {
      throw new MigrationError(
        `migration ${name}.sql was changed after it was applied (recorded ${checksum.slice(0, 12)}, file ${file.checksum.slice(0, 12)}); write a new migration instead`,
      );
    }
  }
}

export interface MigrateOptions {
  /** Apply only up to and including this migration name. */
  to?: string;
  onApplied?: (name: string, ms: number) => void;
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(db: SqlSession, migrations: Migration[], options: MigrateOptions = {}): Promise<string[]> {
  if (options.to !== undefined && !migrations.some((m) => m.name === options.to)) {
    throw new MigrationError(`there is no migration named ${options.to}`);
  }
  await ensureLedger(db);
  const applied = await appliedMigrations(db);
  assertUnchanged(migrations, applied);
  const done: string[] = [];
  for (const migration of migrations) {
    // Checked before skipping applied ones: `to` naming an applied migration means "nothing further".
    if (applied.has(migration.name)) {
      if (migration.name === options.to) break;
      continue;
    }
    const started = performance.now();
    await inTransaction(db, async () => {
      await db.query(migration.sql);
      await db.query("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", [migration.name, migration.checksum]);
    }).catch((error: unknown) => {
      throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
    });
    done.push(migration.name);
    options.onApplied?.(migration.name, performance.now() - started);
    if (migration.name === options.to) break;
  }
  return done;
}

/** Rolls back the newest applied migration with a rollback script; returns its name. */
export async function rollbackLatest(db: SqlSession, migrations: Migration[]): Promise<string> {
  await ensureLedger(db);
  const applied = await appliedMigrations(db);
  assertUnchanged(migrations, applied);
  const latest = [...applied.keys()].sort().at(-1);
  if (!latest) throw new MigrationError("no migration has been applied");
  const migration = migrations.find((m) => m.name === latest);
  if (!migration?.down) throw new MigrationError(`migration ${latest} has no rollback script (migrations/rollback/${latest}.down.sql)`);
  const down = migration.down;
  await inTransaction(db, async () => {
    await db.query(down);
    await db.query("DELETE FROM schema_migrations WHERE name = $1", [latest]);
  }).catch((error: unknown) => {
    throw new MigrationError(`rollback of ${latest} failed and was undone: ${(error as Error).message}`);
  });
  return latest;
}

async function inTransaction(db: SqlSession, work: () => Promise<void>) {
  await db.query("BEGIN");
  try {
    await work();
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
