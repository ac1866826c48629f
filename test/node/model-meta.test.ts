/**
 * ModelMetaSchema, the one definition of `models.meta` (spec "Data"; issue 2
 * item 5): each rule accepts what it should and refuses the rest.
 */
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import {
  MODALITIES,
  MODEL_CAPABILITIES,
  type ModelMeta,
  ModelMetaPatchSchema,
  ModelMetaSchema,
  mergeMeta,
  SUBSCRIPTION_TIERS,
} from "../../src/domain/model-meta";
import { textProblem } from "../../src/domain/text";

const VALID: ModelMeta = {
  displayName: "GPT-4",
  capabilities: ["text"],
  contextLength: 8192,
  inputCostPerMillionTokens: 3000,
  outputCostPerMillionTokens: 6000,
  creditsPer1kTokens: 10,
  requiredTier: "pro",
  tierRestrictionMode: "minimum",
  allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
};

const FULL: ModelMeta = {
  ...VALID,
  description: "OpenAI GPT-4 with 8K context",
  version: "0613",
  capabilities: [...MODEL_CAPABILITIES],
  maxOutputTokens: 4096,
  legacyReplacementModelId: "gpt-4o",
  deprecationNotice: "Please move to GPT-4o.",
  sunsetDate: "2027-12-31T23:59:59Z",
  providerMetadata: { region: "us-east-1", tuning: { effort: ["low", "high"], cached: true, discount: null } },
  internalNotes: "Capacity reserved until Q4.",
  complianceTags: ["soc2", "gdpr"],
  modalities: { input: ["text", "image"], output: ["text"] },
  cacheReadCostPerMillionTokens: 150,
  cacheWriteCostPerMillionTokens: 1875,
  reasoning: false,
  structuredOutputs: true,
  knowledgeCutoff: "2023-04",
  releaseDate: "2023-03-14",
  openWeights: false,
  regions: ["us", "eu"],
  rateLimits: { pro: { requestsPerMinute: 500, tokensPerMinute: 300_000 } },
};

/** The paths the schema complains about ("" for the object itself); [] when it accepts. */
function problems(meta: unknown): string[] {
  const result = ModelMetaSchema.safeParse(meta);
  return result.success ? [] : [...new Set(result.error.issues.map((issue) => issue.path.join(".")))];
}

const with_ = (patch: Record<string, unknown>) => ({ ...VALID, ...patch });
const chars = (n: number) => "x".repeat(n);

/** Nested objects `levels` deep: nest(1) = { k: "leaf" }. */
function nest(levels: number): Record<string, unknown> {
  let value: unknown = "leaf";
  for (let i = 0; i < levels; i++) value = { k: value };
  return value as Record<string, unknown>;
}

