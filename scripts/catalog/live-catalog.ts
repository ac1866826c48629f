/**
 * The live catalog, read through the public and admin API only (so the CLI
 * works against a deployed service): every id from `GET /v1/models?includeArchived=true`,
 * then each model as staff see it (`GET /admin/models/:id`: raw meta, row
 * version), the aliases when the server has alias routes, and the meta
 * fields the server accepts, from its OpenAPI document.
 */
import { type DeclaredAlias, type DeclaredModel, LEGACY_META_KEYS, type LegacyFields, type Lifecycle } from "./catalog-file";
import { type CatalogClient, CatalogHttpError } from "./http-client";

export interface AdminModel {
  id: string;
  name: string;
  provider: string;
  is_available: boolean;
  is_legacy: boolean;
  is_archived: boolean;
  meta: Record<string, unknown>;
  row_version: number;
}

export interface LiveModel extends DeclaredModel {
  /** The row version the plan saw: sent back as If-Match. */
  version: number;
  /** Legacy flag, kept apart from `legacy` (an archived model may or may not have been legacy). */
  isLegacy: boolean;
}

export interface LiveAlias extends DeclaredAlias {
  updatedAt?: string;
}

export interface LiveCatalog {
  models: Map<string, LiveModel>;
  /** Undefined when the server has no alias routes (GET /admin/aliases answers 404). */
  aliases: Map<string, LiveAlias> | undefined;
  /** Meta keys the server's NewModel schema declares; undefined when its OpenAPI document could not be read. */
  metaFields: Set<string> | undefined;
  /** The list's ETag: it names the catalog version the plan saw (every write moves it). */
  listEtag?: string;
}

/** How a staff view of a model reads in the declarative format. */
export function toLiveModel(model: AdminModel): LiveModel {
  const meta: Record<string, unknown> = {};
  const legacy: Record<string, unknown> = {};
  const legacyNames: Record<string, keyof LegacyFields> = {
    legacyReplacementModelId: "replacementModelId",
    deprecationNotice: "deprecationNotice",
    sunsetDate: "sunsetDate",
  };
  for (const [key, value] of Object.entries(model.meta)) {
    if ((LEGACY_META_KEYS as readonly string[]).includes(key)) legacy[legacyNames[key] as string] = value;
    else meta[key] = value;
  }
  const lifecycle: Lifecycle = model.is_archived ? "archived" : model.is_legacy ? "legacy" : "active";
  const hasLegacyFields = Object.keys(legacy).length > 0;
  return {
    id: model.id,
    name: model.name,
    provider: model.provider,
    ...(!model.is_available && { available: false }),
    lifecycle,
    // An archived model that was legacy keeps `legacy` (even empty): that is how the file tells it apart.
    ...((model.is_archived ? model.is_legacy : model.is_legacy && hasLegacyFields) && { legacy: legacy as LegacyFields }),
    meta,
    version: model.row_version,
    isLegacy: model.is_legacy,
  };
}

const DETAIL_CONCURRENCY = 8;

export async function readLiveCatalog(client: CatalogClient, onProgress?: (done: number, total: number) => void): Promise<LiveCatalog> {
  const list = await client.get<{ models: Array<{ id: string; alias_for?: string | null }> }>("/v1/models?includeArchived=true");
  const ids = list.body.models.filter((entry) => typeof entry.alias_for !== "string").map((entry) => entry.id);
  const models = new Map<string, LiveModel>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      const answer = await client.get<{ model: AdminModel }>(`/admin/models/${encodeURIComponent(id)}`);
      models.set(id, toLiveModel(answer.body.model));
      onProgress?.(models.size, ids.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, ids.length) }, worker));
  const [aliases, metaFields] = await Promise.all([readAliases(client), readMetaFields(client)]);
  const listEtag = list.headers.get("ETag") ?? undefined;
  return { models: new Map([...models].sort(([a], [b]) => (a < b ? -1 : 1))), aliases, metaFields, ...(listEtag && { listEtag }) };
}

async function readAliases(client: CatalogClient): Promise<Map<string, LiveAlias> | undefined> {
  const answer = await client.get<{ aliases?: Array<{ alias: string; target_model_id: string; updated_at?: string }> }>(
    "/admin/aliases",
    [404],
  );
  if (answer.status === 404 || !Array.isArray(answer.body?.aliases)) return undefined;
  return new Map(
    answer.body.aliases.map((entry) => [
      entry.alias,
      { alias: entry.alias, targetModelId: entry.target_model_id, ...(entry.updated_at && { updatedAt: entry.updated_at }) },
    ]),
  );
}

/** An alias as the server has it now, with its ETag (for If-Match on a re-point or delete). */
export async function aliasWithEtag(client: CatalogClient, alias: string): Promise<{ targetModelId?: string; etag?: string }> {
  const answer = await client.get<{ alias?: { target_model_id?: string }; target_model_id?: string }>(
    `/admin/aliases/${encodeURIComponent(alias)}`,
  );
  const targetModelId = answer.body?.alias?.target_model_id ?? answer.body?.target_model_id;
  const etag = answer.headers.get("ETag") ?? undefined;
  return { ...(targetModelId && { targetModelId }), ...(etag && { etag }) };
}

interface SchemaObject {
  $ref?: string;
  properties?: Record<string, SchemaObject>;
  allOf?: SchemaObject[];
}

/** The meta keys of the server's NewModel schema, or undefined when the document cannot tell. */
export async function readMetaFields(client: CatalogClient): Promise<Set<string> | undefined> {
  try {
    const answer = await client.get<{ components?: { schemas?: Record<string, SchemaObject> } }>("/openapi.json");
    const schemas = answer.body?.components?.schemas ?? {};
    const resolve = (schema: SchemaObject | undefined): SchemaObject | undefined =>
      schema?.$ref ? resolve(schemas[schema.$ref.replace("#/components/schemas/", "")]) : schema;
    const meta = resolve(resolve(schemas.NewModel)?.properties?.meta);
    const properties = meta?.properties ?? meta?.allOf?.map(resolve).find((part) => part?.properties)?.properties;
    return properties ? new Set(Object.keys(properties)) : undefined;
  } catch (error) {
    if (error instanceof CatalogHttpError) return undefined;
    throw error;
  }
}
