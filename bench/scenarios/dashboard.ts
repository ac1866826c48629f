/**
 * Bench scenario (i): the staff dashboard's models page, target p95 < 100 ms
 * at 10,000 models (issue 13). Signs in through the sign-in form like a
 * browser, then loads the models page with the session cookie, cycling
 * through the views staff use: the first page, each status, a provider, a
 * tier, an id search and a page deep in the list (keyset cursor). Every one
 * runs its page query and its match count against the database; nothing on
 * this page is cached. /healthz (one query) is run the same way right after,
 * as a reference: on a loaded machine both move together.
 */
import type { LoadSpec } from "../load";
import { report, type Stage } from "../measure";
import { progress } from "../output";
import type { ScenarioRow } from "../report";

export const DASHBOARD_P95_TARGET_MS = 100;

const MODELS_PAGE_PATHS = [
  "/admin/ui/models",
  "/admin/ui/models?status=active",
  "/admin/ui/models?status=legacy",
  "/admin/ui/models?status=archived",
  "/admin/ui/models?provider=openai",
  "/admin/ui/models?tier=pro",
  "/admin/ui/models?q=synthetic-0042",
  "/admin/ui/models?after=synthetic-05000",
  "/admin/ui/models?status=legacy&tier=enterprise_pro&after=synthetic-02000",
];

export async function dashboardModelsPage(stage: Stage): Promise<ScenarioRow> {
  const { baseUrl } = stage.worker;
  const options = { ...stage.base, generator: stage.generator };
  progress(`${stage.tag} (i) dashboard models page: ${options.durationSeconds} s…`);
  const signIn = await fetch(`${baseUrl}/admin/ui/sign-in`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl },
    body: new URLSearchParams({ token: stage.admin.Authorization.slice("Bearer ".length) }),
    redirect: "manual",
  });
  const cookie = signIn.headers.get("Set-Cookie")?.split(";")[0];
  if (signIn.status !== 303 || !cookie)
    throw new Error(`dashboard sign-in answered ${signIn.status}: ${(await signIn.text()).slice(0, 200)}`);
  for (const path of MODELS_PAGE_PATHS) {
    const check = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
    const html = await check.text();
    if (check.status !== 200 || !/models? match/.test(html)) throw new Error(`GET ${path} answered ${check.status}, not a models page`);
  }
  const spec: LoadSpec = {
    paths: MODELS_PAGE_PATHS,
    headers: { Cookie: cookie },
    connections: options.connections,
    durationSeconds: options.durationSeconds,
  };
  // Warm the isolate and the database's caches, as the other scenarios do.
  await options.generator.run(baseUrl, { ...spec, durationSeconds: Math.min(2, options.durationSeconds) });
  const result = await options.generator.run(baseUrl, spec);
  const errors: string[] = [];
  if (result.badStatus) errors.push(`${result.badStatus} non-2xx`);
  if (result.socketErrors) errors.push(`${result.socketErrors} socket errors/timeouts`);
  if (result.requests === 0) errors.push(`no request completed in ${spec.durationSeconds} s`);
  // The simplest database-backed route under the same load, right after: tells the page's cost from the machine's.
  const reference = await options.generator.run(baseUrl, { ...spec, paths: ["/healthz"], headers: {} });
  const met = result.p95 < DASHBOARD_P95_TARGET_MS;
  const row: ScenarioRow = {
    key: "i",
    label: "(i) dashboard models page, signed in",
    connections: spec.connections,
    requests: result.requests,
    rps: result.requests / result.seconds,
    mbps: result.bytes / result.seconds / 1e6,
    p50: result.p50,
    p95: result.p95,
    p99: result.p99,
    note:
      `${MODELS_PAGE_PATHS.length} views round-robin (filters, search, deep keyset page); target p95 < ${DASHBOARD_P95_TARGET_MS} ms ${met ? "met" : "NOT met"}; ` +
      `/healthz (one query) under the same load: p50 ${reference.p50.toFixed(1)} / p95 ${reference.p95.toFixed(1)} ms`,
    errors,
  };
  report(stage, row);
  return row;
}
