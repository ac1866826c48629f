/**
 * The replacement graph: a legacy model names a replacement, which may itself
 * be legacy or archived. Two questions follow the chain: where a client is
 * sent (the first live model along it, never a dead end), and whether a new
 * edge is allowed (the replacement exists, is live and does not lead back).
 * Pure: the database side hands in how to read one step.
 */

/** Longest chain followed; the cycle check keeps chains acyclic, this only bounds a corrupt one. */
export const MAX_REPLACEMENT_CHAIN = 64;

/**
 * The first model from `start` along the replacements that is live, or null.
 * `archivedReplacement` maps each archived model to the replacement it names (or null).
 */
export function recommendedSuccessor(
  start: string | null | undefined,
  isLive: (id: string) => boolean,
  archivedReplacement: ReadonlyMap<string, string | null>,
): string | null {
  let current = start ?? null;
  for (let hops = 0; current !== null && hops < MAX_REPLACEMENT_CHAIN; hops++) {
    if (isLive(current)) return current;
    current = archivedReplacement.get(current) ?? null;
  }
  return null;
}

/** The models with `legacy_info.recommended_model_id` set on each legacy one (archived ones are passed over). */
export function withRecommendedSuccessors<M extends { id: string; is_archived: boolean; legacy_info?: { replacement_model_id?: string } }>(
  models: readonly M[],
  archivedReplacement: ReadonlyMap<string, string | null>,
): M[] {
  const liveIds = new Set(models.filter((model) => !model.is_archived).map((model) => model.id));
  const isLive = (id: string) => liveIds.has(id);
  return models.map((model) =>
    model.legacy_info
      ? {
          ...model,
          legacy_info: {
            ...model.legacy_info,
            recommended_model_id: recommendedSuccessor(model.legacy_info.replacement_model_id, isLive, archivedReplacement),
          },
        }
      : model,
  );
}

/** Each archived model's recommended successor (what its 410 names), from the replacement it names. */
export function archivedSuccessors(liveIds: ReadonlySet<string>, archivedReplacement: ReadonlyMap<string, string | null>) {
  const isLive = (id: string) => liveIds.has(id);
  return new Map([...archivedReplacement].map(([id, replacement]) => [id, recommendedSuccessor(replacement, isLive, archivedReplacement)]));
}

/** One model on a replacement chain: is it live, and where does it lead next (only a legacy model leads on). */
export interface ChainStep {
  id: string;
  isArchived: boolean;
  isLegacy: boolean;
  next: string | null;
}

/** Why an edge is refused: an invalid request (self, missing) or a conflict with the catalog (archived, cycle). */
export type ReplacementProblem = { kind: "invalid" | "conflict"; message: string };

/**
 * What is wrong with `id` naming `replacementId`, or undefined. `readStep`
 * reads one model of the chain (`hops` 0 is the replacement itself).
 */
export async function replacementProblem(
  id: string,
  replacementId: string,
  readStep: (id: string, hops: number) => Promise<ChainStep | undefined>,
): Promise<ReplacementProblem | undefined> {
  if (replacementId === id) return { kind: "invalid", message: "a model cannot replace itself" };
  let cursor: string | null = replacementId;
  for (let hops = 0; cursor !== null && hops < MAX_REPLACEMENT_CHAIN; hops++) {
    const step = await readStep(cursor, hops);
    if (!step) return hops === 0 ? { kind: "invalid", message: `replacement model ${replacementId} does not exist` } : undefined;
    if (hops === 0 && step.isArchived) return { kind: "conflict", message: `replacement model ${replacementId} is archived` };
    if (step.id === id) return { kind: "conflict", message: `replacement ${replacementId} leads back to ${id}: a replacement cycle` };
    cursor = step.isLegacy ? step.next : null;
  }
  return undefined;
}
