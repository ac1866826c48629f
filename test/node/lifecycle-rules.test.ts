/**
 * The lifecycle's pure rules (spec "Lifecycle"): which transitions are legal,
 * what a sunset date must be, and what the audit trail records.
 */
import { describe, expect, it } from "vitest";
import { type ModelMeta, ModelMetaSchema } from "../../src/domain/model-meta";
import { ApiError } from "../../src/http/errors";
import {
  assertCanArchive,
  assertCanMarkLegacy,
  assertCanUnarchive,
  assertCanUnmarkLegacy,
  assertFutureSunset,
  describeChange,
  LEGACY_META_KEYS,
  type ModelFlags,
  withoutLegacyFields,
  withoutPassedSunset,
} from "../../src/lifecycle/rules";

const META: ModelMeta = {
  displayName: "GPT-3.5 Turbo",
  capabilities: ["text", "function_calling"],
  contextLength: 4096,
  inputCostPerMillionTokens: 500,
  outputCostPerMillionTokens: 1500,
  creditsPer1kTokens: 3,
  requiredTier: "free",
  tierRestrictionMode: "minimum",
  allowedTiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
  providerMetadata: { region: "us", limits: { rpm: 60, tpm: 1000 } },
};

const LEGACY_INFO = {
  legacyReplacementModelId: "gpt-4",
  deprecationNotice: "Please upgrade to GPT-4.",
  sunsetDate: "2027-12-31T23:59:59.000Z",
};

const model = (isLegacy: boolean, isArchived: boolean, meta: ModelMeta = META): ModelFlags => ({
  isAvailable: true,
  isLegacy,
  isArchived,
  legacySince: isLegacy ? new Date("2025-01-01T00:00:00Z") : null,
  meta: isLegacy ? { ...meta, ...LEGACY_INFO } : meta,
});

/** What `fn` throws, or undefined. */
function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("transitions (active -> legacy -> archived, unarchive keeps legacy)", () => {
  const STATES = {
    active: model(false, false),
    legacy: model(true, false),
    archived: model(false, true),
    "archived legacy": model(true, true),
  };

  // true = allowed; false = 409 conflict. From the spec's diagram: archived only comes back by unarchive.
  const ALLOWED: [string, (m: ModelFlags) => void, Record<keyof typeof STATES, boolean>][] = [
    ["mark-legacy", assertCanMarkLegacy, { active: true, legacy: true, archived: false, "archived legacy": false }],
    ["unmark-legacy", assertCanUnmarkLegacy, { active: false, legacy: true, archived: false, "archived legacy": false }],
    ["archive", assertCanArchive, { active: true, legacy: true, archived: false, "archived legacy": false }],
    ["unarchive", assertCanUnarchive, { active: false, legacy: false, archived: true, "archived legacy": true }],
  ];

  const CASES = ALLOWED.flatMap(([action, assert, allowed]) =>
    Object.entries(STATES).map(([state, flags]) => ({ action, assert, state, flags, ok: allowed[state as keyof typeof STATES] })),
  );

  it.each(CASES)("$action on a model that is $state: allowed $ok", ({ assert, flags, ok }) => {
    const error = thrown(() => assert(flags));
    if (ok) {
      expect(error).toBeUndefined();
    } else {
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: "conflict", status: 409 });
      expect((error as Error).message).not.toBe("");
    }
  });

  it("tells an admin to unarchive first", () => {
    for (const assert of [assertCanMarkLegacy, assertCanUnmarkLegacy]) {
      expect((thrown(() => assert(STATES["archived legacy"])) as Error).message).toMatch(/unarchive it first/);
    }
  });
});

describe("assertFutureSunset", () => {
  const now = new Date("2026-06-01T12:00:00Z");

  it.each([
    ["no sunset date", undefined],
    ["a later instant", "2026-06-01T12:00:01Z"],
    ["a later instant given with an offset", "2026-06-01T13:00:01+01:00"],
    ["years ahead", "2030-01-01T00:00:00Z"],
  ])("accepts %s", (_, sunsetDate) => {
    expect(thrown(() => assertFutureSunset(sunsetDate, now))).toBeUndefined();
  });

  it.each([
    ["now itself", "2026-06-01T12:00:00Z"],
    ["the past", "2020-01-01T00:00:00Z"],
    ["a past instant whose local date looks later", "2026-06-01T13:00:00+02:00"],
    ["a string that is not a date", "soon"],
  ])("refuses %s with a 400 on sunsetDate", (_, sunsetDate) => {
    const error = thrown(() => assertFutureSunset(sunsetDate, now));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: "invalid_request",
      status: 400,
      options: { details: [{ path: ["sunsetDate"], message: "must be in the future" }] },
    });
  });
});

