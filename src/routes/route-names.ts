/**
 * Model ids that a route name would shadow: any literal path segment that
 * stands where a model id could (`/admin/models/legacy`, `/v1/models/changes`).
 * Filled from the route table by routes/index.ts, so a new route reserves its
 * name itself.
 */
const names = new Set<string>();

export function reserveRouteNames(paths: readonly string[]) {
  for (const path of paths) {
    const name = /\/models\/([^/{}]+)/.exec(path)?.[1];
    if (name !== undefined) names.add(name);
  }
}

export const isRouteName = (id: string) => names.has(id);
