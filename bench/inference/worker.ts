/**
 * The example inference Worker (examples/inference-worker) as the bench runs
 * it, next to the catalog in one `wrangler dev` (an auxiliary Worker): its
 * CATALOG binding points at bench/gate.ts's BenchGate, and one bench route
 * calls the binding from here, many times per request, so the load
 * generator's HTTP does not hide the RPC:
 *
 * GET /__bench/rpc/:method?model=ID&calls=N   N sequential calls of
 *     CATALOG.checkAccess or CATALOG.noop with the request's bearer token
 *
 * The catalog's bench Worker forwards /__bench/rpc/* here (BENCH_INFERENCE).
 */

import example from "../../examples/inference-worker/src/index";
import type { GateAnswer } from "../../src/gate";
import type { BenchGate } from "../gate";

interface Env {
  CATALOG: Service<BenchGate>;
}

const METHODS = { checkAccess: "checkAccess", noop: "noop" } as const;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const method = METHODS[url.pathname.slice("/__bench/rpc/".length) as keyof typeof METHODS];
    if (!url.pathname.startsWith("/__bench/rpc/")) return example.fetch(request, env);
    if (!method) return new Response("GET /__bench/rpc/checkAccess|noop\n", { status: 404 });
    const modelId = url.searchParams.get("model") ?? "";
    const calls = Math.min(1000, Math.max(1, Number(url.searchParams.get("calls")) || 1));
    const token = /^Bearer +(\S*)$/i.exec(request.headers.get("Authorization") ?? "")?.[1] ?? null;
    let allowed = 0;
    for (let i = 0; i < calls; i++) {
      const answer: GateAnswer = await env.CATALOG[method]({ modelId, token });
      if (answer.allowed) allowed++;
    }
    // Any refusal is an error for the bench (the load generator counts non-2xx).
    return new Response(`${allowed}/${calls}\n`, { status: allowed === calls ? 200 : 500, headers: { "Cache-Control": "no-store" } });
  },
} satisfies ExportedHandler<Env>;
