/**
 * One catalog version, parsed: what every hit is answered from. Built from
 * the database (whole, or the previous version patched with the rows one
 * write changed) or from the index stored in KV. Pure.
 */
import type { CatalogRow, CatalogVersion } from "../queries/catalog";
import { type SerializedModel, serializeModel } from "./list-body";
import { byProviderThenId, type PublicModel, toPublicModel } from "./public-model";

export interface Snapshot extends CatalogVersion {
  /** Visible models, by provider then id, each serialized once. */
  models: SerializedModel[];
  byId: Map<string, PublicModel>;
  /** Model id -> its JSON without the closing brace (SerializedModel.open), for detail answers. */
  openById: Map<string, string>;
  /** Archived model id -> its replacement (if any), for 410 answers. */
  archived: Map<string, string | null>;
}

/**
 * The one place a snapshot is assembled: per-version facts derived from the
 * whole catalog (e.g. a recommended successor along replacement chains) belong here.
 */
function assemble(at: CatalogVersion, models: SerializedModel[], archived: Map<string, string | null>): Snapshot {
  const byId = new Map<string, PublicModel>();
  const openById = new Map<string, string>();
  for (const entry of models) {
    byId.set(entry.model.id, entry.model);
    openById.set(entry.model.id, entry.open);
  }
  return { ...at, models, byId, openById, archived };
}

function visibleAndArchived(rows: readonly CatalogRow[]) {
  const visible: SerializedModel[] = [];
  const archived = new Map<string, string | null>();
  for (const row of rows) {
    if (row.id === null || row.meta === null) continue;
    if (row.isArchived) archived.set(row.id, row.meta.legacyReplacementModelId ?? null);
    else visible.push(serializeModel(toPublicModel(row as Parameters<typeof toPublicModel>[0])));
  }
  return { visible, archived };
}

const byModel = (a: SerializedModel, b: SerializedModel) => byProviderThenId(a.model, b.model);

export function snapshotFromRows(at: CatalogVersion, rows: readonly CatalogRow[]): Snapshot {
  const { visible, archived } = visibleAndArchived(rows);
  // Byte order, whatever the database's collation (a locale collation ignores "-" and ".").
  visible.sort(byModel);
  return assemble(at, visible, archived);
}

/** `previous` with the models `changedIds` replaced by `rows` (their state at `at`); ids without a row are dropped. */
export function patchSnapshot(
  previous: Snapshot,
  at: CatalogVersion,
  changedIds: readonly string[],
  rows: readonly CatalogRow[],
): Snapshot {
  const changed = new Set(changedIds);
  const { visible, archived: newlyArchived } = visibleAndArchived(rows);
  const models = previous.models.filter((entry) => !changed.has(entry.model.id));
  for (const entry of visible) models.push(entry);
  models.sort(byModel);
  const archived = new Map(previous.archived);
  for (const id of changed) archived.delete(id);
  for (const [id, replacement] of newlyArchived) archived.set(id, replacement);
  return assemble(at, models, archived);
}

/**
 * The stored form: a header line, then one line per visible model, each the
 * exact JSON its SerializedModel holds (JSON never contains a raw newline),
 * so reading it back parses each model once and serializes none.
 */
export function encodeIndex(snapshot: Snapshot): string {
  const header = JSON.stringify({ epoch: snapshot.epoch, version: snapshot.version, archived: Object.fromEntries(snapshot.archived) });
  return [header, ...snapshot.models.map((entry) => `${entry.open}}`)].join("\n");
}

export function decodeIndex(text: string): Snapshot {
  const lines = text.split("\n");
  const header = JSON.parse(lines[0] ?? "") as CatalogVersion & { archived: Record<string, string | null> };
  const models: SerializedModel[] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    models[i - 1] = { model: JSON.parse(line) as PublicModel, open: line.slice(0, -1) };
  }
  return assemble({ epoch: header.epoch, version: header.version }, models, new Map(Object.entries(header.archived)));
}
