/**
 * What every importer shares: turning a source's entry into a declared model
 * (ids this catalog accepts, prices in its unit, the defaults a source cannot
 * know), and the report of everything that did not make it: entries skipped
 * and why, fields not mapped (never dropped silently), prices rounded.
 *
 * The catalog's unit: integer US cents per million tokens (250 = $2.50 per 1M).
 */
import { MODALITIES, type Modality, MonthOrDateSchema, TIER_LADDER } from "../../../src/domain/model-meta";
import type { CatalogFile, DeclaredModel, LegacyFields, Lifecycle } from "../catalog-file";

export const IMPORT_SOURCES = ["models.dev", "litellm", "openrouter"] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

/** As the seed catalog decides long_context. */
const LONG_CONTEXT_MIN = 128_000;

export interface ImportOptions {
  /** requiredTier for every imported model ("minimum" mode: that tier and every tier above it). */
  tier?: (typeof TIER_LADDER)[number];
  /** Only these providers (the source's provider ids, before normalisation). */
  providers?: string[];
  now: Date;
}

export interface ImportReport {
  source: ImportSource;
  entries: number;
  imported: number;
  skipped: Array<{ entry: string; reason: string }>;
  /** Source field path -> entries that had it. */
  unmapped: Map<string, string[]>;
  rounded: Array<{ entry: string; field: string; exact: number; rounded: number }>;
  renamed: Array<{ entry: string; id: string }>;
  notes: string[];
  defaults: Record<string, unknown>;
}

export interface ImportResult {
  catalog: CatalogFile;
  report: ImportReport;
}

/** What an importer knows about one entry; the builder adds the rest. */
export interface ImportedEntry {
  /** How the source names it (kept as the model's `name`). */
  sourceId: string;
  provider: string;
  displayName: string;
  description?: string;
  contextLength?: number;
  maxOutputTokens?: number;
  /** Integer cents per million tokens (use the price converters). */
  inputCost?: number;
  outputCost?: number;
  cacheReadCost?: number;
  cacheWriteCost?: number;
  modalities?: { input: Modality[]; output: Modality[] };
  functionCalling?: boolean;
  reasoning?: boolean;
  structuredOutputs?: boolean;
  knowledgeCutoff?: string;
  releaseDate?: string;
  openWeights?: boolean;
  regions?: string[];
  lifecycle?: Lifecycle;
  legacy?: LegacyFields;
}

const present = (value: unknown) => value !== undefined && value !== null;