describe("a complete meta", () => {
  it.each([
    ["only the required fields", VALID],
    ["every field", FULL],
  ])("is accepted with %s", (_, meta) => {
    expect(problems(meta)).toEqual([]);
    expect(ModelMetaSchema.parse(meta)).toStrictEqual(meta);
  });

  it.each([
    "displayName",
    "capabilities",
    "contextLength",
    "inputCostPerMillionTokens",
    "outputCostPerMillionTokens",
    "creditsPer1kTokens",
    "requiredTier",
    "tierRestrictionMode",
    "allowedTiers",
  ])("is refused without %s", (field) => {
    const { [field]: _dropped, ...rest } = VALID as Record<string, unknown>;
    expect(problems(rest)).toEqual([field]);
  });

  it("parsing throws one ZodError listing every problem", () => {
    const error = (() => {
      try {
        ModelMetaSchema.parse(with_({ displayName: "", contextLength: -1, requiredTier: "gold" }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues.map((issue) => issue.path.join("."))).toEqual(
      expect.arrayContaining(["displayName", "contextLength", "requiredTier"]),
    );
  });
});

describe("unknown keys are refused (strict), so lifecycle flags cannot ride in meta", () => {
  it.each([
    ["isLegacy", { isLegacy: true }],
    ["isArchived", { isArchived: true }],
    ["a misspelt field", { displayname: "x" }],
    ["null-valued extras", { extra: null }],
  ])("%s", (_, extra) => {
    expect(problems(with_(extra))).toEqual([""]);
  });

  // JSON.parse makes these real own keys, as a request body would.
  it.each(["__proto__", "constructor", "prototype"])("%s as a JSON key", (key) => {
    const meta = JSON.parse(JSON.stringify(VALID).replace(/^\{/, `{"${key}":{"isArchived":true},`));
    expect(Object.hasOwn(meta, key)).toBe(true);
    const result = ModelMetaSchema.safeParse(meta);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ code: "unrecognized_keys", keys: [key] })]);
  });

  it("also in a partial update", () => {
    expect(ModelMetaPatchSchema.safeParse({ isArchived: true }).success).toBe(false);
    expect(ModelMetaPatchSchema.safeParse(JSON.parse('{"__proto__": {"isArchived": true}}')).success).toBe(false);
    expect(ModelMetaPatchSchema.safeParse({ displayName: "Renamed" }).success).toBe(true);
    expect(ModelMetaPatchSchema.safeParse({ sunsetDate: "2099-01-01T00:00:00Z" }).success).toBe(false);
  });
});

describe("strings are bounded", () => {
  it.each([
    ["displayName", 255],
    ["description", 5000],
    ["version", 50],
    ["deprecationNotice", 1000],
    ["internalNotes", 5000],
  ])("%s takes up to %i characters", (field, max) => {
    expect(problems(with_({ [field]: chars(max) }))).toEqual([]);
    expect(problems(with_({ [field]: chars(max + 1) }))).toEqual([field]);
  });

  it.each(["", "   ", "\t\n"])("displayName must not be blank: %j", (displayName) => {
    expect(problems(with_({ displayName }))).toEqual(["displayName"]);
  });

  it("displayName is trimmed", () => {
    expect(ModelMetaSchema.parse(with_({ displayName: "  GPT-4 " })).displayName).toBe("GPT-4");
  });

  it.each([
    ["a number", 42],
    ["null", null],
  ])("a text field refuses %s", (_, value) => {
    expect(problems(with_({ description: value }))).toEqual(["description"]);
  });

  it("complianceTags: up to 20 tags of 1 to 50 characters", () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `tag-${i}`);
    expect(problems(with_({ complianceTags: tags(20) }))).toEqual([]);
    expect(problems(with_({ complianceTags: tags(21) }))).toEqual(["complianceTags"]);
    expect(problems(with_({ complianceTags: [chars(50)] }))).toEqual([]);
    expect(problems(with_({ complianceTags: [chars(51)] }))).toEqual(["complianceTags.0"]);
    expect(problems(with_({ complianceTags: [""] }))).toEqual(["complianceTags.0"]);
  });

  it.each([
    ["gpt-4", true],
    ["amazon.nova-pro-v1:0", true],
    ["claude_3", true],
    [chars(100), true],
    [chars(101), false],
    ["", false],
    ["GPT-4", false],
    ["-gpt", false],
    ["gpt 4", false],
    ["gpt/4", false],
  ])("legacyReplacementModelId %j is a model id: %s", (id, ok) => {
    expect(problems(with_({ legacyReplacementModelId: id }))).toEqual(ok ? [] : ["legacyReplacementModelId"]);
  });
});

describe("capabilities", () => {
  it.each(MODEL_CAPABILITIES)("accepts %s", (capability) => {
    expect(problems(with_({ capabilities: [capability] }))).toEqual([]);
  });

  it("accepts all five together", () => {
    expect(problems(with_({ capabilities: [...MODEL_CAPABILITIES] }))).toEqual([]);
  });

  it.each([
    ["none", []],
    ["an unknown one", ["text", "audio"]],
    ["a repeat", ["text", "vision", "text"]],
    ["the wrong case", ["Text"]],
    ["not a list", "text"],
  ])("refuses %s", (_, capabilities) => {
    expect(problems(with_({ capabilities }))[0]).toMatch(/^capabilities/);
  });
});

