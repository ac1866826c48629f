/**
 * One catalog version, parsed: what every hit is answered from. Built from
 * the database (whole, or the previous version patched with the rows one
 * write changed) or from the index stored in KV. Pure.
 */

import { archivedSuccessors, withRecommendedSuccessors } from "../domain/replacement-graph";
import type { CatalogRow } from "../queries/catalog";
import { type SerializedModel, serializeModel } from "./list-body";
import { aliasEntry, byProviderThenId, type CatalogEntry, type PublicModel, toPublicModel } from "./public-model";
import type { CatalogVersion } from "./state";

export interface Snapshot extends CatalogVersion {
  /**
   * Visible entries, by provider then id, each serialized once: the models (with
   * their recommended successor and aliases) and the aliases of listed models
   * (their target's fields under the alias's id, `alias_for` set).
   */
  models: SerializedModel[];
  /** Every entry by id: an alias's entry is found as a model's is. */
  byId: Map<string, SerializedModel>;
  /** Every alias -> its target model (also a target that is archived): what the gate resolves. */
  aliases: Map<string, string>;
  /** Archived model id -> its recommended successor (if any), for 410 answers. */
  archived: Map<string, string | null>;
  /** Archived model id -> the replacement it names: what successor chains are computed from. */
  archivedReplacement: Map<string, string | null>;
}

/** A visible model as stored in the database, before successors are worked out. */
interface Listed {
  model: PublicModel;
  created: number;
}

const recommendationOf = (model: PublicModel) => model.legacy_info?.recommended_model_id ?? null;
const sameIds = (a: readonly string[] | undefined, b: readonly string[]) => a?.length === b.length && a.every((id, i) => id === b[i]);
const byEntry = (a: SerializedModel, b: SerializedModel) => byProviderThenId(a.model, b.model);

/** Each target's aliases, sorted. */
function aliasesByTarget(aliases: ReadonlyMap<string, string>): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const [alias, target] of [...aliases].sort(([a], [b]) => (a < b ? -1 : 1)))
    byTarget.set(target, [...(byTarget.get(target) ?? []), alias]);
  return byTarget;
}

/**
 * The entries of `linked` models (sorted) with their aliases, and an entry per
 * alias of one of them, in one sorted list. `reuse` as in assemble: a model's
 * serialization is reused when its successor and aliases are unchanged, an
 * alias's when its target's was reused.
 */
function entriesOf(
  linked: PublicModel[],
  created: (i: number) => number,
  aliases: ReadonlyMap<string, string>,
  reuse?: Map<string, SerializedModel>,
) {
  const aliasesOf = aliasesByTarget(aliases);
  const reused = new Set<string>();
  const models = linked.map((model, i) => {
    const entry: CatalogEntry = { ...model, aliases: aliasesOf.get(model.id) ?? [] };
    const prior = reuse?.get(model.id);
    if (prior && recommendationOf(prior.model) === recommendationOf(model) && sameIds(prior.model.aliases, entry.aliases)) {
      reused.add(model.id);
      return prior;
    }
    return serializeModel(entry, created(i));
  });
  if (aliases.size === 0) return models;
  const byModelId = new Map(models.map((entry) => [entry.model.id, entry]));
  const aliasEntries: SerializedModel[] = [];
  for (const [alias, target] of aliases) {
    const targetEntry = byModelId.get(target);
    if (!targetEntry) continue;
    const prior = reuse?.get(alias);
    if (prior && prior.model.alias_for === target && reused.has(target)) aliasEntries.push(prior);
    else aliasEntries.push(serializeModel({ ...aliasEntry(alias, targetEntry.model), aliases: [] }, targetEntry.created));
  }
  return [...models, ...aliasEntries].sort(byEntry);
}

/**
 * The one place a snapshot is assembled: facts derived from the whole
 * version (recommended successors) are computed here. `reuse` holds
 * serializations still valid (a patch's unchanged models): reused when the
 * successor computed now is the one they carry.
 */
function assemble(
  at: CatalogVersion,
  listed: Listed[],
  archivedReplacement: Map<string, string | null>,
  aliases: Map<string, string>,
  reuse?: Map<string, SerializedModel>,
) {
  const linked = withRecommendedSuccessors(
    listed.map(({ model }) => model),
    archivedReplacement,
  );
  const models = entriesOf(linked, (i) => (listed[i] as Listed).created, aliases, reuse);
  const byId = new Map(models.map((entry) => [entry.model.id, entry]));
  const archived = archivedSuccessors(new Set(listed.map(({ model }) => model.id)), archivedReplacement);
  return { ...at, models, byId, aliases, archived, archivedReplacement } satisfies Snapshot;
}

