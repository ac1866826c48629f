/** @jsxImportSource hono/jsx */
/** Callers per model over 24 h and 7 d, for the sunsets page (src/usage/queries.ts, as /admin/usage/legacy reads it). */
import type { FC } from "hono/jsx";
import type { Database } from "../../../db/client";
import { usageByModel } from "../../../usage/queries";
import { windowStart } from "../../../usage/window";

export interface CallersPerModel {
  day: Awaited<ReturnType<typeof usageByModel>>;
  week: Awaited<ReturnType<typeof usageByModel>>;
}

export async function callersPerModel(db: Database, modelIds: readonly string[], now: Date): Promise<CallersPerModel> {
  const [day, week] = await Promise.all([
    usageByModel(db, modelIds, windowStart("24h", now)),
    usageByModel(db, modelIds, windowStart("7d", now)),
  ]);
  return { day, week };
}

const cell = (usage: { calls: number; callers: number } | undefined) =>
  usage ? `${usage.callers} (${usage.calls} ${usage.calls === 1 ? "call" : "calls"})` : "0";

/** Two table cells: callers (and calls) in the last 24 h and 7 d. */
export const CallersCells: FC<{ usage: CallersPerModel; modelId: string }> = ({ usage, modelId }) => (
  <>
    <td>{cell(usage.day.get(modelId))}</td>
    <td>{cell(usage.week.get(modelId))}</td>
  </>
);