describe("tiers", () => {
  it.each(SUBSCRIPTION_TIERS)("requiredTier may be %s", (tier) => {
    expect(problems(with_({ requiredTier: tier, tierRestrictionMode: "exact", allowedTiers: [tier] }))).toEqual([]);
  });

  it.each([
    ["an unknown requiredTier", { requiredTier: "gold" }, "requiredTier"],
    ["an unknown tier in allowedTiers", { allowedTiers: ["pro", "gold"] }, "allowedTiers.1"],
    ["an empty allowedTiers", { allowedTiers: [] }, "allowedTiers"],
    ["a repeated allowed tier", { allowedTiers: ["pro", "pro_max", "pro"] }, "allowedTiers"],
    ["an unknown mode", { tierRestrictionMode: "ladder" }, "tierRestrictionMode"],
  ])("refuses %s", (_, patch, path) => {
    expect(problems(with_(patch))).toEqual([path]);
  });
});

describe("tierRestrictionMode invariants between requiredTier and allowedTiers", () => {
  it.each([
    // exact: allowedTiers is exactly [requiredTier]
    ["exact", "pro_max", ["pro_max"], true],
    ["exact", "perpetual", ["perpetual"], true],
    ["exact", "pro_max", ["pro_max", "enterprise_max"], false],
    ["exact", "pro_max", ["enterprise_max"], false],
    // minimum: allowedTiers includes requiredTier (extra tiers below are fine)
    ["minimum", "pro", ["pro", "pro_max", "enterprise_pro", "enterprise_max"], true],
    ["minimum", "pro_max", ["free", "pro_max"], true],
    ["minimum", "pro", ["pro_max", "enterprise_max"], false],
    // whitelist: allowedTiers includes requiredTier
    ["whitelist", "enterprise_pro", ["enterprise_pro", "perpetual"], true],
    ["whitelist", "free", ["enterprise_pro", "perpetual"], false],
  ])("%s with requiredTier %s and allowedTiers %j: valid %s", (tierRestrictionMode, requiredTier, allowedTiers, ok) => {
    expect(problems(with_({ tierRestrictionMode, requiredTier, allowedTiers }))).toEqual(ok ? [] : ["allowedTiers"]);
  });
});

describe("sunsetDate is an ISO 8601 date-time with a zone, naming a real instant", () => {
  it.each([
    ["UTC", "2027-12-31T23:59:59Z"],
    ["Feb 29 of a leap year", "2024-02-29T00:00:00Z"],
    ["fractional seconds", "2027-06-30T12:00:00.123Z"],
    ["a positive offset", "2027-06-30T12:00:00+02:00"],
    ["a negative half-hour offset", "2027-06-30T12:00:00-03:30"],
  ])("accepts %s: %s", (_, sunsetDate) => {
    expect(problems(with_({ sunsetDate }))).toEqual([]);
  });

  it.each([
    ["Feb 30", "2025-02-30T00:00:00Z"],
    ["Feb 29 of a common year", "2025-02-29T00:00:00Z"],
    ["Apr 31", "2025-04-31T00:00:00Z"],
    ["month 13", "2025-13-01T00:00:00Z"],
    ["day 0", "2025-01-00T00:00:00Z"],
    ["hour 24", "2025-01-01T24:00:00Z"],
    ["minute 60", "2025-01-01T00:60:00Z"],
    ["a date without time", "2025-01-01"],
    ["no zone", "2025-01-01T00:00:00"],
    ["offset hour 24", "2025-01-01T00:00:00+24:00"],
    ["a basic-format offset in an extended date-time", "2025-01-01T00:00:00+0200"],
    ["a space for T", "2025-01-01 00:00:00Z"],
    ["prose", "next tuesday"],
    ["empty", ""],
    ["a number", 1767225600000],
  ])("refuses %s: %j", (_, sunsetDate) => {
    expect(problems(with_({ sunsetDate }))).toEqual(["sunsetDate"]);
  });
});

