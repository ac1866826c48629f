/**
 * Who may use which model: pure rules from the spec's "Tiers and access".
 */
import { z } from "@hono/zod-openapi";
import { type ModelMeta, type SubscriptionTier, TIER_LADDER } from "./model-meta";

export const AccessStatusSchema = z.enum(["allowed", "upgrade_required", "restricted"]);
export type AccessStatus = z.infer<typeof AccessStatusSchema>;
type TierRules = Pick<ModelMeta, "requiredTier" | "tierRestrictionMode" | "allowedTiers">;

const ladderRank = (tier: SubscriptionTier): number => (TIER_LADDER as readonly string[]).indexOf(tier);

/** Whether a user on `tier` may use a model with these rules. */
export function isTierAllowed(rules: TierRules, tier: SubscriptionTier): boolean {
  switch (rules.tierRestrictionMode) {
    case "exact":
      return tier === rules.requiredTier;
    case "whitelist":
      return rules.allowedTiers.includes(tier);
    case "minimum": {
      if (rules.allowedTiers.includes(tier)) return true;
      const userRank = ladderRank(tier);
      const requiredRank = ladderRank(rules.requiredTier);
      return userRank >= 0 && requiredRank >= 0 && userRank >= requiredRank;
    }
  }
}

/** The lowest ladder tier above `tier` that would be allowed, if any. */
export function upgradeTierFor(rules: TierRules, tier: SubscriptionTier): SubscriptionTier | undefined {
  const userRank = ladderRank(tier);
  if (userRank < 0) return undefined; // perpetual is off the ladder: nothing to upgrade to
  return TIER_LADDER.slice(userRank + 1).find((higher) => isTierAllowed(rules, higher));
}

export function accessStatusFor(rules: TierRules, tier: SubscriptionTier): AccessStatus {
  if (isTierAllowed(rules, tier)) return "allowed";
  return upgradeTierFor(rules, tier) ? "upgrade_required" : "restricted";
}
