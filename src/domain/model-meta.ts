/**
 * The one definition of a model's descriptive fields (`models.meta`), used by
 * the API, the seed data and the tests. Strict: unknown keys are refused, so
 * lifecycle flags can never be smuggled in through meta.
 */
import { z } from "@hono/zod-openapi";
import { storableJsonProblem, storedText } from "./text";

export const MODEL_CAPABILITIES = ["text", "vision", "function_calling", "code", "long_context"] as const;
export const ModelCapabilitySchema = z.enum(MODEL_CAPABILITIES);

/** The ladder, lowest first; `perpetual` is deliberately not on it. */
export const TIER_LADDER = ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"] as const;
export const SUBSCRIPTION_TIERS = [...TIER_LADDER, "perpetual"] as const;
export const SubscriptionTierSchema = z.enum(SUBSCRIPTION_TIERS);

export const TierRestrictionModeSchema = z.enum(["minimum", "exact", "whitelist"]);

export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,99}$/;
export const ModelIdSchema = storedText()
  .max(100)
  .regex(MODEL_ID_PATTERN, "must be 1-100 characters of a-z, 0-9, '.', '_', ':' or '-', starting with a letter or digit");

/**
 * ISO 8601 date-time with an explicit zone (Z or ±hh:mm) that names a real
 * instant: `2025-02-30T00:00:00Z` is refused, not rolled over to March.
 */
export const IsoDateTimeSchema = z.iso.datetime({ offset: true }).max(64).refine(isRealCalendarDate, {
  message: "is not a real calendar date",
});

function isRealCalendarDate(value: string): boolean {
  const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})/.exec(value) ?? [];
  if (!y || Number.isNaN(Date.parse(value))) return false;
  const daysInMonth = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate();
  return Number(m) >= 1 && Number(m) <= 12 && Number(d) >= 1 && Number(d) <= daysInMonth;
}

const PROVIDER_METADATA_MAX_BYTES = 8192;
const PROVIDER_METADATA_MAX_DEPTH = 5;

/**
 * Free-form provider extras, bounded in size and depth so one model cannot
 * bloat the catalog, holding only text the database can store (keys and
 * strings at any depth). Depth and `__proto__` keys are checked on the raw input,
 * before z.json walks it: z.json recurses without a bound (a deep enough
 * object throws RangeError instead of failing validation) and drops a
 * `__proto__` key silently.
 */
const ProviderMetadataSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = rawJsonProblem(value, PROVIDER_METADATA_MAX_DEPTH);
    if (problem) return ctx.addIssue({ code: "custom", message: problem });
    const text = storableJsonProblem(value);
    if (text) ctx.addIssue({ code: "custom", path: text.path, message: text.message });
  })
  .pipe(z.record(storedText().max(100), z.json()))
  .refine((value) => new TextEncoder().encode(JSON.stringify(value)).length <= PROVIDER_METADATA_MAX_BYTES, {
    message: `must serialize to at most ${PROVIDER_METADATA_MAX_BYTES} bytes`,
  });

/** Why a raw value cannot be provider metadata (too deep, or a `__proto__` key), or undefined. Recurses at most `maxDepth` levels. */
function rawJsonProblem(value: unknown, maxDepth: number): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (maxDepth === 0) return `must not nest deeper than ${PROVIDER_METADATA_MAX_DEPTH} levels`;
  if (!Array.isArray(value) && Object.hasOwn(value, "__proto__")) return 'must not use the key "__proto__"';
  for (const child of Object.values(value)) {
    const problem = rawJsonProblem(child, maxDepth - 1);
    if (problem) return problem;
  }
  return undefined;
}

const boundedInt = (max: number) => z.number().int().max(max);
/** Integer US cents per million tokens (250 = $2.50), every price in one unit. */
const costPerMillion = () => boundedInt(1_000_000_000).nonnegative();
const uniqueList = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z
    .array(item)
    .min(1)
    .max(max)
    .refine((list) => new Set(list).size === list.length, `must not repeat a ${what}`);

export const MODALITIES = ["text", "image", "audio", "video", "file"] as const;
export const ModalitySchema = z.enum(MODALITIES);
export type Modality = z.infer<typeof ModalitySchema>;

/** A real calendar date, `YYYY-MM-DD`: 2026-02-30 is refused. */
export const CalendarDateSchema = z.iso.date({ error: "must be a real calendar date (YYYY-MM-DD)" }).max(10);

/** A month (`YYYY-MM`) or a real calendar date. */
export const MonthOrDateSchema = z
  .string()
  .max(10)
  .refine((value) => /^\d{4}-(0[1-9]|1[0-2])$/.test(value) || CalendarDateSchema.safeParse(value).success, {
    message: "must be a month (YYYY-MM) or a real calendar date (YYYY-MM-DD)",
  });

/** Short lowercase codes (`us`, `eu`, `apac`, `us-gov`): 2-32 characters, words of a-z and 0-9 joined by single '-', starting with a letter. */
export const RegionCodeSchema = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "must be a lowercase region code such as us, eu or apac");

const RateLimitSchema = z.strictObject({
  requestsPerMinute: boundedInt(1_000_000_000).positive(),
  tokensPerMinute: boundedInt(1_000_000_000).positive(),
});

