/**
 * The gate as a service binding (spec Part 3 "The gate as a service
 * binding"): an inference Worker binds this entrypoint
 * (`[[services]] ... entrypoint = "CatalogGate"`, docs/gate.md) and calls
 * checkAccess before every completion, without an HTTP request.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { CheckAccessInput, GateAnswer } from "./answer";
import { checkAccess } from "./check-access";

export class CatalogGate extends WorkerEntrypoint<Env> {
  /** The HTTP gate's decision and status for `modelId` and the caller's bearer token (without "Bearer "). Never throws. */
  async checkAccess(input: CheckAccessInput): Promise<GateAnswer> {
    return checkAccess(this.env, this.ctx, input);
  }
}
