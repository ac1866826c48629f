/**
 * A tiny inference Worker: POST /v1/chat/completions {"model", ...} asks the
 * catalog's gate over the CATALOG service binding, refuses what the catalog
 * refuses (same status, the catalog's error, the successor named for an
 * archived model) and otherwise names the model inference runs. Only types
 * come from the catalog's code: the binding is the whole interface.
 */
import type { CatalogGate, GateAnswer } from "../../../src/gate";

export interface InferenceEnv {
  CATALOG: Service<CatalogGate>;
}

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });

/** The bearer token as sent, or null; the gate verifies it (a malformed one is refused there as over HTTP). */
function bearerOf(request: Request): string | null {
  const header = request.headers.get("Authorization");
  if (header === null) return null;
  return /^Bearer +(\S*) *$/i.exec(header)?.[1] ?? "";
}

/** Where the catalog sends callers of an archived model, if anywhere. */
function successorOf(gate: GateAnswer): string | undefined {
  const details = gate.error?.details as { replacement_model_id?: unknown } | undefined;
  return typeof details?.replacement_model_id === "string" ? details.replacement_model_id : undefined;
}

export default {
  async fetch(request: Request, env: InferenceEnv): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return json({ error: { code: "not_found", message: "POST /v1/chat/completions" } }, 404);
    }
    const body = (await request.json().catch(() => null)) as { model?: unknown } | null;
    if (typeof body?.model !== "string") return json({ error: { code: "invalid_request", message: "model is required" } }, 400);

    const gate = await env.CATALOG.checkAccess({ modelId: body.model, token: bearerOf(request) });
    if (!gate.allowed) {
      const successor = successorOf(gate);
      return json({ error: gate.error, ...(successor && { successor }) }, gate.status, {
        ...(successor && { Link: `</v1/models/${successor}>; rel="successor-version"` }),
      });
    }
    // A real Worker would run gate.model_id here (the resolved model, also when an alias was asked for).
    return json(
      {
        object: "chat.completion",
        model: gate.model_id,
        requested: gate.alias ?? gate.model_id,
        ...(gate.legacy_info && { deprecation: gate.legacy_info }),
      },
      200,
    );
  },
} satisfies ExportedHandler<InferenceEnv>;
