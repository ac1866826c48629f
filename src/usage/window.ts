/** The windows the usage routes read over, in whole UTC hours. Pure. */
import { z } from "zod";

export const USAGE_WINDOWS = { "24h": 24, "7d": 168, "30d": 720 } as const;
export type UsageWindow = keyof typeof USAGE_WINDOWS;
export const UsageWindowSchema = z.enum(Object.keys(USAGE_WINDOWS) as [UsageWindow, ...UsageWindow[]]);

const HOUR_MS = 3_600_000;

/** The hours a window covers at `now`, oldest first: the current hour and the ones before it. */
export function windowHours(window: UsageWindow, now: Date): Date[] {
  const current = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const count = USAGE_WINDOWS[window];
  return Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * HOUR_MS));
}

export const windowStart = (window: UsageWindow, now: Date): Date => windowHours(window, now)[0] as Date;
