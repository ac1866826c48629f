/**
 * Lifecycle writes. Each one: lock the model, check the rules, write the
 * model, its audit row, the catalog version, its change-feed event and the
 * Idempotency-Key answer (if any) in one transaction, then publish the new
 * catalog version to the cache and hand the event to the webhook queue. A
 * transaction the database aborts as a serialization failure or a deadlock
 * is run again from the start, a few times, then answered 503.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { type ModelRow, models, modelTierAuditLogs } from "../../drizzle/schema";
import type { CatalogCache } from "../catalog/cache";
import { bumpCatalogVersion } from "../catalog/state";
import type { ChangeOutbox } from "../changes/outbox";
import type { Database, Transaction } from "../db/client";
import { type Answer, type Claim, saveAnswer } from "../db/idempotency-keys";
import { type ModelMeta, ModelMetaSchema, mergeMeta } from "../domain/model-meta";
import { ApiError } from "../http/errors";
import { sqlState } from "../http/failures";
import { log } from "../log";
import { sunsetAtOrBefore } from "../queries/models";
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

export interface WriteContext {
  actor: string;
  /** The server's request id (the audit key); the client's, if any, goes beside it. */
  requestId: string;
  clientRequestId?: string;
  /** The request's Idempotency-Key claim, and the answer it gets for the written row: saved with the write. */
  idempotency?: { claim: Claim; answer: (written: Written) => Answer };
}

/** What a write gives back: the row, and for an archive the live models that named it as their replacement. */
export interface Written {
  row: ModelRow;
  affectedModels?: string[];
}

/** SQLSTATEs that mean "run the transaction again": serialization_failure, deadlock_detected. */
const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);
/** Attempts in all, and the base of the exponential backoff between them (full jitter). */
export const WRITE_ATTEMPTS = 4;
const RETRY_BASE_MS = 20;

/** Why the cron archived a model, in its audit row. */
const SUNSET_REASON = "sunset date passed";

/** Longest replacement chain we follow looking for a cycle. */
const MAX_REPLACEMENT_CHAIN = 64;