/** `{key: value}` when the value is defined, else nothing (the entry's optional fields stay absent). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export class ImportBuilder {
  readonly report: ImportReport;
  private readonly models: DeclaredModel[] = [];
  private readonly ids = new Set<string>();
  private readonly tier: (typeof TIER_LADDER)[number];

  constructor(
    source: ImportSource,
    readonly options: ImportOptions,
  ) {
    this.tier = options.tier ?? "free";
    this.report = {
      source,
      entries: 0,
      imported: 0,
      skipped: [],
      unmapped: new Map(),
      rounded: [],
      renamed: [],
      notes: [],
      defaults: {
        requiredTier: this.tier,
        tierRestrictionMode: "minimum",
        allowedTiers: this.allowedTiers(),
        creditsPer1kTokens: 1,
      },
    };
  }

  private allowedTiers() {
    return TIER_LADDER.slice(TIER_LADDER.indexOf(this.tier));
  }

  /** False (and counted as skipped) when a provider filter leaves the entry out. */
  wanted(entry: string, provider: string): boolean {
    this.report.entries++;
    const filter = this.options.providers;
    if (filter && filter.length > 0 && !filter.includes(provider)) {
      this.report.skipped.push({ entry, reason: `provider ${provider} is not in --provider` });
      return false;
    }
    return true;
  }

  skip(entry: string, reason: string) {
    this.report.skipped.push({ entry, reason });
  }

  /**
   * Reports every field of `value` whose path is not in `mapped`; objects
   * under a path in `containers` are walked, anything else is a leaf. Nulls
   * count as absent.
   */
  unmapped(entry: string, value: Record<string, unknown>, mapped: ReadonlySet<string>, containers: ReadonlySet<string>, prefix = "") {
    for (const [key, inner] of Object.entries(value)) {
      if (!present(inner)) continue;
      const path = `${prefix}${key}`;
      if (containers.has(path) && typeof inner === "object" && !Array.isArray(inner)) {
        this.unmapped(entry, inner as Record<string, unknown>, mapped, containers, `${path}.`);
      } else if (!mapped.has(path)) this.unmappedField(entry, path);
    }
  }

  unmappedField(entry: string, path: string) {
    this.report.unmapped.set(path, [...(this.report.unmapped.get(path) ?? []), entry]);
  }

  /** A source price in US dollars per token -> integer cents per million tokens. */
  perTokenPrice(entry: string, field: string, usdPerToken: unknown): number | undefined {
    const value = typeof usdPerToken === "string" ? Number(usdPerToken) : usdPerToken;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return undefined;
    return this.cents(entry, field, value * 100_000_000);
  }

  /** A source price in US dollars per million tokens -> integer cents per million tokens. */
  perMillionPrice(entry: string, field: string, usdPerMillion: unknown): number | undefined {
    if (typeof usdPerMillion !== "number" || !Number.isFinite(usdPerMillion) || usdPerMillion < 0) return undefined;
    return this.cents(entry, field, usdPerMillion * 100);
  }

  private cents(entry: string, field: string, exactCents: number): number {
    // 12 significant digits: 0.0000025 * 1e8 is 250.00000000000003 in binary floating point.
    const exact = Number(exactCents.toPrecision(12));
    const rounded = Math.round(exact);
    if (rounded !== exact) this.report.rounded.push({ entry, field, exact, rounded });
    return rounded;
  }

  add(entry: ImportedEntry) {
    const missing = [
      entry.contextLength === undefined || entry.contextLength <= 0 ? "context length" : undefined,
      entry.inputCost === undefined ? "input price" : undefined,
      entry.outputCost === undefined ? "output price" : undefined,
    ].filter((item) => item !== undefined);
    if (missing.length > 0) return this.skip(entry.sourceId, `missing ${missing.join(", ")} (required here)`);
    const id = this.modelId(entry);
    if (id === undefined) return;
    const contextLength = entry.contextLength as number;
    const input = entry.modalities?.input ?? [];
    const capabilities = [
      ...(input.length === 0 || input.includes("text") ? ["text"] : []),
      ...(input.includes("image") ? ["vision"] : []),
      ...(entry.functionCalling ? ["function_calling"] : []),
      ...(contextLength >= LONG_CONTEXT_MIN ? ["long_context"] : []),
    ];
    let maxOutputTokens = entry.maxOutputTokens;
    if (maxOutputTokens !== undefined && (maxOutputTokens <= 0 || maxOutputTokens > contextLength)) {
      this.report.notes.push(
        `${entry.sourceId}: max output ${maxOutputTokens} is not within the context length ${contextLength}; left out`,
      );
      maxOutputTokens = undefined;
    }
    const meta: Record<string, unknown> = {
      displayName: entry.displayName.trim().slice(0, 255) || entry.sourceId,
      ...(entry.description && { description: entry.description.slice(0, 5000) }),
      capabilities: capabilities.length ? capabilities : ["text"],
      contextLength,
      ...(maxOutputTokens !== undefined && { maxOutputTokens }),
      inputCostPerMillionTokens: entry.inputCost,
      outputCostPerMillionTokens: entry.outputCost,
      ...(entry.cacheReadCost !== undefined && { cacheReadCostPerMillionTokens: entry.cacheReadCost }),
      ...(entry.cacheWriteCost !== undefined && { cacheWriteCostPerMillionTokens: entry.cacheWriteCost }),
      ...(entry.modalities && { modalities: entry.modalities }),
      ...(entry.reasoning !== undefined && { reasoning: entry.reasoning }),
      ...(entry.structuredOutputs !== undefined && { structuredOutputs: entry.structuredOutputs }),
      ...(entry.knowledgeCutoff !== undefined && { knowledgeCutoff: entry.knowledgeCutoff }),
      ...(entry.releaseDate !== undefined && { releaseDate: entry.releaseDate }),
      ...(entry.openWeights !== undefined && { openWeights: entry.openWeights }),
      ...(entry.regions !== undefined && entry.regions.length > 0 && { regions: entry.regions }),
      creditsPer1kTokens: 1,
      requiredTier: this.tier,
      tierRestrictionMode: "minimum",
      allowedTiers: this.allowedTiers(),
    };
    this.models.push({
      id,
      name: entry.sourceId.slice(0, 200),
      provider: normalizeProvider(entry.provider),
      lifecycle: entry.lifecycle ?? "active",
      ...(entry.legacy && { legacy: entry.legacy }),
      meta,
    });
    this.report.imported++;
  }

  /** An id this catalog accepts, unique in the file: the source's, normalised; on a clash, prefixed with the provider. */
  private modelId(entry: ImportedEntry): string | undefined {
    const base = normalizeId(entry.sourceId);
    if (base === undefined) {
      this.skip(entry.sourceId, "has no usable id");
      return undefined;
    }
    const id = this.ids.has(base) ? normalizeId(`${entry.provider}-${entry.sourceId}`) : base;
    if (id === undefined || this.ids.has(id)) {
      this.skip(entry.sourceId, `id ${base} is already taken by another entry (narrow the import with --provider)`);
      return undefined;
    }
    this.ids.add(id);
    if (id !== entry.sourceId) this.report.renamed.push({ entry: entry.sourceId, id });
    return id;
  }

  result(): ImportResult {
    return { catalog: { models: this.models, aliases: [] }, report: this.report };
  }
}

