/**
 * Successor chains: a legacy model names a replacement, which may itself be
 * legacy or archived. Clients are sent to the first model along the chain
 * that is not archived, never to a dead end. Pure.
 */

/** Longest chain followed; lifecycle rules keep chains acyclic, this only bounds a corrupt one. */
const MAX_CHAIN = 64;

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
  for (let hops = 0; current !== null && hops < MAX_CHAIN; hops++) {
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
