/**
 * `catalog apply FILE`: plans, then runs the steps one at a time through the
 * admin API. Each step carries an Idempotency-Key derived from the step itself
 * (a retry, or a re-run after a crash, cannot do it twice) and If-Match with
 * the row version the plan saw (then the version each step answered). A 412
 * stops at that step and says what changed; any failure says what was done and
 * what was not. Re-running apply plans again from the live catalog, so it
 * finishes the job, and on a finished job it has nothing to do.
 */
import { createHash } from "node:crypto";
import { type CliContext, EXIT, progress } from "../context";
import { type CatalogClient, CatalogHttpError } from "../http-client";
import { type AdminModel, aliasWithEtag, type LiveModel, toLiveModel } from "../live-catalog";
import { legacyChanges, metaChanges, type Plan, type Step, stepTarget } from "../plan";
import { describeChanges, describeStep, renderPlan } from "../plan-view";
import { type PlanCommandOptions, preparePlan } from "./plan";

export interface StepRequest {
  method: "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  body: unknown;
}

const modelPath = (id: string, action?: string) => `/admin/models/${encodeURIComponent(id)}${action ? `/${action}` : ""}`;
const aliasPath = (alias: string) => `/admin/aliases/${encodeURIComponent(alias)}`;

export function stepRequest(step: Step): StepRequest {
  switch (step.kind) {
    case "create":
      return { method: "POST", path: "/admin/models", body: step.body };
    case "update-meta":
      return { method: "PATCH", path: modelPath(step.model, "meta"), body: step.patch };
    case "mark-legacy":
      return { method: "POST", path: modelPath(step.model, "mark-legacy"), body: step.body };
    case "unmark-legacy":
      return { method: "POST", path: modelPath(step.model, "unmark-legacy"), body: {} };
    case "archive":
      return { method: "POST", path: modelPath(step.model, "archive"), body: { reason: step.reason } };
    case "unarchive":
      return { method: "POST", path: modelPath(step.model, "unarchive"), body: {} };
    case "alias-create":
    case "alias-repoint":
      return { method: "PUT", path: aliasPath(step.alias), body: { targetModelId: step.target, reason: "catalog apply" } };
    case "alias-delete":
      return { method: "DELETE", path: aliasPath(step.alias), body: { reason: step.reason } };
  }
}

/**
 * The same step against the same version always gets the same key; any other
 * request, another. A step with no version to expect (a create) is keyed to
 * the catalog version the plan saw instead, so a model or alias created,
 * removed and declared again later is not answered from the first time.
 */
export function idempotencyKey(request: StepRequest, ifMatch: string | undefined, catalogVersion?: string): string {
  const expected = ifMatch ?? `catalog ${catalogVersion ?? ""}`;
  const digest = createHash("sha256")
    .update(JSON.stringify([request.method, request.path, expected, request.body]))
    .digest("hex");
  return `catalog-apply-${digest.slice(0, 48)}`;
}

