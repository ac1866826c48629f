/**
 * Lifecycle writes. Each one: lock the model, check the rules, write the
 * model, its audit row and the catalog version in one transaction, then
 * publish the new catalog version to the cache.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { type ModelRow, models, modelTierAuditLogs } from "../../drizzle/schema";
import type { CatalogCache } from "../catalog/cache";
import { bumpCatalogVersion } from "../db/catalog-version";
import type { Database, Transaction } from "../db/client";
import { type ModelMeta, ModelMetaSchema, mergeMeta } from "../domain/model-meta";
import { ApiError } from "../http/errors";
import { sqlState } from "../http/failures";
import type { LegacyOptions, NewModel } from "./inputs";
import {
  assertCanArchive,
  assertCanMarkLegacy,
  assertCanUnarchive,
  assertCanUnmarkLegacy,
  assertFutureSunset,
  describeChange,
  type LifecycleAction,
  type ModelFlags,
  withoutLegacyFields,
  withoutPassedSunset,
} from "./rules";

interface WriteContext {
  actor: string;
  requestId: string;
}

/** Longest replacement chain we follow looking for a cycle. */
const MAX_REPLACEMENT_CHAIN = 64;

export class Lifecycle {
  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogCache,
    private readonly context: WriteContext,
  ) {}

  async addModel(input: NewModel): Promise<ModelRow> {
    const meta = parseMeta(input.meta);
    const { row, version } = await this.db
      .transaction(async (tx) => {
        const [row] = await tx
          .insert(models)
          .values({ id: input.id, name: input.name, provider: input.provider, isAvailable: input.isAvailable ?? true, meta })
          .onConflictDoNothing({ target: models.id })
          .returning();
        if (!row) throw new ApiError("conflict", `model ${input.id} already exists`);
        await this.audit(tx, row.id, "create", null, stateOf(row), null);
        return { row, version: await bumpCatalogVersion(tx) };
      })
      .catch(rethrowConflicts);
    await this.catalog.publish(version, [row.id]);
    return row;
  }

  updateModelMeta(id: string, patch: Record<string, unknown>, ifMatch?: number): Promise<ModelRow> {
    return this.change(id, "update_meta", ifMatch, null, undefined, async (current) => ({
      ...current,
      meta: parseMeta(mergeMeta(current.meta, patch)),
    }));
  }

  markAsLegacy(id: string, options: LegacyOptions, ifMatch?: number): Promise<ModelRow> {
    // Two admins marking A -> B and B -> A at once would each see no cycle: replacement edges are added one at a time.
    const serialize = options.replacementModelId === undefined ? undefined : lockReplacementGraph;
    return this.change(id, "mark_legacy", ifMatch, null, serialize, async (current, tx) => {
      assertCanMarkLegacy(current);
      assertFutureSunset(options.sunsetDate, new Date());
      if (options.replacementModelId !== undefined) await assertUsableReplacement(tx, id, options.replacementModelId);
      const meta = withoutLegacyFields(current.meta);
      return {
        ...current,
        isLegacy: true,
        legacySince: current.isLegacy ? current.legacySince : new Date(),
        meta: parseMeta({
          ...meta,
          ...(options.replacementModelId !== undefined && { legacyReplacementModelId: options.replacementModelId }),
          ...(options.deprecationNotice !== undefined && { deprecationNotice: options.deprecationNotice }),
          ...(options.sunsetDate !== undefined && { sunsetDate: new Date(options.sunsetDate).toISOString() }),
        }),
      };
    });
  }

  unmarkLegacy(id: string, ifMatch?: number): Promise<ModelRow> {
    return this.change(id, "unmark_legacy", ifMatch, null, undefined, async (current) => {
      assertCanUnmarkLegacy(current);
      return { ...current, isLegacy: false, legacySince: null, meta: withoutLegacyFields(current.meta) };
    });
  }

  /**
   * Allowed even when other models name this one as their replacement (the
   * cron must be able to): those are returned, so staff see whose successor moved.
   */
  async archive(id: string, reason: string, ifMatch?: number): Promise<{ row: ModelRow; affectedModels: string[] }> {
    let affectedModels: string[] = [];
    const row = await this.change(id, "archive", ifMatch, reason, undefined, async (current, tx) => {
      assertCanArchive(current);
      affectedModels = await modelsReplacedBy(tx, id);
      return { ...current, isArchived: true };
    });
    return { row, affectedModels };
  }

  /** Unarchive keeps legacy status; only a sunset date already passed is dropped, or the cron would archive it again. */
  unarchive(id: string, ifMatch?: number): Promise<ModelRow> {
    return this.change(id, "unarchive", ifMatch, null, undefined, async (current) => {
      assertCanUnarchive(current);
      return { ...current, isArchived: false, meta: withoutPassedSunset(current.meta, new Date()) };
    });
  }

  private async change(
    id: string,
    action: LifecycleAction,
    ifMatch: number | undefined,
    reason: string | null,
    /** Runs first in the transaction, before the row lock (locks taken here come before it, always). */
    lockFirst: ((tx: Transaction) => Promise<void>) | undefined,
    decide: (current: ModelFlags, tx: Transaction) => Promise<ModelFlags>,
  ): Promise<ModelRow> {
    const { row, version } = await this.db.transaction(async (tx) => {
      await lockFirst?.(tx);
      // The row lock serializes concurrent writers; the If-Match check then sees the winner's version.
      const [current] = await tx.select().from(models).where(eq(models.id, id)).for("update");
      if (!current) throw new ApiError("not_found", `model ${id} does not exist`);
      if (ifMatch !== undefined && current.rowVersion !== ifMatch) {
        throw new ApiError("precondition_failed", `model ${id} has changed (now version ${current.rowVersion}); reload and retry`, {
          headers: { ETag: rowEtag(current.rowVersion) },
        });
      }
      const before = stateOf(current);
      const after = await decide(before, tx);
      const [row] = await tx
        .update(models)
        .set({
          isAvailable: after.isAvailable,
          isLegacy: after.isLegacy,
          isArchived: after.isArchived,
          legacySince: after.legacySince,
          meta: after.meta,
          rowVersion: sql`${models.rowVersion} + 1`,
          updatedAt: sql`now()`,
        })
        .where(eq(models.id, id))
        .returning();
      const { previous, next } = describeChange(before, after);
      await this.audit(tx, id, action, previous, next, reason);
      return { row: row as ModelRow, version: await bumpCatalogVersion(tx) };
    });
    await this.catalog.publish(version, [id]);
    return row;
  }

  private async audit(tx: Transaction, modelId: string, action: LifecycleAction, previous: unknown, next: unknown, reason: string | null) {
    await tx.insert(modelTierAuditLogs).values({
      actor: this.context.actor,
      modelId,
      action,
      previousValue: previous,
      newValue: next,
      reason,
      requestId: this.context.requestId,
    });
  }
}