/** The fields, without cross-field rules: the shape partial updates are checked against. */
export const ModelMetaFields = z.strictObject({
  displayName: storedText().trim().min(1).max(255),
  description: storedText().max(5000).optional(),
  version: storedText().max(50).optional(),

  capabilities: z.array(ModelCapabilitySchema).min(1).max(MODEL_CAPABILITIES.length),

  contextLength: boundedInt(100_000_000).positive(),
  maxOutputTokens: boundedInt(100_000_000).positive().optional(),

  inputCostPerMillionTokens: costPerMillion(),
  outputCostPerMillionTokens: costPerMillion(),
  cacheReadCostPerMillionTokens: costPerMillion().optional(),
  cacheWriteCostPerMillionTokens: costPerMillion().optional(),
  creditsPer1kTokens: boundedInt(1_000_000_000).positive(),

  requiredTier: SubscriptionTierSchema,
  tierRestrictionMode: TierRestrictionModeSchema,
  allowedTiers: z.array(SubscriptionTierSchema).min(1).max(SUBSCRIPTION_TIERS.length),

  legacyReplacementModelId: ModelIdSchema.optional(),
  deprecationNotice: storedText().max(1000).optional(),
  sunsetDate: IsoDateTimeSchema.optional(),

  // What model pickers and routers read (as models.dev and OpenRouter publish it); all public.
  modalities: z
    .strictObject({
      input: uniqueList(ModalitySchema, MODALITIES.length, "modality"),
      output: uniqueList(ModalitySchema, MODALITIES.length, "modality"),
    })
    .optional(),
  reasoning: z.boolean().optional(),
  structuredOutputs: z.boolean().optional(),
  knowledgeCutoff: MonthOrDateSchema.optional(),
  releaseDate: CalendarDateSchema.optional(),
  openWeights: z.boolean().optional(),
  regions: uniqueList(RegionCodeSchema, 20, "region").optional(),
  rateLimits: z
    .partialRecord(SubscriptionTierSchema, RateLimitSchema)
    .refine((limits) => Object.keys(limits).length > 0, "must name at least one tier")
    .optional(),

  providerMetadata: ProviderMetadataSchema.optional(),

  internalNotes: storedText().max(5000).optional(),
  complianceTags: z.array(storedText().min(1).max(50)).max(20).optional(),
});

/** A complete, consistent meta object. */
export const ModelMetaSchema = ModelMetaFields.superRefine((meta, ctx) => {
  const unique = <T>(list: readonly T[]) => new Set(list).size === list.length;
  if (!unique(meta.capabilities)) {
    ctx.addIssue({ code: "custom", path: ["capabilities"], message: "must not repeat a capability" });
  }
  if (!unique(meta.allowedTiers)) {
    ctx.addIssue({ code: "custom", path: ["allowedTiers"], message: "must not repeat a tier" });
  }
  if (meta.tierRestrictionMode === "exact") {
    if (meta.allowedTiers.length !== 1 || meta.allowedTiers[0] !== meta.requiredTier) {
      ctx.addIssue({
        code: "custom",
        path: ["allowedTiers"],
        message: 'with tierRestrictionMode "exact", allowedTiers must be exactly [requiredTier]',
      });
    }
  } else if (!meta.allowedTiers.includes(meta.requiredTier)) {
    ctx.addIssue({
      code: "custom",
      path: ["allowedTiers"],
      message: `with tierRestrictionMode "${meta.tierRestrictionMode}", allowedTiers must include requiredTier`,
    });
  }
  if (meta.maxOutputTokens !== undefined && meta.maxOutputTokens > meta.contextLength) {
    ctx.addIssue({ code: "custom", path: ["maxOutputTokens"], message: "must not exceed contextLength" });
  }
});

export type ModelCapability = z.infer<typeof ModelCapabilitySchema>;
export type SubscriptionTier = z.infer<typeof SubscriptionTierSchema>;
export type ModelMeta = z.infer<typeof ModelMetaSchema>;

/** What staff edit directly: the legacy fields are set by mark-legacy/unmark-legacy only, where their rules are checked. */
export const EditableMetaFields = ModelMetaFields.omit({ legacyReplacementModelId: true, deprecationNotice: true, sunsetDate: true });

/**
 * A partial meta: every key optional; `null` removes an optional key (as in
 * JSON Merge Patch). Required keys cannot be nulled. The merged result is
 * then validated whole (Lifecycle.updateModelMeta).
 */
export const ModelMetaPatchSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(EditableMetaFields.shape).map(([key, field]) => [
        key,
        field instanceof z.ZodOptional ? field.nullable() : field.optional(),
      ]),
    ),
  )
  .refine((patch) => Object.keys(patch).length > 0, "the patch is empty");

/** Merges a patch into meta; `null` in the patch removes an optional key. */
export function mergeMeta(current: ModelMeta, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete merged[key];
    // Defined, not assigned: a `__proto__` key from JSON.parse stays an own
    // key (which the strict schema then refuses) instead of replacing the prototype.
    else Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

// The meta column's row type (drizzle/schema.ts imports nothing from src/ and leaves it to its owner).
declare module "../../drizzle/schema" {
  interface ColumnTypes {
    modelMeta: ModelMeta;
  }
}
