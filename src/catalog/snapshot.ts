/**
 * One catalog version, parsed: what every hit is answered from. Built from
 * the database (whole, or the previous version patched with the rows one
 * write changed) or from the index stored in KV. Pure.
 */

import { archivedSuccessors, withRecommendedSuccessors } from "../domain/replacement-graph";
import type { CatalogRow } from "../queries/catalog";
import { type SerializedModel, serializeModel } from "./list-body";
import { byProviderThenId, type PublicModel } from "./public-model";
import type { CatalogVersion } from "./state";
import { catalogEntryOf } from "./upcoming";

export interface Snapshot extends CatalogVersion {
  /** Visible models, by provider then id, each serialized once (with its recommended successor). */
  models: SerializedModel[];
  byId: Map<string, SerializedModel>;
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
  reuse?: Map<string, SerializedModel>,
) {
  const linked = withRecommendedSuccessors(
    listed.map(({ model }) => model),
    archivedReplacement,
  );
  const models = linked.map((model, i) => {
    const prior = reuse?.get(model.id);
    if (prior && recommendationOf(prior.model) === recommendationOf(model)) return prior;
    return serializeModel(model, (listed[i] as Listed).created);
  });
  const byId = new Map(models.map((entry) => [entry.model.id, entry]));
  const archived = archivedSuccessors(new Set(byId.keys()), archivedReplacement);
  return { ...at, models, byId, archived, archivedReplacement } satisfies Snapshot;
}

function listedAndArchived(rows: readonly CatalogRow[]) {
  const listed: Listed[] = [];
  const archivedReplacement = new Map<string, string | null>();
  for (const row of rows) {
    if (row.isArchived) archivedReplacement.set(row.id, row.meta.legacyReplacementModelId ?? null);
    else
      listed.push({
        model: catalogEntryOf(row),
        created: Math.floor(row.createdAt.getTime() / 1000),
      });
  }
  return { listed, archivedReplacement };
}

// Byte order, whatever the database's collation (a locale collation ignores "-" and ".").
const byModel = (a: Listed, b: Listed) => byProviderThenId(a.model, b.model);

export function snapshotFromRows(at: CatalogVersion, rows: readonly CatalogRow[]): Snapshot {
  const { listed, archivedReplacement } = listedAndArchived(rows);
  return assemble(at, listed.sort(byModel), archivedReplacement);
}

/** A model as the database has it: without the successor this snapshot worked out. */
function unlinked(model: PublicModel): PublicModel {
  if (!model.legacy_info || !("recommended_model_id" in model.legacy_info)) return model;
  const { recommended_model_id: _, ...legacy } = model.legacy_info;
  return { ...model, legacy_info: legacy };
}

/** `previous` with the models `changedIds` replaced by `rows` (their state at `at`); ids without a row are dropped. */
export function patchSnapshot(
  previous: Snapshot,
  at: CatalogVersion,
  changedIds: readonly string[],
  rows: readonly CatalogRow[],
): Snapshot {
  const changed = new Set(changedIds);
  const { listed: fresh, archivedReplacement: newlyArchived } = listedAndArchived(rows);
  const kept = previous.models.filter((entry) => !changed.has(entry.model.id));
  const listed = [...kept.map((entry) => ({ model: unlinked(entry.model), created: entry.created })), ...fresh].sort(byModel);
  const archivedReplacement = new Map(previous.archivedReplacement);
  for (const id of changed) archivedReplacement.delete(id);
  for (const [id, replacement] of newlyArchived) archivedReplacement.set(id, replacement);
  return assemble(at, listed, archivedReplacement, new Map(kept.map((entry) => [entry.model.id, entry])));
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
  });
  return [header, ...snapshot.models.map((entry) => `${entry.created} ${entry.unclosedJson}}`)].join("\n");
}

export function decodeIndex(text: string): Snapshot {
  const lines = text.split("\n");
  const header = JSON.parse(lines[0] ?? "") as CatalogVersion & { archivedReplacement: Record<string, string | null> };
  const models: SerializedModel[] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const space = line.indexOf(" ");
    const json = line.slice(space + 1);
    models[i - 1] = { model: JSON.parse(json) as PublicModel, unclosedJson: json.slice(0, -1), created: Number(line.slice(0, space)) };
  }
  const byId = new Map(models.map((entry) => [entry.model.id, entry]));
  const archivedReplacement = new Map(Object.entries(header.archivedReplacement));
  const at = { epoch: header.epoch, version: header.version };
  return { ...at, models, byId, archived: archivedSuccessors(new Set(byId.keys()), archivedReplacement), archivedReplacement };
}

/** Every model of `rows`, archived ones included, serialized as a snapshot's are (the admin `includeArchived` list). */
export function serializeAll(rows: readonly CatalogRow[]): SerializedModel[] {
  const { archivedReplacement } = listedAndArchived(rows);
  const listed = rows.map((row) => ({ model: catalogEntryOf(row), created: Math.floor(row.createdAt.getTime() / 1000) })).sort(byModel);
  const linked = withRecommendedSuccessors(
    listed.map(({ model }) => model),
    archivedReplacement,
  );
  return linked.map((model, i) => serializeModel(model, (listed[i] as Listed).created));
}
