/**
 * The database side of alias writes (rules: alias-rules.ts): the per-id lock
 * that keeps models and aliases in one id space, a put (create or re-point),
 * a delete, and the re-pointing an archive does. Each returns what the
 * write's transaction records (audit row, feed event, ids the cache re-reads).
 */
import { asc, eq, inArray, sql } from "drizzle-orm";
import { type AliasRow, type ModelRow, modelAliases, models } from "../../drizzle/schema";
import { aliasEventFor } from "../changes/events";
import type { Transaction } from "../db/client";
import { MAX_REPLACEMENT_CHAIN } from "../domain/replacement-graph";
import { ApiError } from "../http/errors";
import { rowEtag } from "../http/if-match";
import { isRouteName } from "../routes/route-names";
import { aliasAuditValue, assertAliasId, assertAliasIdFree, assertAliasTarget, assertModelIdFree } from "./alias-rules";
import type { AuditEntry } from "./audit";
import type { AliasWritten, AlsoChanged } from "./change";

/**
 * Serializes every write that could take `id` (a model's creation, an
 * alias's put or delete) for the rest of the transaction, so a model and an
 * alias can never both be created under one id.
 */
export async function lockCatalogId(tx: Transaction, id: string) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('catalog.ids'), hashtext(${id}))`);
}

/** A model creation's check, under the id's lock: no alias holds the id. */
export async function assertNoAliasNamed(tx: Transaction, id: string) {
  await lockCatalogId(tx, id);
  const [alias] = await tx.select({ alias: modelAliases.alias }).from(modelAliases).where(eq(modelAliases.alias, id));
  assertModelIdFree(id, alias !== undefined);
}

/** What one alias write records. */
export interface AliasChange extends AlsoChanged {
  written: AliasWritten;
  /** False when nothing changed (re-pointed where it already points). */
  changed: boolean;
}

const modelRow = async (tx: Transaction, id: string, lock = false) => {
  const query = tx.select().from(models).where(eq(models.id, id));
  // The target must stay live until we commit: an archive of it waits for us (and then re-points this alias).
  const [row] = await (lock ? query.for("share") : query);
  return row;
};

async function lockedAlias(tx: Transaction, alias: string, ifMatch: number | undefined): Promise<AliasRow | undefined> {
  await lockCatalogId(tx, alias);
  const [current] = await tx.select().from(modelAliases).where(eq(modelAliases.alias, alias)).for("update");
  if (ifMatch !== undefined && current?.rowVersion !== ifMatch) {
    const now = current ? `now version ${current.rowVersion}` : "it does not exist";
    throw new ApiError("precondition_failed", `alias ${alias} has changed (${now}); reload and retry`, {
      ...(current && { headers: { ETag: rowEtag(current.rowVersion) } }),
    });
  }
  return current;
}

/** Creates `alias` or re-points it at `targetId`. */
export async function putAliasRow(
  tx: Transaction,
  actor: string,
  alias: string,
  targetId: string,
  ifMatch?: number,
  existing = false,
): Promise<AliasChange> {
  assertAliasId(alias);
  const current = await lockedAlias(tx, alias, ifMatch);
  if (!current && existing) throw new ApiError("not_found", `alias ${alias} does not exist`);
  if (!current) assertAliasIdFree(alias, { isModel: (await modelRow(tx, alias)) !== undefined, isRouteName: isRouteName(alias) });
  const [targetAlias] = await tx.select({ alias: modelAliases.alias }).from(modelAliases).where(eq(modelAliases.alias, targetId));
  const target = await modelRow(tx, targetId, true);
  assertAliasTarget(targetId, target, targetAlias !== undefined || targetId === alias);
  const live = target as ModelRow;
  if (current?.targetModelId === targetId)
    return { written: { alias: current, created: false }, changed: false, audit: [], events: [], changedIds: [] };
  const [row] = current
    ? await tx
        .update(modelAliases)
        .set({ targetModelId: targetId, rowVersion: sql`${modelAliases.rowVersion} + 1`, updatedBy: actor, updatedAt: sql`now()` })
        .where(eq(modelAliases.alias, alias))
        .returning()
    : await tx.insert(modelAliases).values({ alias, targetModelId: targetId, createdBy: actor, updatedBy: actor }).returning();
  const previous = current && { targetModelId: current.targetModelId, target: (await modelRow(tx, current.targetModelId)) as ModelRow };
  return {
    written: { alias: row as AliasRow, created: !current },
    changed: true,
    audit: [auditOf(alias, current ? "repoint_alias" : "create_alias", current?.targetModelId ?? null, targetId)],
    events: [aliasEventFor(current ? "repoint_alias" : "create_alias", alias, previous ?? null, { targetModelId: targetId, target: live })],
    changedIds: [alias, targetId, ...(current ? [current.targetModelId] : [])],
  };
}

/** Deletes `alias` (404 when there is none). */
export async function deleteAliasRow(tx: Transaction, alias: string, ifMatch?: number): Promise<AliasChange> {
  const current = await lockedAlias(tx, alias, ifMatch);
  if (!current) throw new ApiError("not_found", `alias ${alias} does not exist`);
  await tx.delete(modelAliases).where(eq(modelAliases.alias, alias));
  const target = (await modelRow(tx, current.targetModelId)) as ModelRow;
  return {
    written: { alias: null, created: false },
    changed: true,
    audit: [auditOf(alias, "delete_alias", current.targetModelId, null)],
    events: [aliasEventFor("delete_alias", alias, { targetModelId: current.targetModelId, target }, null)],
    changedIds: [alias, current.targetModelId],
  };
}

/**
 * An archive's aliases: each alias of an archived model moves to the model's
 * recommended successor (the first live model along its replacements), in
 * the archive's transaction, audited as the archive's actor with its
 * reason. Without a successor an alias keeps its target (and answers 410 as it does).
 */
export async function repointAliasesOf(
  tx: Transaction,
  actor: string,
  archived: readonly ModelRow[],
  reason: string | null,
): Promise<AlsoChanged> {
  const also: AlsoChanged = { audit: [], events: [], changedIds: [] };
  if (archived.length === 0) return also;
  const aliases = await tx
    .select()
    .from(modelAliases)
    .where(
      inArray(
        modelAliases.targetModelId,
        archived.map((row) => row.id),
      ),
    )
    .orderBy(asc(modelAliases.alias))
    .for("update");
  for (const row of archived) {
    const own = aliases.filter((alias) => alias.targetModelId === row.id);
    const successor = own.length ? await liveSuccessorOf(tx, row) : undefined;
    if (!successor) continue;
    const moved = await tx
      .update(modelAliases)
      .set({ targetModelId: successor.id, rowVersion: sql`${modelAliases.rowVersion} + 1`, updatedBy: actor, updatedAt: sql`now()` })
      .where(eq(modelAliases.targetModelId, row.id))
      .returning({ alias: modelAliases.alias });
    for (const { alias } of moved.sort((a, b) => (a.alias < b.alias ? -1 : 1))) {
      also.audit.push({ ...auditOf(alias, "repoint_alias", row.id, successor.id), reason });
      also.events.push(
        aliasEventFor(
          "repoint_alias",
          alias,
          { targetModelId: row.id, target: { ...row, isArchived: false } },
          { targetModelId: successor.id, target: successor },
        ),
      );
      also.changedIds.push(alias);
    }
    also.changedIds.push(successor.id);
  }
  return also;
}

/** The first live model along `row`'s replacements (what its 410 recommends), locked against an archive until we commit. */
async function liveSuccessorOf(tx: Transaction, row: ModelRow): Promise<ModelRow | undefined> {
  let next = row.meta.legacyReplacementModelId ?? null;
  for (let hops = 0; next !== null && next !== row.id && hops < MAX_REPLACEMENT_CHAIN; hops++) {
    const step = await modelRow(tx, next, true);
    if (!step) return undefined;
    if (!step.isArchived) return step;
    next = step.meta.legacyReplacementModelId ?? null;
  }
  return undefined;
}

function auditOf(alias: string, action: AuditEntry["action"], from: string | null, to: string | null): AuditEntry {
  return { modelId: alias, action, previous: aliasAuditValue(from), next: aliasAuditValue(to), reason: null };
}
