/**
 * Lifecycle writes. Each one: lock the model, check the rules, write the
 * model, its audit row, the catalog version, its change-feed event and the
 * Idempotency-Key answer (if any) in one transaction (change(), the one
 * template), then publish the new catalog version to the cache and hand the
 * event to the webhook queue (write.ts). Busy transactions are retried
 * (transaction.ts). Alias writes (aliases.ts) take the same path.
 */
import { and, eq, sql } from "drizzle-orm";
import { type ModelRow, models } from "../../drizzle/schema";
import { sqlState } from "../db/errors";
import { ApiError } from "../http/errors";
import { rowEtag } from "../http/if-match";
import { sunsetAtOrBefore } from "../queries/models";
import { type AliasChange, assertNoAliasNamed, deleteAliasRow, putAliasRow, repointAliasesOf } from "./aliases";
import type { AliasWritten, Change, Written } from "./change";
import type { LegacyOptions, NewModel } from "./inputs";
import { assertUsableReplacement, lockReplacementGraph, modelsReplacedBy } from "./replacements";
import { describeChange, parseMeta, stateOf } from "./rules";
import { TRANSITIONS, transition } from "./transitions";
import { WriteTemplate } from "./write";

/** Why the cron archived a model, in its audit row. */
const SUNSET_REASON = "sunset date passed";

export class Lifecycle extends WriteTemplate {
  async addModel(input: NewModel): Promise<ModelRow> {
    const meta = parseMeta(input.meta);
    return this.write(async (tx) => {
      await assertNoAliasNamed(tx, input.id);
      const [row] = await tx
        .insert(models)
        .values({ id: input.id, name: input.name, provider: input.provider, isAvailable: input.isAvailable ?? true, meta })
        .onConflictDoNothing({ target: models.id })
        .returning();
      if (!row) throw new ApiError("conflict", `model ${input.id} already exists`);
      await this.audit(tx, [{ modelId: row.id, action: "create", previous: null, next: stateOf(row), reason: null }]);
      const version = await this.finish(tx, [{ action: "create", before: null, after: row }], { row });
      return { result: row, changedIds: [row.id], version };
    }).catch(rethrowConflicts);
  }

  updateModelMeta(id: string, patch: Record<string, unknown>, ifMatch?: number): Promise<ModelRow> {
    return this.change({
      id,
      action: "update_meta",
      ifMatch,
      decide: async (current) => transition("update_meta", patch, current, new Date()),
    });
  }

  markAsLegacy(id: string, options: LegacyOptions, ifMatch?: number): Promise<ModelRow> {
    const replacement = options.replacementModelId;
    return this.change({
      id,
      action: "mark_legacy",
      ifMatch,
      // Two admins marking A -> B and B -> A at once would each see no cycle: replacement edges are added one at a time.
      lockFirst: replacement === undefined ? undefined : lockReplacementGraph,
      decide: async (current, tx) => {
        const next = TRANSITIONS.mark_legacy(current, options, new Date());
        if (replacement !== undefined) await assertUsableReplacement(tx, id, replacement);
        return next;
      },
    });
  }

  unmarkLegacy(id: string, ifMatch?: number): Promise<ModelRow> {
    return this.change({
      id,
      action: "unmark_legacy",
      ifMatch,
      decide: async (current) => TRANSITIONS.unmark_legacy(current, {}, new Date()),
    });
  }

  /**
   * Allowed even when other models name this one as their replacement (the
   * cron must be able to): those are returned, so staff see whose successor moved.
   */
  async archive(id: string, reason: string, ifMatch?: number): Promise<Required<Written>> {
    let affectedModels: string[] = [];
    const row = await this.change({
      id,
      action: "archive",
      ifMatch,
      reason,
      decide: async (current, tx) => {
        const next = TRANSITIONS.archive(current, { reason }, new Date());
        affectedModels = await modelsReplacedBy(tx, id);
        return next;
      },
      alsoWritten: () => ({ affectedModels }),
      alsoChange: (tx, row) => repointAliasesOf(tx, this.context.actor, [row], reason),
    });
    return { row, affectedModels };
  }

