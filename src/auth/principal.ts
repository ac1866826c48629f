/** The verified caller, as read from a JWT's claims. */
import { z } from "zod";
import { SubscriptionTierSchema } from "../domain/model-meta";

export const ADMIN_ROLES = ["admin", "super_admin"] as const;

/** Actors the service itself writes as (the sunset cron): no token may claim one. */
export const SYSTEM_ACTOR_PREFIX = "system:";

export const ClaimsSchema = z.object({
  sub: z.string().min(1).max(200),
  role: z.string().max(50).optional(),
  tier: SubscriptionTierSchema.optional(),
});

export interface Principal {
  subject: string;
  role: string | undefined;
  /** The caller's subscription tier; tokens without one count as free. */
  tier: z.infer<typeof SubscriptionTierSchema>;
  isAdmin: boolean;
}

export function principalFromClaims(claims: z.infer<typeof ClaimsSchema>): Principal {
  return {
    subject: claims.sub,
    role: claims.role,
    tier: claims.tier ?? "free",
    isAdmin: (ADMIN_ROLES as readonly string[]).includes(claims.role ?? ""),
  };
}