export async function applyCommand(file: string, options: PlanCommandOptions, context: CliContext): Promise<number> {
  const { plan, live, client } = await preparePlan(file, options, context);
  if (plan.steps.length === 0) {
    context.stdout(`Nothing to do: ${client.url} already matches ${file}.\n${renderPlan(plan)}`);
    return EXIT.ok;
  }
  context.stdout(`Applying ${file} to ${client.url}\n\n${renderPlan(plan)}\n`);
  const etags = await aliasEtags(client, plan);
  if ("stale" in etags) {
    context.stderr(`\nNothing was applied: ${etags.stale}. Run plan again to see the catalog as it is now.\n`);
    return EXIT.error;
  }
  const versions = { ...plan.versions };
  const done: Step[] = [];
  const line = progress(context);
  for (const [index, step] of plan.steps.entries()) {
    const counter = `[${index + 1}/${plan.steps.length}]`;
    line.update(`${counter} ${describeStep(step)}`);
    const request = stepRequest(step);
    const ifMatch =
      "model" in step ? (versions[step.model] === undefined ? undefined : `"${versions[step.model]}"`) : etags.get(step.alias);
    try {
      const answer = await client.request<{ model?: { row_version?: number } }>(request.method, request.path, {
        body: request.body,
        headers: {
          "Idempotency-Key": idempotencyKey(request, ifMatch, live.listEtag),
          ...(ifMatch !== undefined && { "If-Match": ifMatch }),
        },
      });
      const version = answer.body?.model?.row_version;
      if ("model" in step && typeof version === "number") versions[step.model] = version;
      if ("alias" in step) etags.set(step.alias, answer.headers.get("ETag") ?? undefined);
      done.push(step);
      line.done();
      context.stdout(`${counter} done: ${describeStep(step)}\n`);
    } catch (error) {
      line.done();
      if (!(error instanceof CatalogHttpError)) throw error;
      const why = error.status === 412 ? await staleMessage(client, step, live.models.get(stepTarget(step))) : error.message;
      context.stderr(failureReport(plan, done, step, why));
      return EXIT.error;
    }
  }
  context.stdout(`\nApplied ${done.length} step(s). A new plan of ${file} has nothing to do.\n`);
  return EXIT.ok;
}

/** The ETag of each alias the plan re-points or deletes; a message instead when one moved since the plan read it. */
async function aliasEtags(client: CatalogClient, plan: Plan): Promise<Map<string, string | undefined> | { stale: string }> {
  const etags = new Map<string, string | undefined>();
  for (const step of plan.steps) {
    if (step.kind !== "alias-repoint" && step.kind !== "alias-delete") continue;
    const seen = step.kind === "alias-repoint" ? step.from : step.target;
    const now = await aliasWithEtag(client, step.alias);
    if (now.targetModelId !== undefined && now.targetModelId !== seen) {
      return { stale: `alias ${step.alias} changed since the plan read it (target ${seen}, now ${now.targetModelId})` };
    }
    etags.set(step.alias, now.etag);
  }
  return etags;
}

/** What a concurrent writer changed, field by field, against what the plan saw. */
async function staleMessage(client: CatalogClient, step: Step, seen: LiveModel | undefined): Promise<string> {
  if (!("model" in step)) return `alias ${step.alias} changed since the plan read it (its ETag no longer matches)`;
  if (!seen) return `model ${step.model} changed since this run created it`;
  let now: LiveModel;
  try {
    now = toLiveModel((await client.get<{ model: AdminModel }>(modelPath(step.model))).body.model);
  } catch (error) {
    return `model ${step.model} changed since the plan read it (version ${seen.version}); reading it again failed: ${(error as Error).message}`;
  }
  const changes = [
    ...(seen.lifecycle !== now.lifecycle ? [{ field: "lifecycle", from: seen.lifecycle, to: now.lifecycle }] : []),
    ...metaChanges(seen.meta, now.meta),
    ...legacyChanges(seen.legacy ?? {}, now.legacy ?? {}),
  ];
  return [
    `model ${step.model} changed since the plan read it (version ${seen.version}, now ${now.version})${changes.length ? ":" : ""}`,
    ...describeChanges(changes, "    "),
  ].join("\n");
}

function failureReport(plan: Plan, done: Step[], failed: Step, why: string): string {
  const notDone = plan.steps.slice(done.length + 1);
  return [
    "",
    `Stopped at: ${describeStep(failed)}`,
    `  ${why.split("\n").join("\n  ")}`,
    "",
    `Done (${done.length}):${done.length ? "" : " nothing"}`,
    ...done.map((step) => `  done: ${describeStep(step)}`),
    `Not done (${notDone.length + 1}):`,
    `  not done: ${describeStep(failed)}`,
    ...notDone.map((step) => `  not done: ${describeStep(step)}`),
    "",
    "Nothing after the failed step was sent. Fix the cause (or re-run plan to see the catalog as it is now), then run apply again: it plans from the live catalog and finishes the job.",
    "",
  ].join("\n");
}
