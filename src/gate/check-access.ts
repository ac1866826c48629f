/**
 * CatalogGate.checkAccess, outside the HTTP stack: the same token
 * verification and the same decision as GET /v1/models/{id}/access, and
 * every failure (bad input, bad token, our own outage) as the refusal the
 * HTTP gate would answer. Nothing is ever thrown to the calling Worker.
 */
import { verifyToken } from "../auth/jwt";
import { loadConfig } from "../config";
import { ModelIdSchema } from "../domain/model-meta";
import { ApiError } from "../http/errors";
import { describeError, toApiError } from "../http/failures";
import { log } from "../log";
import { Services } from "../services";
import { CheckAccessInputSchema, type GateAnswer } from "./answer";
import { answerOf, refusedAnswer } from "./decision";
import { checkGate, gateUsage } from "./gate";
import type { UsageCounter } from "./usage-counter";

export async function checkAccess(env: Env, ctx: ExecutionContext, input: unknown, counter: UsageCounter = gateUsage): Promise<GateAnswer> {
  const requestId = crypto.randomUUID();
  const given = (input as { modelId?: unknown } | null)?.modelId;
  // Echoed back as model_id; an id longer than any model id is cut (it is refused anyway).
  const asked = typeof given === "string" ? given.slice(0, 200) : "";
  const parsed = CheckAccessInputSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues
      .slice(0, 20)
      .map(({ code, path, message }) => ({ code, path: path.map((key) => (typeof key === "number" ? key : String(key))), message }));
    return refusedAnswer(asked, new ApiError("invalid_request", "invalid checkAccess input: {modelId, token?}", { details }), requestId);
  }
  // As on the HTTP path: an id that cannot be a model id names no model.
  if (!ModelIdSchema.safeParse(parsed.data.modelId).success)
    return refusedAnswer(asked, new ApiError("not_found", "no such model"), requestId);
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    log.error("config_invalid", { problems: loaded.problems });
    return refusedAnswer(asked, new ApiError("service_unavailable", "the service is misconfigured"), requestId);
  }
  const waitUntil = (promise: Promise<unknown>) => ctx.waitUntil(promise);
  const services = new Services(loaded.config, env.MODEL_CACHE, env.WEBHOOK_QUEUE, waitUntil, requestId);
  try {
    const token = parsed.data.token;
    const principal = token === undefined || token === null ? null : await verifyToken(token, loaded.config);
    const { decision } = await checkGate(services.catalog, parsed.data.modelId, principal, { queue: env.USAGE_QUEUE, waitUntil }, counter);
    return answerOf(decision, requestId);
  } catch (error) {
    const refusal = toApiError(error);
    if (refusal.status >= 500) {
      log.error("gate_check_failed", { requestId, transport: "rpc", code: refusal.code, error: describeError(refusal.cause ?? error) });
    }
    return refusedAnswer(asked, refusal, requestId);
  } finally {
    services.close();
  }
}
