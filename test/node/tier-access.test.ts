/**
 * Who may use which model (spec "Tiers and access"): every tier against
 * every mode, for representative rules, then every valid rule against the
 * spec's wording.
 */
import { describe, expect, it } from "vitest";
import { type ModelMeta, ModelMetaSchema, SUBSCRIPTION_TIERS, type SubscriptionTier, TIER_LADDER } from "../../src/domain/model-meta";
import { type AccessStatus, accessStatusFor, isTierAllowed, upgradeTierFor } from "../../src/domain/tier-access";

type Rules = Pick<ModelMeta, "requiredTier" | "tierRestrictionMode" | "allowedTiers">;
const rules = (
  tierRestrictionMode: Rules["tierRestrictionMode"],
  requiredTier: SubscriptionTier,
  allowedTiers: SubscriptionTier[],
): Rules => ({
  requiredTier,
  tierRestrictionMode,
  allowedTiers,
});

/** The smallest meta the schema accepts, but for the tier rules. */
const META_WITHOUT_RULES = {
  displayName: "m",
  capabilities: ["text"],
  contextLength: 1,
  inputCostPerMillionTokens: 0,
  outputCostPerMillionTokens: 0,
  creditsPer1kTokens: 1,
};

/**
 * One row per rule; one cell per tier, in SUBSCRIPTION_TIERS order
 * (free, pro, pro_max, enterprise_pro, enterprise_max, perpetual):
 * "ok" = allowed, "up:<tier>" = upgrade_required to that tier, "no" = restricted.
 */
const MATRIX: [string, Rules, string[]][] = [
  // minimum: on the ladder at or above requiredTier, or listed
  ["minimum from free", rules("minimum", "free", [...TIER_LADDER]), ["ok", "ok", "ok", "ok", "ok", "no"]],
  [
    "minimum from pro",
    rules("minimum", "pro", ["pro", "pro_max", "enterprise_pro", "enterprise_max"]),
    ["up:pro", "ok", "ok", "ok", "ok", "no"],
  ],
  [
    "minimum from pro_max, also listing free",
    rules("minimum", "pro_max", ["free", "pro_max"]),
    ["ok", "up:pro_max", "ok", "ok", "ok", "no"],
  ],
  [
    "minimum from enterprise_max, also listing perpetual",
    rules("minimum", "enterprise_max", ["enterprise_max", "perpetual"]),
    ["up:enterprise_max", "up:enterprise_max", "up:enterprise_max", "up:enterprise_max", "ok", "ok"],
  ],
  ["minimum from perpetual (off the ladder: no climb)", rules("minimum", "perpetual", ["perpetual"]), ["no", "no", "no", "no", "no", "ok"]],
  // exact: only requiredTier
  ["exact free", rules("exact", "free", ["free"]), ["ok", "no", "no", "no", "no", "no"]],
  ["exact pro_max", rules("exact", "pro_max", ["pro_max"]), ["up:pro_max", "up:pro_max", "ok", "no", "no", "no"]],
  ["exact perpetual", rules("exact", "perpetual", ["perpetual"]), ["no", "no", "no", "no", "no", "ok"]],
  // whitelist: only allowedTiers
  [
    "whitelist from pro_max with perpetual",
    rules("whitelist", "pro_max", ["pro_max", "enterprise_pro", "enterprise_max", "perpetual"]),
    ["up:pro_max", "up:pro_max", "ok", "ok", "ok", "ok"],
  ],
  [
    "whitelist free and enterprise_max only",
    rules("whitelist", "free", ["free", "enterprise_max"]),
    ["ok", "up:enterprise_max", "up:enterprise_max", "up:enterprise_max", "ok", "no"],
  ],
  ["whitelist pro only", rules("whitelist", "pro", ["pro"]), ["up:pro", "ok", "no", "no", "no", "no"]],
  ["whitelist perpetual only", rules("whitelist", "perpetual", ["perpetual"]), ["no", "no", "no", "no", "no", "ok"]],
];

const CASES = MATRIX.flatMap(([label, rule, cells]) =>
  SUBSCRIPTION_TIERS.map((tier, i) => {
    const cell = cells[i] ?? "";
    const status: AccessStatus = cell === "ok" ? "allowed" : cell === "no" ? "restricted" : "upgrade_required";
    return { label, rule, tier, status, upgrade: cell.startsWith("up:") ? cell.slice(3) : undefined };
  }),
);

describe("access per tier and mode", () => {
  it.each(MATRIX)("%s: a rule the meta schema accepts, a cell per tier", (label, rule, cells) => {
    expect(cells, label).toHaveLength(SUBSCRIPTION_TIERS.length);
    expect(ModelMetaSchema.safeParse({ ...META_WITHOUT_RULES, ...rule }).success, label).toBe(true);
  });

  it.each(CASES)("$label: $tier is $status", ({ rule, tier, status, upgrade }) => {
    expect(accessStatusFor(rule, tier)).toBe(status);
    expect(isTierAllowed(rule, tier)).toBe(status === "allowed");
    if (status !== "allowed") expect(upgradeTierFor(rule, tier)).toBe(upgrade);
  });
});

