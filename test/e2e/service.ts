/**
 * The service the browser tests drive, started as `npm run dev` would be but
 * throwaway (scripts/lib/seeded-service.ts): an in-memory PGlite with the
 * seed catalog and its aliases, and `wrangler dev` on a free loopback port
 * (never 8787) with its own JWT secret and an empty KV. Everything stops when
 * the run ends.
 */
import type { TestProject } from "vitest/node";
import { startSeededService } from "../../scripts/lib/seeded-service";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    jwt: { secret: string; issuer: string; audience: string };
    /** The service's database, for tests that seed what the Worker only writes in the background (usage rollups). */
    database: { url: string; wsProxy: string };
  }
}

export default async function setup(project: TestProject) {
  const service = await startSeededService({ name: "model-catalog-e2e" });
  project.provide("baseUrl", service.baseUrl);
  project.provide("jwt", service.jwt);
  project.provide("database", service.database);
  return service.stop;
}