  /** Unarchive keeps legacy status; only a sunset date already passed is dropped, or the cron would archive it again. */
  unarchive(id: string, ifMatch?: number): Promise<ModelRow> {
    return this.change({ id, action: "unarchive", ifMatch, decide: async (current) => TRANSITIONS.unarchive(current, {}, new Date()) });
  }

  /**
   * The cron's archive: every live legacy model whose sunset date is at or
   * before `now`. One conditional UPDATE decides which rows change, so
   * overlapping or repeated runs archive each model exactly once.
   */
  async archiveSunsetDue(now: Date): Promise<string[]> {
    return this.write(async (tx) => {
      const rows = await tx
        .update(models)
        .set({ isArchived: true, rowVersion: sql`${models.rowVersion} + 1`, updatedAt: sql`now()` })
        .where(and(eq(models.isLegacy, true), eq(models.isArchived, false), sunsetAtOrBefore(now)))
        .returning();
      const ids = rows.map((row) => row.id);
      if (rows.length === 0) return { result: ids, changedIds: ids };
      const aliases = await repointAliasesOf(tx, this.context.actor, rows, SUNSET_REASON);
      await this.audit(tx, [
        ...rows.map((row) => ({
          modelId: row.id,
          action: "archive" as const,
          previous: { isArchived: false },
          next: { isArchived: true, sunsetDate: row.meta.sunsetDate },
          reason: SUNSET_REASON,
        })),
        ...aliases.audit,
      ]);
      const version = await this.finish(
        tx,
        rows.map((row) => ({ action: "archive", before: { ...row, isArchived: false }, after: row })),
        undefined,
        aliases.events,
      );
      return { result: ids, changedIds: [...ids, ...aliases.changedIds], version };
    });
  }

  /** The template of every change of one model: lock, If-Match, rules, update, audit, version, event, answer. */
  private async change({ id, action, ifMatch, reason, lockFirst, decide, alsoWritten, alsoChange }: Change): Promise<ModelRow> {
    return this.write(async (tx) => {
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
      const [updated] = await tx
        .update(models)
        .set({ ...after, rowVersion: sql`${models.rowVersion} + 1`, updatedAt: sql`now()` })
        .where(eq(models.id, id))
        .returning();
      const row = updated as ModelRow;
      const { previous, next } = describeChange(before, after);
      const also = (await alsoChange?.(tx, row)) ?? { audit: [], events: [], changedIds: [] };
      await this.audit(tx, [{ modelId: id, action, previous, next, reason: reason ?? null }, ...also.audit]);
      const version = await this.finish(tx, [{ action, before: current, after: row }], { row, ...alsoWritten?.() }, also.events);
      return { result: row, changedIds: [id, ...also.changedIds], version };
    });
  }

  /**
   * Creates an alias, or re-points it (a re-point where it already points
   * changes nothing). `existing`: only re-point, 404 when there is no such alias (a scheduled re-point).
   */
  putAlias(
    alias: string,
    targetModelId: string,
    options: { reason?: string; ifMatch?: number; existing?: boolean } = {},
  ): Promise<AliasWritten> {
    return this.aliasWrite(options.reason, (tx) =>
      putAliasRow(tx, this.context.actor, alias, targetModelId, options.ifMatch, options.existing),
    );
  }

  deleteAlias(alias: string, options: { reason?: string; ifMatch?: number } = {}): Promise<AliasWritten> {
    return this.aliasWrite(options.reason, (tx) => deleteAliasRow(tx, alias, options.ifMatch));
  }

  private aliasWrite(reason: string | undefined, work: (tx: Parameters<Change["decide"]>[1]) => Promise<AliasChange>) {
    return this.write(async (tx) => {
      const change = await work(tx);
      if (!change.changed) {
        await this.saveAnswer(tx, change.written);
        return { result: change.written, changedIds: [] };
      }
      await this.audit(
        tx,
        change.audit.map((entry) => ({ ...entry, reason: reason ?? null })),
      );
      const version = await this.finish(tx, [], change.written, change.events);
      return { result: change.written, changedIds: change.changedIds, version };
    });
  }
}

function rethrowConflicts(error: unknown): never {
  if (sqlState(error) === "23505") throw new ApiError("conflict", "a model with this id already exists", { cause: error });
  throw error;
}