function listedAndArchived(rows: readonly CatalogRow[]) {
  const listed: Listed[] = [];
  const archivedReplacement = new Map<string, string | null>();
  for (const row of rows) {
    if (row.isArchived) archivedReplacement.set(row.id, row.meta.legacyReplacementModelId ?? null);
    else
      listed.push({
        model: toPublicModel(row),
        created: Math.floor(row.createdAt.getTime() / 1000),
      });
  }
  return { listed, archivedReplacement };
}

// Byte order, whatever the database's collation (a locale collation ignores "-" and ".").
const byModel = (a: Listed, b: Listed) => byProviderThenId(a.model, b.model);

export function snapshotFromRows(at: CatalogVersion, rows: readonly CatalogRow[], aliases = new Map<string, string>()): Snapshot {
  const { listed, archivedReplacement } = listedAndArchived(rows);
  return assemble(at, listed.sort(byModel), archivedReplacement, aliases);
}

/** A model as the database has it: without the successor and the aliases this snapshot worked out. */
function unlinked(entry: PublicModel): PublicModel {
  const { aliases: _aliases, ...model } = entry as CatalogEntry;
  if (!model.legacy_info || !("recommended_model_id" in model.legacy_info)) return model;
  const { recommended_model_id: _, ...legacy } = model.legacy_info;
  return { ...model, legacy_info: legacy };
}

/**
 * `previous` with the models `changedIds` replaced by `rows` (their state at
 * `at`); ids without a row are dropped; the alias entries rebuilt from
 * `aliases` (all of them, at `at`).
 */
export function patchSnapshot(
  previous: Snapshot,
  at: CatalogVersion,
  changedIds: readonly string[],
  rows: readonly CatalogRow[],
  aliases: Map<string, string> = previous.aliases,
): Snapshot {
  const changed = new Set(changedIds);
  const { listed: fresh, archivedReplacement: newlyArchived } = listedAndArchived(rows);
  const aliasEntries = previous.models.filter((entry) => entry.model.alias_for !== undefined);
  const kept = previous.models.filter((entry) => entry.model.alias_for === undefined && !changed.has(entry.model.id));
  const listed = [...kept.map((entry) => ({ model: unlinked(entry.model), created: entry.created })), ...fresh].sort(byModel);
  const archivedReplacement = new Map(previous.archivedReplacement);
  for (const id of changed) archivedReplacement.delete(id);
  for (const [id, replacement] of newlyArchived) archivedReplacement.set(id, replacement);
  const reuse = new Map([...kept, ...aliasEntries].map((entry) => [entry.model.id, entry]));
  return assemble(at, listed, archivedReplacement, aliases, reuse);
}

/**
 * The stored form: a header line, then one line per visible model: its
 * `created`, a space, and the exact JSON its SerializedModel holds (JSON never
 * contains a raw newline), so reading it back parses each model once and
 * serializes none.
 */
export function encodeIndex(snapshot: Snapshot): string {
  const header = JSON.stringify({
    epoch: snapshot.epoch,
    version: snapshot.version,
    archivedReplacement: Object.fromEntries(snapshot.archivedReplacement),
    aliases: Object.fromEntries(snapshot.aliases),
  });
  return [header, ...snapshot.models.map((entry) => `${entry.created} ${entry.unclosedJson}}`)].join("\n");
}

export function decodeIndex(text: string): Snapshot {
  const lines = text.split("\n");
  const header = JSON.parse(lines[0] ?? "") as CatalogVersion & {
    archivedReplacement: Record<string, string | null>;
    aliases?: Record<string, string>;
  };
  const models: SerializedModel[] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const space = line.indexOf(" ");
    const json = line.slice(space + 1);
    models[i - 1] = { model: JSON.parse(json) as CatalogEntry, unclosedJson: json.slice(0, -1), created: Number(line.slice(0, space)) };
  }
  const byId = new Map(models.map((entry) => [entry.model.id, entry]));
  const archivedReplacement = new Map(Object.entries(header.archivedReplacement));
  const aliases = new Map(Object.entries(header.aliases ?? {}));
  const at = { epoch: header.epoch, version: header.version };
  const liveIds = new Set(models.flatMap((entry) => (entry.model.alias_for === undefined ? [entry.model.id] : [])));
  return { ...at, models, byId, aliases, archived: archivedSuccessors(liveIds, archivedReplacement), archivedReplacement };
}

/** Every model of `rows`, archived ones included, and their aliases, serialized as a snapshot's are (the admin `includeArchived` list). */
export function serializeAll(rows: readonly CatalogRow[], aliases = new Map<string, string>()): SerializedModel[] {
  const { archivedReplacement } = listedAndArchived(rows);
  const listed = rows.map((row) => ({ model: toPublicModel(row), created: Math.floor(row.createdAt.getTime() / 1000) })).sort(byModel);
  const linked = withRecommendedSuccessors(
    listed.map(({ model }) => model),
    archivedReplacement,
  );
  return entriesOf(linked, (i) => (listed[i] as Listed).created, aliases);
}
