import type { Principal } from "../auth/principal";
import type { Config } from "../config";
import type { Services } from "../services";

export interface AppEnv {
  Bindings: Env & { JWT_JWKS_URL?: string; JWT_ISSUER?: string; JWT_AUDIENCE?: string; LOCAL_DEV?: string };
  Variables: {
    requestId: string;
    config: Config;
    services: Services;
    /** The verified caller, or null for an anonymous request. */
    principal: Principal | null;
  };
}
