/**
 * The declarative catalog file: `{"models": [...], "aliases": [...]}` in JSON
 * or YAML. `meta` is carried as an opaque object (the server validates it),
 * except that the legacy fields live in `legacy`, next to `lifecycle`, where
 * mark-legacy sets them. A malformed file is reported as file:line:column,
 * path and problem, before anything talks to the server.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify } from "yaml";
import { z } from "zod";

/** Meta keys set by mark-legacy, never by a meta patch: in the file they belong to `legacy`. */
export const LEGACY_META_KEYS = ["legacyReplacementModelId", "deprecationNotice", "sunsetDate"] as const;

export const LifecycleSchema = z.enum(["active", "legacy", "archived"]);

export const LegacyFieldsSchema = z.strictObject({
  replacementModelId: z.string().min(1).optional(),
  deprecationNotice: z.string().min(1).optional(),
  sunsetDate: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a zone, e.g. 2027-06-30T00:00:00Z" }).optional(),
});

const MetaSchema = z.record(z.string(), z.unknown()).superRefine((meta, ctx) => {
  const legacyKeys = { legacyReplacementModelId: "replacementModelId", deprecationNotice: "deprecationNotice", sunsetDate: "sunsetDate" };
  for (const [key, field] of Object.entries(legacyKeys)) {
    if (Object.hasOwn(meta, key)) {
      ctx.addIssue({ code: "custom", path: [key], message: `belongs in the model's legacy block (legacy.${field}), not in meta` });
    }
  }
});

export const DeclaredModelSchema = z
  .strictObject({
    id: z.string().min(1),
    name: z.string().min(1),
    provider: z.string().min(1),
    /** Set when the model is created; the admin API has no call that changes it. */
    available: z.boolean().optional(),
    lifecycle: LifecycleSchema.default("active"),
    /** With lifecycle legacy: the deprecation. With archived: present when the model was legacy before it was archived. */
    legacy: LegacyFieldsSchema.optional(),
    meta: MetaSchema,
  })
  .superRefine((model, ctx) => {
    if (model.lifecycle === "active" && model.legacy !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["legacy"],
        message: 'needs lifecycle "legacy" (or "archived"); an active model has no legacy fields',
      });
    }
  });

export const DeclaredAliasSchema = z.strictObject({ alias: z.string().min(1), targetModelId: z.string().min(1) });

export const CatalogFileSchema = z
  .strictObject({
    models: z.array(DeclaredModelSchema),
    aliases: z.array(DeclaredAliasSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const models = new Map<string, z.infer<typeof DeclaredModelSchema>>();
    file.models.forEach((model, index) => {
      if (models.has(model.id))
        ctx.addIssue({ code: "custom", path: ["models", index, "id"], message: `model ${model.id} is declared twice` });
      models.set(model.id, model);
    });
    const aliases = new Set(file.aliases.map(({ alias }) => alias));
    const seen = new Set<string>();
    file.aliases.forEach(({ alias, targetModelId }, index) => {
      if (seen.has(alias)) ctx.addIssue({ code: "custom", path: ["aliases", index, "alias"], message: `alias ${alias} is declared twice` });
      seen.add(alias);
      if (models.has(alias)) {
        ctx.addIssue({
          code: "custom",
          path: ["aliases", index, "alias"],
          message: `${alias} is a model id: aliases and models share one id space`,
        });
      }
      if (aliases.has(targetModelId)) {
        ctx.addIssue({
          code: "custom",
          path: ["aliases", index, "targetModelId"],
          message: `${targetModelId} is an alias: an alias must point at a model`,
        });
      }
      if (models.get(targetModelId)?.lifecycle === "archived") {
        ctx.addIssue({
          code: "custom",
          path: ["aliases", index, "targetModelId"],
          message: `model ${targetModelId} is archived in this file`,
        });
      }
    });
  });

export type CatalogFile = z.infer<typeof CatalogFileSchema>;
export type DeclaredModel = z.infer<typeof DeclaredModelSchema>;
export type DeclaredAlias = z.infer<typeof DeclaredAliasSchema>;
export type LegacyFields = z.infer<typeof LegacyFieldsSchema>;
export type Lifecycle = z.infer<typeof LifecycleSchema>;

export interface FileIssue {
  file: string;
  line?: number;
  column?: number;
  /** The path in the document, e.g. models[3].meta.contextLength. */
  path: string;
  message: string;
}

export class CatalogFileError extends Error {
  constructor(readonly issues: FileIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "CatalogFileError";
  }
}

export function formatIssue(issue: FileIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path ? `${issue.path}: ` : ""}${issue.message}`;
}

export const formatPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : `${text}${text ? "." : ""}${String(segment)}`),
    "",
  );

export type FileFormat = "json" | "yaml";

export function formatOf(file: string): FileFormat {
  const extension = extname(file).toLowerCase();
  if (extension === ".json") return "json";
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  throw new CatalogFileError([{ file, path: "", message: "the file name must end in .json, .yaml or .yml" }]);
}

export type Locate = (path: readonly PropertyKey[]) => FileIssue;

export interface LoadedCatalog {
  catalog: CatalogFile;
  /** Where a path of the document is in the file (for problems found later, e.g. by the plan). */
  locate: Locate;
}

/** Reads and validates a catalog file; throws CatalogFileError with every problem found. */
export function readCatalogFile(file: string): LoadedCatalog {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CatalogFileError([{ file, path: "", message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` }]);
  }
  return parseCatalogText(text, file, formatOf(file));
}