describe("numbers are integers in range", () => {
  it.each([
    // field, smallest accepted, largest accepted
    ["contextLength", 1, 100_000_000],
    ["maxOutputTokens", 1, 8192], // bounded by contextLength here
    ["inputCostPerMillionTokens", 0, 1_000_000_000],
    ["outputCostPerMillionTokens", 0, 1_000_000_000],
    ["cacheReadCostPerMillionTokens", 0, 1_000_000_000],
    ["cacheWriteCostPerMillionTokens", 0, 1_000_000_000],
    ["creditsPer1kTokens", 1, 1_000_000_000],
  ])("%s from %i", (field, min, max) => {
    expect(problems(with_({ [field]: min }))).toEqual([]);
    expect(problems(with_({ [field]: max }))).toEqual([]);
    expect(problems(with_({ [field]: min - 1 }))).toEqual([field]);
  });

  it.each([
    "contextLength",
    "inputCostPerMillionTokens",
    "outputCostPerMillionTokens",
    "cacheReadCostPerMillionTokens",
    "cacheWriteCostPerMillionTokens",
    "creditsPer1kTokens",
  ])("%s refuses non-integers and non-numbers", (field) => {
    for (const value of [1.5, Number.NaN, Number.POSITIVE_INFINITY, "100", null]) {
      expect({ value, problems: problems(with_({ [field]: value })) }).toEqual({ value, problems: [field] });
    }
  });

  it.each([
    ["contextLength", 100_000_001],
    ["inputCostPerMillionTokens", 1_000_000_001],
    ["outputCostPerMillionTokens", 1_000_000_001],
    ["cacheReadCostPerMillionTokens", 1_000_000_001],
    ["cacheWriteCostPerMillionTokens", 1_000_000_001],
    ["creditsPer1kTokens", 1_000_000_001],
  ])("%s refuses %i (over its cap; fits the baseline's int column)", (field, value) => {
    expect(problems(with_({ [field]: value }))).toEqual([field]);
  });

  // As JSON would deliver them: past 2^53 the number is no longer exact.
  it.each(["contextLength", "inputCostPerMillionTokens", "creditsPer1kTokens"])("%s refuses integers past the safe range", (field) => {
    for (const literal of ["9007199254740993", "1e21", "-9007199254740993"]) {
      const meta = JSON.parse(
        JSON.stringify(VALID)
          .replace(/^\{/, `{"${field}":${literal},`)
          .replace(new RegExp(`,"${field}":[^,]+`), ""),
      );
      expect({ literal, problems: problems(meta) }).toEqual({ literal, problems: [field] });
    }
  });

  it.each(["inputCostPerMillionTokens", "outputCostPerMillionTokens", "cacheReadCostPerMillionTokens", "cacheWriteCostPerMillionTokens"])(
    "%s refuses negative costs",
    (field) => {
      expect(problems(with_({ [field]: -1 }))).toEqual([field]);
      expect(problems(with_({ [field]: -0.01 }))).toEqual([field]);
    },
  );
});

describe("modalities: input and output lists from the closed list", () => {
  it.each(MODALITIES)("accepts %s on either side", (modality) => {
    expect(problems(with_({ modalities: { input: [modality], output: [modality] } }))).toEqual([]);
  });

  it("accepts all five together", () => {
    expect(problems(with_({ modalities: { input: [...MODALITIES], output: [...MODALITIES] } }))).toEqual([]);
  });

  it.each([
    ["an unknown input modality (pdf is a file)", { input: ["text", "pdf"], output: ["text"] }, "modalities.input.1"],
    ["an unknown output modality", { input: ["text"], output: ["speech"] }, "modalities.output.0"],
    ["the wrong case", { input: ["Text"], output: ["text"] }, "modalities.input.0"],
    ["a repeat", { input: ["text", "image", "text"], output: ["text"] }, "modalities.input"],
    ["an empty input", { input: [], output: ["text"] }, "modalities.input"],
    ["a missing output", { input: ["text"] }, "modalities.output"],
    ["an extra key", { input: ["text"], output: ["text"], both: ["text"] }, "modalities"],
    ["a flat list", ["text", "image"], "modalities"],
  ])("refuses %s", (_, modalities, path) => {
    expect(problems(with_({ modalities }))).toEqual([path]);
  });
});

describe("reasoning, structuredOutputs and openWeights are booleans", () => {
  it.each(["reasoning", "structuredOutputs", "openWeights"])("%s", (field) => {
    expect(problems(with_({ [field]: true }))).toEqual([]);
    expect(problems(with_({ [field]: false }))).toEqual([]);
    for (const value of ["true", 1, null])
      expect({ value, problems: problems(with_({ [field]: value })) }).toEqual({ value, problems: [field] });
  });
});

describe("releaseDate is a real calendar date; knowledgeCutoff a month or a real calendar date", () => {
  it.each(["2025-05-22", "2024-02-29", "2000-02-29", "1999-12-31"])("releaseDate accepts %s", (releaseDate) => {
    expect(problems(with_({ releaseDate }))).toEqual([]);
  });

  it.each([
    ["Feb 30", "2026-02-30"],
    ["Feb 29 of a common year", "2025-02-29"],
    ["Feb 29 of 1900 (not a leap year)", "1900-02-29"],
    ["Apr 31", "2025-04-31"],
    ["month 13", "2025-13-01"],
    ["day 0", "2025-01-00"],
    ["a month alone", "2025-05"],
    ["a date-time", "2025-05-22T00:00:00Z"],
    ["no leading zeros", "2025-5-2"],
    ["prose", "May 2025"],
    ["a number", 20250522],
  ])("releaseDate refuses %s: %j", (_, releaseDate) => {
    expect(problems(with_({ releaseDate }))).toEqual(["releaseDate"]);
  });

  it.each(["2024-06", "2024-12", "2024-06-01", "2024-02-29"])("knowledgeCutoff accepts %s", (knowledgeCutoff) => {
    expect(problems(with_({ knowledgeCutoff }))).toEqual([]);
  });

  it.each(["2024-13", "2024-00", "2024-6", "2024", "2025-02-29", "2024-06-31", "June 2024", ""])(
    "knowledgeCutoff refuses %j",
    (knowledgeCutoff) => {
      expect(problems(with_({ knowledgeCutoff }))).toEqual(["knowledgeCutoff"]);
    },
  );
});

describe("regions: short lowercase codes, unique", () => {
  it.each([["us"], ["eu"], ["apac"], ["us-gov"], ["eu-west-1"], ["us", "eu", "apac"]])("accepts %j", (...regions) => {
    expect(problems(with_({ regions }))).toEqual([]);
  });

  it.each([
    ["upper case", ["EU"], "regions.0"],
    ["one letter", ["u"], "regions.0"],
    ["a leading digit", ["1us"], "regions.0"],
    ["a trailing hyphen", ["us-"], "regions.0"],
    ["a double hyphen", ["us--east"], "regions.0"],
    ["a space", ["us east"], "regions.0"],
    ["over 32 characters", [`r${"x".repeat(32)}`], "regions.0"],
    ["a repeat", ["us", "eu", "us"], "regions"],
    ["none", [], "regions"],
    ["more than 20", Array.from({ length: 21 }, (_, i) => `r${i}`), "regions"],
    ["a string", "us", "regions"],
  ])("refuses %s", (_, regions, path) => {
    expect(problems(with_({ regions }))).toEqual([path]);
  });
});

describe("rateLimits: per tier, positive integer requests and tokens per minute", () => {
  it("accepts any tier of the tier enum, perpetual included", () => {
    const limit = { requestsPerMinute: 1, tokensPerMinute: 1_000_000_000 };
    expect(problems(with_({ rateLimits: Object.fromEntries(SUBSCRIPTION_TIERS.map((tier) => [tier, limit])) }))).toEqual([]);
  });

  it.each([
    ["an unknown tier", { gold: { requestsPerMinute: 1, tokensPerMinute: 1 } }],
    ["no tier", {}],
    ["zero requests", { pro: { requestsPerMinute: 0, tokensPerMinute: 1 } }],
    ["fractional tokens", { pro: { requestsPerMinute: 1, tokensPerMinute: 1.5 } }],
    ["tokens over the cap", { pro: { requestsPerMinute: 1, tokensPerMinute: 1_000_000_001 } }],
    ["a missing tokensPerMinute", { pro: { requestsPerMinute: 1 } }],
    ["an extra key", { pro: { requestsPerMinute: 1, tokensPerMinute: 1, requestsPerDay: 1 } }],
    ["snake_case keys", { pro: { requests_per_minute: 1, tokens_per_minute: 1 } }],
    ["a number", 60],
  ])("refuses %s", (_, rateLimits) => {
    expect(problems(with_({ rateLimits }))[0]).toMatch(/^rateLimits/);
  });
});

describe("the richer fields in a partial update", () => {
  it("are each optional: null removes them", () => {
    const merged = mergeMeta(FULL, { modalities: null, regions: null, rateLimits: null, reasoning: null, releaseDate: null });
    for (const key of ["modalities", "regions", "rateLimits", "reasoning", "releaseDate"]) expect(merged).not.toHaveProperty(key);
    expect(problems(merged)).toEqual([]);
    expect(ModelMetaPatchSchema.safeParse({ modalities: null, reasoning: false }).success).toBe(true);
    expect(ModelMetaPatchSchema.safeParse({ releaseDate: "2026-02-30" }).success).toBe(false);
  });
});

describe("maxOutputTokens does not exceed contextLength", () => {
  it.each([
    [4096, 8192, true],
    [8192, 8192, true],
    [8193, 8192, false],
  ])("maxOutputTokens %i with contextLength %i: valid %s", (maxOutputTokens, contextLength, ok) => {
    expect(problems(with_({ maxOutputTokens, contextLength }))).toEqual(ok ? [] : ["maxOutputTokens"]);
  });

  it("is optional", () => {
    expect(problems(VALID)).toEqual([]);
  });
});

describe("providerMetadata is free-form JSON, bounded in depth and size", () => {
  it.each([
    ["flat values of every JSON type", { s: "x", n: 1.5, b: false, z: null, a: [1, "two"] }],
    ["5 levels of objects", nest(5)],
    ["arrays within the 5 levels", { a: [[[["deep"]]]] }],
    ["keys of 100 characters", { [chars(100)]: 1 }],
    ["an empty object", {}],
    ["constructor and prototype as plain data keys", JSON.parse('{"constructor": 1, "prototype": {"x": 2}}')],
  ])("accepts %s", (_, providerMetadata) => {
    expect(problems(with_({ providerMetadata }))).toEqual([]);
    expect(ModelMetaSchema.parse(with_({ providerMetadata })).providerMetadata).toStrictEqual(providerMetadata);
  });

  it.each([
    ["6 levels of objects", nest(6)],
    ["6 levels through arrays", { a: [[[[["too deep"]]]]] }],
    ["an empty object at level 6", { a: { b: { c: { d: { e: {} } } } } }],
  ])("refuses %s", (_, providerMetadata) => {
    expect(problems(with_({ providerMetadata }))).toEqual(["providerMetadata"]);
  });

  it("refuses a pathologically deep value as invalid, without blowing the stack", () => {
    expect(() => ModelMetaSchema.safeParse(with_({ providerMetadata: nest(100_000) }))).not.toThrow();
    expect(problems(with_({ providerMetadata: nest(100_000) }))).toEqual(["providerMetadata"]);
  });

  it("takes up to 8192 bytes of JSON, counted in UTF-8 bytes", () => {
    const sized = (bytes: number, char = "x") => ({ k: char.repeat((bytes - '{"k":""}'.length) / new TextEncoder().encode(char).length) });
    expect(new TextEncoder().encode(JSON.stringify(sized(8192))).length).toBe(8192);
    expect(problems(with_({ providerMetadata: sized(8192) }))).toEqual([]);
    expect(problems(with_({ providerMetadata: sized(8193) }))).toEqual(["providerMetadata"]);
    // 3 bytes each: 2730 of them are 8190 bytes of text, over the limit once wrapped.
    expect(problems(with_({ providerMetadata: { k: "€".repeat(2730) } }))).toEqual(["providerMetadata"]);
  });

  it.each([
    ["a key over 100 characters", { [chars(101)]: 1 }],
    ["a __proto__ key (JSON)", JSON.parse('{"__proto__": {"polluted": true}}')],
    ["a nested __proto__ key (JSON)", JSON.parse('{"a": {"__proto__": {"polluted": true}}}')],
    ["undefined", { a: undefined }],
    ["a function", { a: () => 1 }],
    ["a Date", { a: new Date(0) }],
    ["NaN", { a: Number.NaN }],
    ["an array at the top", [1, 2]],
    ["a string", "metadata"],
  ])("refuses %s", (_, providerMetadata) => {
    expect(problems(with_({ providerMetadata }))[0]).toMatch(/^providerMetadata/);
  });
});

describe("only text the database can store: no NUL, no unpaired surrogate", () => {
  const UNSTORABLE = [
    ["a NUL", "a\u0000b"],
    ["a lone high surrogate", "a\uD800b"],
    ["a lone low surrogate", "a\uDC00b"],
    ["a high surrogate at the end", "ab\uD83D"],
    ["two high surrogates", "\uD83D\uD83D\uDE00"],
  ];
  const WHY = /U\+0000|surrogate/;

  it.each(UNSTORABLE)("textProblem refuses %s", (_, text) => {
    expect(textProblem(text)).toMatch(WHY);
  });

  it.each([
    ["plain ASCII", "GPT-4"],
    ["accents", "Modèle ünicode"],
    ["an emoji (a surrogate pair)", "fast \u{1F680}"],
    ["U+FFFD", "\uFFFD"],
  ])("textProblem accepts %s", (_, text) => {
    expect(textProblem(text)).toBeUndefined();
  });

  const TEXT_FIELDS = {
    displayName: (text: string) => ({ displayName: text }),
    description: (text: string) => ({ description: text }),
    version: (text: string) => ({ version: text }),
    deprecationNotice: (text: string) => ({ deprecationNotice: text }),
    internalNotes: (text: string) => ({ internalNotes: text }),
    "complianceTags.1": (text: string) => ({ complianceTags: ["soc2", text] }),
    "providerMetadata.region": (text: string) => ({ providerMetadata: { region: text } }),
    "providerMetadata.a.b.1": (text: string) => ({ providerMetadata: { a: { b: ["ok", text] } } }),
    "providerMetadata.a.k\u0000": () => ({ providerMetadata: { a: { "k\u0000": 1 } } }),
    "providerMetadata.\uD800": () => ({ providerMetadata: { "\uD800": 1 } }),
  };

  it.each(
    Object.entries(TEXT_FIELDS).flatMap(([path, patch]) => UNSTORABLE.map(([what, text]) => [path, what, patch(text as string)] as const)),
  )("%s refuses %s, naming the field and why", (path, _, patch) => {
    const issues = ModelMetaSchema.safeParse(with_(patch)).error?.issues ?? [];
    expect(issues.map((issue) => [issue.path.join("."), WHY.test(issue.message)])).toContainEqual([path, true]);
  });

  it("a partial update refuses it too", () => {
    expect(ModelMetaPatchSchema.safeParse({ description: "a\u0000b" }).error?.issues).toEqual([
      expect.objectContaining({ path: ["description"], message: expect.stringMatching(WHY) }),
    ]);
  });
});

describe("mergeMeta (PATCH): a partial update merged into the current meta", () => {
  it("replaces the given keys and keeps the rest", () => {
    expect(mergeMeta(FULL, { displayName: "GPT-4 (2024)", contextLength: 32_768 })).toStrictEqual({
      ...FULL,
      displayName: "GPT-4 (2024)",
      contextLength: 32_768,
    });
  });

  it("removes an optional key given as null", () => {
    const merged = mergeMeta(FULL, { description: null, maxOutputTokens: null });
    expect(merged).not.toHaveProperty("description");
    expect(merged).not.toHaveProperty("maxOutputTokens");
    expect(problems(merged)).toEqual([]);
  });

  it("leaves a result that must still pass as a whole", () => {
    expect(problems(mergeMeta(VALID, { displayName: null }))).toEqual(["displayName"]);
    expect(problems(mergeMeta(VALID, { tierRestrictionMode: "exact" }))).toEqual(["allowedTiers"]);
    expect(problems(mergeMeta(VALID, { maxOutputTokens: 9000 }))).toEqual(["maxOutputTokens"]);
  });

  it("does not change the current meta", () => {
    const current = structuredClone(FULL);
    mergeMeta(current, { displayName: "Other", description: null });
    expect(current).toStrictEqual(FULL);
  });

  it("keeps a __proto__ key from JSON as data, which validation then refuses", () => {
    const merged = mergeMeta(VALID, JSON.parse('{"__proto__": {"isArchived": true}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.hasOwn(merged, "__proto__")).toBe(true);
    expect(ModelMetaSchema.safeParse(merged).error?.issues).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", keys: ["__proto__"] }),
    ]);
  });
});
