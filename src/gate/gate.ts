/**
 * The gate as both transports use it: the catalog snapshot, the decision,
 * and the decision counted as usage in this isolate's counter. Counting
 * cannot throw or wait (usage-counter.ts), so the answer is the decision's.
 */
import type { Principal } from "../auth/principal";
import type { CacheOutcome, CatalogCache } from "../catalog/cache";
import { decide, type GateDecision, usageKeyOf } from "./decision";
import { ANONYMOUS_CALLER, type FlushTarget, UsageCounter } from "./usage-counter";

/** This isolate's usage counter: every gate decision of the isolate, HTTP and RPC alike. */
export const gateUsage = new UsageCounter();

export async function checkGate(
  catalog: Pick<CatalogCache, "snapshot">,
  asked: string,
  principal: Principal | null,
  flushTo: FlushTarget,
  counter: UsageCounter = gateUsage,
): Promise<{ decision: GateDecision; outcome: CacheOutcome }> {
  const { snapshot, outcome } = await catalog.snapshot();
  const decision = decide(snapshot, asked, principal);
  const key = usageKeyOf(decision, principal?.subject ?? ANONYMOUS_CALLER);
  if (key) counter.count(key, flushTo);
  return { decision, outcome };
}