function stateOf(row: ModelRow): ModelFlags {
  return { isAvailable: row.isAvailable, isLegacy: row.isLegacy, isArchived: row.isArchived, legacySince: row.legacySince, meta: row.meta };
}

export const rowEtag = (rowVersion: number) => `"${rowVersion}"`;

function parseMeta(meta: unknown): ModelMeta {
  const parsed = ModelMetaSchema.safeParse(meta);
  if (!parsed.success) {
    throw new ApiError("invalid_request", "the resulting meta is invalid", {
      details: parsed.error.issues.map(({ code, path, message }) => ({ code, path: ["meta", ...path], message })),
    });
  }
  return parsed.data;
}

function rethrowConflicts(error: unknown): never {
  if (sqlState(error) === "23505") throw new ApiError("conflict", "a model with this id already exists", { cause: error });
  throw error;
}

/** Live models that name `id` as their replacement, by id. */
async function modelsReplacedBy(tx: Transaction, id: string): Promise<string[]> {
  const rows = await tx
    .select({ id: models.id })
    .from(models)
    .where(and(eq(models.isArchived, false), sql`${models.meta} ->> 'legacyReplacementModelId' = ${id}`))
    .orderBy(asc(models.id));
  return rows.map((row) => row.id);
}

/**
 * Serializes the writes that add replacement edges, for the rest of the
 * transaction. Taken before any row lock, and only by those writes, so it
 * cannot deadlock with them.
 */
async function lockReplacementGraph(tx: Transaction) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('models.legacy_replacement_graph'))`);
}

/** The replacement must exist, differ, be live, and not lead back to the model. */
async function assertUsableReplacement(tx: Transaction, id: string, replacementId: string) {
  const invalid = (message: string) => new ApiError("invalid_request", message, { details: [{ path: ["replacementModelId"], message }] });
  if (replacementId === id) throw invalid("a model cannot replace itself");
  let cursor: string | undefined = replacementId;
  for (let hops = 0; cursor !== undefined && hops < MAX_REPLACEMENT_CHAIN; hops++) {
    const query = tx
      .select({
        id: models.id,
        isArchived: models.isArchived,
        isLegacy: models.isLegacy,
        next: sql<string | null>`${models.meta} ->> 'legacyReplacementModelId'`,
      })
      .from(models)
      .where(eq(models.id, cursor));
    // The replacement must stay live until we commit: an archive of it waits for us.
    const [step] = await (hops === 0 ? query.for("share") : query);
    if (!step) {
      if (hops === 0) throw invalid(`replacement model ${replacementId} does not exist`);
      return;
    }
    if (hops === 0 && step.isArchived) throw new ApiError("conflict", `replacement model ${replacementId} is archived`);
    if (step.id === id) throw new ApiError("conflict", `replacement ${replacementId} leads back to ${id}: a replacement cycle`);
    cursor = step.isLegacy ? (step.next ?? undefined) : undefined;
  }
}
