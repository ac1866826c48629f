/**
 * JSON with object keys sorted: meta read back from JSONB has Postgres' key
 * order, a patch or a model has its writer's, and the same value must not
 * read as a change. Pure.
 */
export function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