/** Lowercase, a-z 0-9 . _ : - only (anything else becomes "-"), starting with a letter or digit, at most 100. */
export function normalizeId(value: string): string | undefined {
  const id = value
    .toLowerCase()
    .replace(/[^a-z0-9._:-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 100);
  return id === "" ? undefined : id;
}

export function normalizeProvider(value: string): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[^a-z0-9]+/, "")
      .slice(0, 64) || "unknown"
  );
}

/** Keeps the modalities this catalog knows (`pdf` is a `file`), reporting any other. */
export function mapModalities(builder: ImportBuilder, entry: string, field: string, values: unknown): Modality[] | undefined {
  if (!Array.isArray(values)) return undefined;
  const mapped: Modality[] = [];
  for (const value of values) {
    const name = value === "pdf" ? "file" : value;
    if ((MODALITIES as readonly unknown[]).includes(name)) {
      if (!mapped.includes(name as Modality)) mapped.push(name as Modality);
    } else builder.unmappedField(entry, `${field}=${String(value)}`);
  }
  return mapped;
}

/** A calendar date (YYYY-MM-DD) or month (YYYY-MM), as meta's date fields take them, or undefined. */
export function calendarDate(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return MonthOrDateSchema.safeParse(trimmed).success ? trimmed : undefined;
}

/**
 * A source's deprecation or expiry date as this catalog's legacy status: a
 * future date is the sunset; a passed one leaves the model legacy without a
 * sunset (the server refuses a sunset in the past), said in the notes.
 */
export function deprecation(builder: ImportBuilder, entry: string, date: string): { lifecycle: Lifecycle; legacy?: LegacyFields } {
  const day = calendarDate(date);
  const instant = day && day.length === 10 ? `${day}T00:00:00Z` : undefined;
  if (instant === undefined) {
    builder.report.notes.push(`${entry}: deprecation date ${JSON.stringify(date)} is not a date; marked legacy without a sunset`);
    return { lifecycle: "legacy" };
  }
  if (Date.parse(instant) <= builder.options.now.getTime()) {
    builder.report.notes.push(`${entry}: deprecation date ${day} has passed; marked legacy without a sunset (archive it if it is gone)`);
    return { lifecycle: "legacy" };
  }
  return { lifecycle: "legacy", legacy: { sunsetDate: instant } };
}

export function formatReport(report: ImportReport, file: string, out: string | undefined): string {
  const list = (ids: string[]) => (ids.length <= 4 ? ids.join(", ") : `${ids.slice(0, 4).join(", ")} and ${ids.length - 4} more`);
  const lines = [
    `Imported ${report.imported} of ${report.entries} ${report.source} entries from ${file}${out ? ` into ${out}` : ""}: a file to review, then plan and apply.`,
  ];
  if (report.skipped.length > 0) {
    lines.push(`Skipped (${report.skipped.length}):`, ...report.skipped.map(({ entry, reason }) => `  ${entry}: ${reason}`));
  }
  if (report.unmapped.size > 0) {
    lines.push(
      "Not mapped (this catalog has no field for them; nothing was written for them):",
      ...[...report.unmapped]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([field, ids]) => `  ${field}: ${ids.length} entr${ids.length === 1 ? "y" : "ies"} (${list(ids)})`),
    );
  }
  if (report.rounded.length > 0) {
    lines.push(
      "Rounded to whole cents per million tokens:",
      ...report.rounded.map(({ entry, field, exact, rounded }) => `  ${entry} ${field}: ${exact} -> ${rounded}`),
    );
  }
  if (report.renamed.length > 0)
    lines.push("Ids changed to fit this catalog:", ...report.renamed.map(({ entry, id }) => `  ${entry} -> ${id}`));
  if (report.notes.length > 0) lines.push("Notes:", ...report.notes.map((note) => `  ${note}`));
  lines.push(`Defaults to review (the source has no such fields): ${JSON.stringify(report.defaults)}`);
  return `${lines.join("\n")}\n`;
}
