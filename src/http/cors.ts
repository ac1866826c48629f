/**
 * CORS for the public reads: any origin, no credentials. The headers go in
 * with c.header before the handler runs, so they are part of the one
 * response the handler builds. (Hono's cors() sets them on c.res before
 * next(), which makes Hono create a placeholder Response and then copy its
 * headers into the real one: 10–25 µs of the ~60–75 µs the app spends on a
 * gate or detail request in workerd; docs/benchmarks.md, seventh round.)
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";

const ALLOW_METHODS = "GET,HEAD,OPTIONS";
const ALLOW_HEADERS = "Authorization,If-None-Match";
const EXPOSE_HEADERS = "ETag,X-Cache,X-Request-Id,Deprecation,Sunset,Link";
/** How long a browser may keep a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = "86400";

export const publicCors = createMiddleware<AppEnv>(async (c, next) => {
  c.header("Access-Control-Allow-Origin", "*");
  c.header("Access-Control-Expose-Headers", EXPOSE_HEADERS);
  if (c.req.method !== "OPTIONS") return next();
  // A preflight is answered here: no route handles OPTIONS.
  c.header("Access-Control-Max-Age", PREFLIGHT_MAX_AGE);
  c.header("Access-Control-Allow-Methods", ALLOW_METHODS);
  c.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
  c.header("Vary", "Access-Control-Request-Headers", { append: true });
  return c.body(null, 204);
});