/** The document parsed as JSON or YAML, with a way to turn a path into a line. */
export function parseDocumentText(text: string, file: string, format: FileFormat): { value: unknown; locate: Locate } {
  const lineCounter = new LineCounter();
  // JSON is read by the YAML parser too (JSON is YAML 1.2): one way to find lines for both.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  const syntaxErrors = document.errors.map((error): FileIssue => {
    const { line, col } = at(error.pos[0]);
    return { file, line, column: col, path: "", message: `not valid ${format.toUpperCase()}: ${error.message.split("\n")[0]}` };
  });
  if (format === "json") {
    try {
      JSON.parse(text);
    } catch (error) {
      // The YAML parser knows where; JSON.parse only that it is not JSON (YAML accepts more).
      if (syntaxErrors.length > 0) throw new CatalogFileError(syntaxErrors);
      const { line, col } = at(jsonErrorOffset(text, (error as Error).message));
      throw new CatalogFileError([{ file, line, column: col, path: "", message: `not valid JSON: ${(error as Error).message}` }]);
    }
  }
  if (syntaxErrors.length > 0) throw new CatalogFileError(syntaxErrors);
  const locate = (path: readonly PropertyKey[]): FileIssue => {
    let node: unknown = document.contents;
    let found: Node | null = document.contents;
    for (const segment of path) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        next = pair ? (pair.value ?? pair.key) : undefined;
      } else if (isSeq(node) && typeof segment === "number") {
        next = node.items[segment];
      }
      if (next === undefined || next === null) break;
      node = next;
      found = next as Node;
    }
    const { line, col } = at(found?.range?.[0] ?? 0);
    return { file, line, column: col, path: formatPath(path), message: "" };
  };
  return { value: document.toJS(), locate };
}

/**
 * Where JSON.parse gave up. V8 says "at position N" for most errors; for an
 * unexpected token it quotes up to 10 characters either side instead
 * (`..."` when cut), which is found in the text.
 */
function jsonErrorOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  if (/end of JSON input/.test(message)) return text.length;
  const quoted = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!quoted) return 0;
  const [, token = "", cut, context = ""] = quoted;
  const start = text.indexOf(context);
  if (start < 0) return 0;
  return cut ? start + 10 : start + Math.max(0, context.indexOf(token));
}

export function parseCatalogText(text: string, file: string, format: FileFormat): LoadedCatalog {
  const { value, locate } = parseDocumentText(text, file, format);
  const parsed = CatalogFileSchema.safeParse(value ?? {});
  if (parsed.success) return { catalog: parsed.data, locate };
  throw new CatalogFileError(parsed.error.issues.map((issue) => ({ ...locate(issue.path), message: issue.message })));
}

/** Keys in a stable order: id, name, provider, available, lifecycle, legacy, meta. */
function ordered(file: CatalogFile): CatalogFile {
  return {
    models: [...file.models]
      .sort((a, b) => compare(a.id, b.id))
      .map((model) => ({
        id: model.id,
        name: model.name,
        provider: model.provider,
        ...(model.available !== undefined && { available: model.available }),
        lifecycle: model.lifecycle,
        ...(model.legacy !== undefined && { legacy: model.legacy }),
        meta: Object.fromEntries(Object.entries(model.meta).sort(([a], [b]) => metaRank(a) - metaRank(b) || compare(a, b))),
      })),
    aliases: [...file.aliases].sort((a, b) => compare(a.alias, b.alias)),
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** displayName and description first, the rest alphabetically: the file reads as a model card. */
const metaRank = (key: string) => ["displayName", "description"].indexOf(key) + 1 || 3;

export function serializeCatalog(file: CatalogFile, format: FileFormat): string {
  const value = ordered(file);
  return format === "json" ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}

/** Writes FILE (its format from its extension), or prints to stdout without one. */
export function writeCatalog(file: CatalogFile, out: string | undefined, stdout: (text: string) => void, format: FileFormat = "yaml") {
  if (out === undefined) stdout(serializeCatalog(file, format));
  else writeFileSync(out, serializeCatalog(file, formatOf(out)));
}
