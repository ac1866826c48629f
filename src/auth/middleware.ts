import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { bearerToken, verifyToken } from "./jwt";

/** Verifies a token when one is sent; a bad token is a 401, never a silent downgrade to anonymous. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
  c.set("principal", token ? await verifyToken(token, c.get("config")) : null);
  await next();
});

/** For /admin/*: a valid token with role admin or super_admin. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const principal = c.get("principal");
  if (!principal) {
    throw new ApiError("unauthorized", "an admin token is required", { headers: { "WWW-Authenticate": "Bearer" } });
  }
  if (!principal.isAdmin) throw new ApiError("forbidden", "this endpoint requires the admin role");
  await next();
});
