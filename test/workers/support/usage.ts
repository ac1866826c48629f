/** Usage rollups seeded straight into the database, as a flush from the gate would add them (src/usage/rollups.ts). */
import type { UsageRow } from "../../../src/gate/usage-counter";
import { addFlush } from "../../../src/usage/rollups";
import { uniqueId } from "./fixtures";
import { directDatabase } from "./reliability";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const hourOf = (time: number) => new Date(Math.floor(time / HOUR) * HOUR).toISOString();

export interface SeededCalls {
  caller: string;
  /** How long before now the calls were made, in ms. */
  ago: number;
  calls: number;
  outcome?: "allowed" | "refused";
}

/** Adds rollups for `modelId` as one flush. */
export async function seedUsage(modelId: string, rows: readonly SeededCalls[]) {
  const now = Date.now();
  const owner = directDatabase();
  try {
    await addFlush(owner.db, {
      flush_id: uniqueId("seed"),
      rows: rows.map(
        ({ caller, ago, calls, outcome }): UsageRow => ({
          hour: hourOf(now - ago),
          model_id: modelId,
          alias: null,
          caller,
          outcome: outcome ?? "allowed",
          calls,
          last_seen: new Date(now - ago).toISOString(),
        }),
      ),
    });
  } finally {
    await owner.close();
  }
}
