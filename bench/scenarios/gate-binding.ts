/**
 * (r) the gate over the service binding, called from the example inference
 * Worker, against a no-op method on the same entrypoint (bench/gate.ts);
 * (e-on) the HTTP gate with usage counting on, against itself with counting
 * off (e-off): what counting costs; (e-anon) the same gate without a token:
 * what verifying it costs. With each row's workerd CPU per request, that is
 * where the HTTP gate's time goes (docs/benchmarks.md).
 */
import type { CatalogSample } from "../catalog-sample";
import { inRounds, type Stage } from "../measure";

/** Binding calls per HTTP request to the inference Worker: enough that the load generator's HTTP does not hide them. */
export const RPC_CALLS_PER_REQUEST = 20;

/** Gate paths a caller without a token (the free tier) is allowed on. */
function freeGatePaths(sample: CatalogSample): string[] {
  const listed = JSON.parse(new TextDecoder().decode(sample.anonymousList)) as {
    models: Array<{ id: string; access_status: string; is_available: boolean }>;
  };
  const free = listed.models.filter((m) => m.access_status === "allowed" && m.is_available);
  const step = Math.max(1, Math.floor(free.length / 500));
  return free
    .filter((_, i) => i % step === 0)
    .slice(0, 500)
    .map((m) => `/v1/models/${m.id}/access`);
}

export async function gateBinding(stage: Stage, sample: CatalogSample) {
  const { base, pro } = stage;
  const ids = sample.gatePaths.map((path) => decodeURIComponent(path.split("/")[3] ?? ""));
  const rpcOf = (method: string, list: string[]) =>
    list.map((id) => `/__bench/rpc/${method}?model=${encodeURIComponent(id)}&calls=${RPC_CALLS_PER_REQUEST}`);
  const rpc = (method: string) => rpcOf(method, ids);
  const { aliases, targets } = sample.aliasIds;
  const gateOn = (list: string[]) => list.map((id) => `/v1/models/${encodeURIComponent(id)}/access`);
  const aliasNote = `${aliases.length} bench aliases (bench-alias-N) round-robin`;
  const counting = (state: "on" | "off") => async () => {
    const response = await fetch(stage.url(`/__bench/counting/${state}`), { method: "PUT" });
    if (!response.ok) throw new Error(`PUT /__bench/counting/${state}: ${response.status}`);
  };
  const note = `${ids.length} allowed ids round-robin, pro token, ${RPC_CALLS_PER_REQUEST} sequential calls per request (calls/s = req/s × ${RPC_CALLS_PER_REQUEST})`;
  const rows = await inRounds(stage, [
    {
      key: "hr",
      label: "(h-r) ceiling: BenchGate.noop over the binding",
      spec: { ...base, paths: rpc("noop"), headers: pro },
      note,
    },
    {
      key: "r",
      label: "(r) CatalogGate.checkAccess over the binding",
      spec: { ...base, paths: rpc("checkAccess"), headers: pro },
      note,
      ceiling: "hr",
    },
    {
      key: "r-target",
      label: "(r-target) checkAccess on the aliases' targets",
      spec: { ...base, paths: rpcOf("checkAccess", targets), headers: pro },
      note: `the ${targets.length} models the bench aliases point at, round-robin`,
    },
    {
      key: "r-alias",
      label: "(r-alias) checkAccess on their aliases",
      spec: { ...base, paths: rpcOf("checkAccess", aliases), headers: pro },
      note: aliasNote,
      ceiling: "r-target",
    },
  ]);
  rows.push(
    ...(await inRounds(stage, [
      {
        key: "e-off",
        label: "(e-off) HTTP gate, usage counting off",
        spec: { ...base, paths: sample.gatePaths, headers: pro },
        note: "the bench Worker's count() replaced by a no-op",
        before: counting("off"),
      },
      {
        key: "e-on",
        label: "(e-on) HTTP gate, usage counting on",
        spec: { ...base, paths: sample.gatePaths, headers: pro },
        note: "as in production",
        before: counting("on"),
        ceiling: "e-off",
      },
      {
        key: "e-anon",
        label: "(e-anon) HTTP gate, anonymous (no token to verify)",
        spec: { ...base, paths: freeGatePaths(sample) },
        note: "counting on; the difference to (e-on) is the JWT verification",
        before: counting("on"),
      },
      {
        key: "e-target",
        label: "(e-target) HTTP gate on the aliases' targets, pro",
        spec: { ...base, paths: gateOn(targets), headers: pro },
        note: `the ${targets.length} models the bench aliases point at, round-robin`,
        before: counting("on"),
      },
      {
        key: "e-alias",
        label: "(e-alias) HTTP gate on their aliases, pro",
        spec: { ...base, paths: gateOn(aliases), headers: pro },
        note: aliasNote,
        ceiling: "e-target",
        before: counting("on"),
      },
    ])),
  );
  await counting("on")();
  return rows;
}
