import type { Principal } from "../auth/principal";
import type { Config } from "../config";
import type { Claim } from "../db/idempotency-keys";
import type { Services } from "../services";

export interface AppEnv {
  Bindings: Env & { JWT_JWKS_URL?: string; JWT_ISSUER?: string; JWT_AUDIENCE?: string; LOCAL_DEV?: string };
  Variables: {
    /** Ours, made per request: the audit key (src/http/request-id.ts). */
    requestId: string;
    /** The client's X-Request-Id, when it was safe to keep. */
    clientRequestId: string | undefined;
    config: Config;
    services: Services;
    /** This request's Idempotency-Key claim, if it sent one (src/http/idempotency.ts). */
    idempotencyClaim?: Claim;
    /** The verified caller, or null for an anonymous request. */
    principal: Principal | null;
  };
}
