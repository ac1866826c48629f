/** `catalog plan FILE`: what apply would do, as a diff; exit 2 when there is something to do. */
import { CatalogFileError, type FileIssue, readCatalogFile } from "../catalog-file";
import { type CliContext, EXIT, progress, type ServiceOptions, serviceClient } from "../context";
import type { CatalogClient } from "../http-client";
import { type LiveCatalog, readLiveCatalog } from "../live-catalog";
import { type Plan, planCatalog } from "../plan";
import { hasWork, renderPlan } from "../plan-view";

export interface PlanCommandOptions extends ServiceOptions {
  prune?: boolean;
  reason?: string;
  dropUnknownMeta?: boolean;
}

export interface PreparedPlan {
  plan: Plan;
  live: LiveCatalog;
  client: CatalogClient;
}

/** Reads FILE and the live catalog and plans; a file or plan problem throws CatalogFileError (nothing is applied). */
export async function preparePlan(file: string, options: PlanCommandOptions, context: CliContext): Promise<PreparedPlan> {
  const { catalog, locate } = readCatalogFile(file);
  const client = serviceClient(options, context);
  const line = progress(context);
  const live = await readLiveCatalog(client, (done, total) => line.update(`reading the live catalog: ${done}/${total} models`));
  line.done();
  const plan = planCatalog(catalog, live, {
    now: context.now(),
    ...(options.prune !== undefined && { prune: options.prune }),
    ...(options.reason !== undefined && { reason: options.reason }),
    ...(options.dropUnknownMeta !== undefined && { dropUnknownMeta: options.dropUnknownMeta }),
  });
  if (plan.problems.length > 0) {
    throw new CatalogFileError(
      plan.problems.map(({ path, message }): FileIssue => (path ? { ...locate(path), message } : { file, path: "", message })),
    );
  }
  return { plan, live, client };
}

export async function planCommand(file: string, options: PlanCommandOptions, context: CliContext): Promise<number> {
  const { plan, client } = await preparePlan(file, options, context);
  context.stdout(`Plan for ${file} against ${client.url}\n\n${renderPlan(plan)}`);
  return hasWork(plan) ? EXIT.changes : EXIT.ok;
}
