/**
 * Loading seed models into the database: validated first (one bad record and
 * nothing is written), inserted in batches inside one transaction with their
 * audit rows, and the catalog version bumped once so caches refresh.
 */
import { ModelMetaSchema } from "../../src/domain/model-meta";
import { SEED_ALIASES, SEED_MODELS } from "../data/seed-catalog";
import type { SqlSession } from "./migrations";
import type { SeedModel } from "./seed-model";

export const SEED_ACTOR = "system:seed";
const BATCH = 250;

export class SeedError extends Error {}

export function assertValidSeeds(seeds: readonly SeedModel[]) {
  const ids = new Set<string>();
  for (const seed of seeds) {
    const parsed = ModelMetaSchema.safeParse(seed.meta);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SeedError(`seed model ${seed.id} is invalid: meta.${issue?.path.join(".")} ${issue?.message}`);
    }
    if (ids.has(seed.id)) throw new SeedError(`seed model ${seed.id} appears twice`);
    ids.add(seed.id);
  }
}

/** Inserts the models that are not there yet; returns how many were added. */
export async function insertSeeds(
  db: SqlSession,
  seeds: readonly SeedModel[],
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  assertValidSeeds(seeds);
  let added = 0;
  await db.query("BEGIN");
  try {
    for (let start = 0; start < seeds.length; start += BATCH) {
      const batch = seeds.slice(start, start + BATCH);
      const params: unknown[] = [];
      const rows = batch.map((seed) => {
        params.push(seed.id, seed.name, seed.provider, seed.isAvailable, seed.isLegacy, seed.isArchived, JSON.stringify(seed.meta));
        const n = params.length;
        return `($${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}::jsonb, CASE WHEN $${n - 2}::boolean THEN now() END)`;
      });
      const { rows: inserted } = await db.query(
        `INSERT INTO models (id, name, provider, is_available, is_legacy, is_archived, meta, legacy_since)
         VALUES ${rows.join(", ")} ON CONFLICT (id) DO NOTHING RETURNING id, is_legacy, is_archived, meta`,
        params,
      );
      if (inserted.length) {
        const auditParams: unknown[] = [];
        const auditRows = inserted.map((row) => {
          auditParams.push(row.id, JSON.stringify({ isLegacy: row.is_legacy, isArchived: row.is_archived, meta: row.meta }));
          const n = auditParams.length;
          return `('${SEED_ACTOR}', $${n - 1}, 'create', NULL, $${n}::jsonb, 'seed data', NULL)`;
        });
        await db.query(
          `INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, previous_value, new_value, reason, request_id) VALUES ${auditRows.join(", ")}`,
          auditParams,
        );
        // Their public history starts at their creation (model_history, 0011), as the Worker's writes record it.
        await db.query(
          `INSERT INTO model_history (model_id, version, effective_at, action, state)
           SELECT id, row_version, created_at, 'create',
                  jsonb_build_object('id', id, 'name', name, 'provider', provider, 'isAvailable', is_available, 'isLegacy', is_legacy,
                                     'isArchived', is_archived, 'legacySince', legacy_since, 'meta', meta)
           FROM models WHERE id = ANY($1::text[])`,
          [inserted.map((row) => row.id)],
        );
      }
      added += inserted.length;
      onProgress?.(Math.min(start + BATCH, seeds.length), seeds.length);
    }
    if (added) await db.query("UPDATE catalog_state SET version = version + 1");
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    throw error;
  }
  return added;
}

/**
 * Adds the seed aliases that are not there yet (ids free, targets live), with
 * their audit rows, in one transaction; returns how many were added.
 */
export async function insertSeedAliases(db: SqlSession, aliases: readonly { alias: string; targetModelId: string }[]): Promise<number> {
  if (aliases.length === 0) return 0;
  await db.query("BEGIN");
  try {
    const { rows } = await db.query(
      `INSERT INTO model_aliases (alias, target_model_id, created_by, updated_by)
       SELECT a.alias, a.target, $3, $3 FROM unnest($1::text[], $2::text[]) AS a(alias, target)
        WHERE EXISTS (SELECT FROM models m WHERE m.id = a.target AND NOT m.is_archived)
          AND NOT EXISTS (SELECT FROM models m WHERE m.id = a.alias)
       ON CONFLICT (alias) DO NOTHING RETURNING alias, target_model_id`,
      [aliases.map((a) => a.alias), aliases.map((a) => a.targetModelId), SEED_ACTOR],
    );
    for (const row of rows) {
      await db.query(
        `INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, previous_value, new_value, reason)
         VALUES ($1, $2, 'create_alias', NULL, $3::jsonb, 'seed data')`,
        [SEED_ACTOR, row.alias, JSON.stringify({ targetModelId: row.target_model_id })],
      );
    }
    if (rows.length) await db.query("UPDATE catalog_state SET version = version + 1");
    await db.query("COMMIT");
    return rows.length;
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** The curated catalog, models then the aliases over them, as `npm run dev` and `npm run db:seed` add it. */
export async function seedCuratedCatalog(db: SqlSession): Promise<{ models: number; aliases: number }> {
  const models = await insertSeeds(db, SEED_MODELS);
  const aliases = await insertSeedAliases(db, SEED_ALIASES);
  return { models, aliases };
}