describe("withoutLegacyFields (what unmark-legacy leaves)", () => {
  const legacy = model(true, false).meta;

  it("drops the replacement, notice and sunset date, and nothing else", () => {
    expect(LEGACY_META_KEYS).toEqual(["legacyReplacementModelId", "deprecationNotice", "sunsetDate"]);
    expect(withoutLegacyFields(legacy)).toStrictEqual(META);
  });

  it("leaves valid meta, and the input untouched", () => {
    const before = structuredClone(legacy);
    expect(ModelMetaSchema.safeParse(withoutLegacyFields(legacy)).success).toBe(true);
    expect(legacy).toStrictEqual(before);
  });

  it("is a no-op on meta without legacy fields", () => {
    expect(withoutLegacyFields(META)).toStrictEqual(META);
  });
});

describe("withoutPassedSunset (what unarchive brings back)", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const legacy = (sunsetDate: string): ModelMeta => ({ ...META, ...LEGACY_INFO, sunsetDate });

  // The cron archives at or after the sunset instant; keeping such a date would re-archive the model.
  it.each([
    ["passed", "2026-01-01T00:00:00Z"],
    ["exactly now", "2026-06-01T12:00:00Z"],
  ])("drops a sunset date that has %s, keeping the rest of the legacy details", (_, sunsetDate) => {
    const { sunsetDate: _dropped, ...rest } = legacy(sunsetDate);
    expect(withoutPassedSunset(legacy(sunsetDate), now)).toStrictEqual(rest);
  });

  it("keeps a future sunset date, and meta without one", () => {
    expect(withoutPassedSunset(legacy("2026-06-01T12:00:01Z"), now)).toStrictEqual(legacy("2026-06-01T12:00:01Z"));
    expect(withoutPassedSunset(META, now)).toStrictEqual(META);
  });
});

describe("describeChange (the audit pair): only what changed", () => {
  const active = model(false, false);

  it.each([
    ["nothing changed", active, active, { previous: {}, next: {} }],
    ["archive: one flag", active, { ...active, isArchived: true }, { previous: { isArchived: false }, next: { isArchived: true } }],
    ["availability", active, { ...active, isAvailable: false }, { previous: { isAvailable: true }, next: { isAvailable: false } }],
    [
      "mark-legacy: the flag, and the meta keys added (null before)",
      active,
      model(true, false),
      {
        previous: { isLegacy: false, meta: { legacyReplacementModelId: null, deprecationNotice: null, sunsetDate: null } },
        next: { isLegacy: true, meta: LEGACY_INFO },
      },
    ],
    [
      "unmark-legacy: the meta keys removed (null after)",
      model(true, false),
      { ...active, legacySince: null },
      {
        previous: { isLegacy: true, meta: LEGACY_INFO },
        next: { isLegacy: false, meta: { legacyReplacementModelId: null, deprecationNotice: null, sunsetDate: null } },
      },
    ],
    [
      "a meta edit: that key alone",
      active,
      { ...active, meta: { ...META, displayName: "GPT-3.5 Turbo (old)" } },
      { previous: { meta: { displayName: "GPT-3.5 Turbo" } }, next: { meta: { displayName: "GPT-3.5 Turbo (old)" } } },
    ],
    [
      "a nested change: the whole top-level key",
      active,
      { ...active, meta: { ...META, providerMetadata: { region: "eu", limits: { rpm: 60, tpm: 1000 } } } },
      {
        previous: { meta: { providerMetadata: META.providerMetadata } },
        next: { meta: { providerMetadata: { region: "eu", limits: { rpm: 60, tpm: 1000 } } } },
      },
    ],
    [
      "reordered capabilities: a list's order is part of its value",
      active,
      { ...active, meta: { ...META, capabilities: ["function_calling", "text"] } },
      {
        previous: { meta: { capabilities: ["text", "function_calling"] } },
        next: { meta: { capabilities: ["function_calling", "text"] } },
      },
    ],
  ] satisfies [string, ModelFlags, ModelFlags, unknown][])("%s", (_, before, after, expected) => {
    expect(describeChange(before, after)).toStrictEqual(expected);
  });

  // JSONB hands back objects in its own key order; a patch carries the client's.
  it("ignores a difference in object key order only", () => {
    const reordered = { ...active, meta: { ...META, providerMetadata: { limits: { tpm: 1000, rpm: 60 }, region: "us" } } };
    expect(describeChange(active, reordered)).toStrictEqual({ previous: {}, next: {} });
  });
});
