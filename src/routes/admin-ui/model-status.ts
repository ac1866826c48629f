/** A model's one-word status, as the models page filters by it and every page badges it. */
export const MODEL_STATUSES = ["active", "legacy", "archived"] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export function statusOf(row: { isLegacy: boolean; isArchived: boolean }): ModelStatus {
  return row.isArchived ? "archived" : row.isLegacy ? "legacy" : "active";
}