describe("upgradeTierFor", () => {
  it("names the LOWEST higher ladder tier that would be allowed", () => {
    // enterprise_pro and enterprise_max would both do: the cheaper one is offered.
    expect(upgradeTierFor(rules("whitelist", "enterprise_pro", ["enterprise_pro", "enterprise_max"]), "free")).toBe("enterprise_pro");
  });

  it("never suggests a lower tier, even one that would be allowed", () => {
    const freeOrTop = rules("whitelist", "free", ["free", "enterprise_max"]);
    expect(upgradeTierFor(freeOrTop, "pro")).toBe("enterprise_max");
    expect(accessStatusFor(rules("exact", "free", ["free"]), "pro")).toBe("restricted");
  });

  it.each(["minimum", "exact", "whitelist"] as const)("never offers perpetual, nor anything to a perpetual user (%s)", (mode) => {
    const perpetualOnly = rules(mode, "perpetual", ["perpetual"]);
    for (const tier of TIER_LADDER) expect(upgradeTierFor(perpetualOnly, tier)).toBeUndefined();
    const topOnly = rules(mode, "enterprise_max", ["enterprise_max"]);
    expect(upgradeTierFor(topOnly, "perpetual")).toBeUndefined();
    expect(accessStatusFor(topOnly, "perpetual")).toBe("restricted");
  });
});

/** The spec's sentences, written out independently of the module. */
function specStatus(rule: Rules, tier: SubscriptionTier): AccessStatus {
  const ladder: readonly string[] = TIER_LADDER;
  const allowed = (t: SubscriptionTier) => {
    switch (rule.tierRestrictionMode) {
      case "minimum":
        return (
          (ladder.includes(t) && ladder.includes(rule.requiredTier) && ladder.indexOf(t) >= ladder.indexOf(rule.requiredTier)) ||
          rule.allowedTiers.includes(t)
        );
      case "exact":
        return t === rule.requiredTier;
      case "whitelist":
        return rule.allowedTiers.includes(t);
    }
  };
  if (allowed(tier)) return "allowed";
  const higher = ladder.includes(tier) ? TIER_LADDER.slice(ladder.indexOf(tier) + 1) : [];
  return higher.some(allowed) ? "upgrade_required" : "restricted";
}

/** Every rule the meta schema accepts: each mode, required tier and set of allowed tiers. */
function everyValidRule(): Rules[] {
  const all: Rules[] = [];
  for (const mode of ["minimum", "exact", "whitelist"] as const) {
    for (const requiredTier of SUBSCRIPTION_TIERS) {
      for (let mask = 1; mask < 1 << SUBSCRIPTION_TIERS.length; mask++) {
        const allowedTiers = SUBSCRIPTION_TIERS.filter((_, i) => mask & (1 << i));
        if (ModelMetaSchema.safeParse({ ...META_WITHOUT_RULES, requiredTier, tierRestrictionMode: mode, allowedTiers }).success) {
          all.push(rules(mode, requiredTier, allowedTiers));
        }
      }
    }
  }
  return all;
}

describe("every valid rule, every tier, against the spec's wording", () => {
  const all = everyValidRule();

  it("covers all three modes", () => {
    expect(new Set(all.map((rule) => rule.tierRestrictionMode))).toEqual(new Set(["minimum", "exact", "whitelist"]));
    expect(all.filter((rule) => rule.tierRestrictionMode === "exact")).toHaveLength(SUBSCRIPTION_TIERS.length);
  });

  it.each(SUBSCRIPTION_TIERS)("%s gets the status the spec defines", (tier) => {
    const wrong = all.filter((rule) => accessStatusFor(rule, tier) !== specStatus(rule, tier));
    expect(wrong).toEqual([]);
  });

  it.each(SUBSCRIPTION_TIERS)("%s: an upgrade tier exactly when upgrade_required, and it is allowed and higher", (tier) => {
    for (const rule of all) {
      const status = accessStatusFor(rule, tier);
      if (status === "allowed") continue;
      const upgrade = upgradeTierFor(rule, tier);
      expect(upgrade !== undefined).toBe(status === "upgrade_required");
      if (upgrade) {
        expect(isTierAllowed(rule, upgrade)).toBe(true);
        expect(TIER_LADDER.indexOf(upgrade as (typeof TIER_LADDER)[number])).toBeGreaterThan(
          TIER_LADDER.indexOf(tier as (typeof TIER_LADDER)[number]),
        );
      }
    }
  });

  it("perpetual is never upgrade_required", () => {
    expect(all.filter((rule) => accessStatusFor(rule, "perpetual") === "upgrade_required")).toEqual([]);
  });
});
