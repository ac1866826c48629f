/**
 * The RPC gate's ceiling: the production CatalogGate with one more method,
 * `noop`, that answers a constant allowed answer without deciding anything.
 * Same entrypoint, same binding, same answer size: the ratio checkAccess /
 * noop is what the decision costs over the binding. Only bench/worker.ts
 * exports it; the production entry (src/index.ts) never sees it. Its
 * checkAccess honours the soak's KV fault switch (bench/faults.ts).
 */
import type { CheckAccessInput, GateAnswer } from "../src/gate";
import { checkAccess } from "../src/gate/check-access";
import { CatalogGate } from "../src/gate/entrypoint";
import { faultedEnv } from "./faults";

const NOOP_ANSWER: GateAnswer = {
  allowed: true,
  status: 200,
  model_id: "",
  alias: null,
  access_status: "allowed",
  legacy_info: null,
  error: null,
};

export class BenchGate extends CatalogGate {
  /** CatalogGate's, with the soak's KV switch (bench/faults.ts) applied to its env. */
  override async checkAccess(input: CheckAccessInput): Promise<GateAnswer> {
    return checkAccess(faultedEnv(this.env), this.ctx, input);
  }

  async noop(input: CheckAccessInput): Promise<GateAnswer> {
    return { ...NOOP_ANSWER, model_id: input.modelId };
  }
}