export class Lifecycle {
  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogCache,
    private readonly context: WriteContext,
    private readonly changes: ChangeOutbox,
  ) {}

  async addModel(input: NewModel): Promise<ModelRow> {
    const meta = parseMeta(input.meta);
    const { row, version } = await this.transaction(async (tx) => {
      const [row] = await tx
        .insert(models)
        .values({ id: input.id, name: input.name, provider: input.provider, isAvailable: input.isAvailable ?? true, meta })
        .onConflictDoNothing({ target: models.id })
        .returning();
      if (!row) throw new ApiError("conflict", `model ${input.id} already exists`);
      await this.audit(tx, [{ modelId: row.id, action: "create", previous: null, next: stateOf(row), reason: null }]);
      return this.finish(tx, "create", null, { row });
    }).catch(rethrowConflicts);
    await this.catalog.publish(version, [row.id]);
    this.changes.dispatchRecorded();
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
  async archive(id: string, reason: string, ifMatch?: number): Promise<Required<Written>> {
    let affectedModels: string[] = [];
    const row = await this.change(
      id,
      "archive",
      ifMatch,
      reason,
      undefined,
      async (current, tx) => {
        assertCanArchive(current);
        affectedModels = await modelsReplacedBy(tx, id);
        return { ...current, isArchived: true };
      },
      () => ({ affectedModels }),
    );
    return { row, affectedModels };
  }

  /** Unarchive keeps legacy status; only a sunset date already passed is dropped, or the cron would archive it again. */
  unarchive(id: string, ifMatch?: number): Promise<ModelRow> {
    return this.change(id, "unarchive", ifMatch, null, undefined, async (current) => {
      assertCanUnarchive(current);
      return { ...current, isArchived: false, meta: withoutPassedSunset(current.meta, new Date()) };
    });
  }

  /**
   * The cron's archive: every live legacy model whose sunset date is at or
   * before `now`. One conditional UPDATE decides which rows change, so
   * overlapping or repeated runs archive each model exactly once; their audit
   * rows and feed events are written in the same transaction.
   */
  async archiveSunsetDue(now: Date): Promise<string[]> {
    const { ids, version } = await this.transaction(async (tx) => {
      const archived = await tx
        .update(models)
        .set({ isArchived: true, rowVersion: sql`${models.rowVersion} + 1`, updatedAt: sql`now()` })
        .where(and(eq(models.isLegacy, true), eq(models.isArchived, false), sunsetAtOrBefore(now)))
        .returning();
      if (archived.length === 0) return { ids: [] as string[], version: undefined };
      await this.audit(
        tx,
        archived.map((model) => ({
          modelId: model.id,
          action: "archive",
          previous: { isArchived: false },
          next: { isArchived: true, sunsetDate: model.meta.sunsetDate },
          reason: SUNSET_REASON,
        })),
      );
      const version = await bumpCatalogVersion(tx);
      await this.changes.record(
        tx,
        version,
        archived.map((model) => ({ action: "archive", before: { ...model, isArchived: false }, after: model })),
      );
      return { ids: archived.map((model) => model.id), version };
    });
    if (version === undefined) return ids;
    await this.catalog.publish(version, ids);
    this.changes.dispatchRecorded();
    return ids;
  }

  private async change(
    id: string,
    action: LifecycleAction,
    ifMatch: number | undefined,
    reason: string | null,
    /** Runs first in the transaction, before the row lock (locks taken here come before it, always). */
    lockFirst: ((tx: Transaction) => Promise<void>) | undefined,
    decide: (current: ModelFlags, tx: Transaction) => Promise<ModelFlags>,
    /** The rest of the answer, known once `decide` ran (saved with an Idempotency-Key). */
    alsoWritten: () => Omit<Written, "row"> = () => ({}),
  ): Promise<ModelRow> {
    const { row, version } = await this.transaction(async (tx) => {
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
      await this.audit(tx, [{ modelId: id, action, previous, next, reason }]);
      return this.finish(tx, action, current, { row: row as ModelRow, ...alsoWritten() });
    });
    await this.catalog.publish(version, [id]);
    this.changes.dispatchRecorded();
    return row;
  }

  /** The last steps of every write's transaction: the catalog version, the change-feed event, the idempotent answer. */
  private async finish(tx: Transaction, action: LifecycleAction, before: ModelRow | null, written: Written) {
    const version = await bumpCatalogVersion(tx);
    await this.changes.record(tx, version, [{ action, before, after: written.row }]);
    const idempotency = this.context.idempotency;
    if (idempotency) await saveAnswer(tx, idempotency.claim, idempotency.answer(written));
    return { row: written.row, version };
  }

  /**
   * Runs `work` in a transaction; when the database aborts it as a
   * serialization failure or deadlock, runs it again after a random pause
   * that doubles each time, then gives up with 503 and Retry-After.
   */
  private async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(work);
      } catch (error) {
        const state = sqlState(error);
        if (state === undefined || !RETRYABLE_SQLSTATES.has(state)) throw error;
        if (attempt >= WRITE_ATTEMPTS) {
          throw new ApiError("database_busy", "the catalog is busy with concurrent changes, try again shortly", {
            cause: error,
            headers: { "Retry-After": "1" },
          });
        }
        log.warn("write_retried", { requestId: this.context.requestId, attempt, sqlState: state });
        await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_BASE_MS * 2 ** attempt));
      }
    }
  }

  private async audit(tx: Transaction, entries: AuditEntry[]) {
    await tx.insert(modelTierAuditLogs).values(
      entries.map(({ modelId, action, previous, next, reason }) => ({
        actor: this.context.actor,
        modelId,
        action,
        previousValue: previous,
        newValue: next,
        reason,
        requestId: this.context.requestId,
        clientRequestId: this.context.clientRequestId ?? null,
      })),
    );
  }
}

/** One audit row: what was, what became, and why (if said). */
interface AuditEntry {
  modelId: string;
  action: LifecycleAction;
  previous: unknown;
  next: unknown;
  reason: string | null;
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
