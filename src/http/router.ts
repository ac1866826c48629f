/**
 * Routers: OpenAPIHono with this API's 400 answer for anything a route's
 * request schema refuses. Every route is declared with createRoute, so the
 * OpenAPI document is generated from the same schemas that validate.
 */
import { OpenAPIHono, type OpenAPIHonoOptions, type RouteConfig, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

/** A hostile request must not get a huge answer (zod lists every unknown key): bounded details. */
const MAX_DETAILS = 20;
const MAX_DETAIL_MESSAGE = 300;

const TARGET_NAMES: Record<string, string> = { json: "request body", query: "query", header: "header" };

export const rejectInvalid: NonNullable<OpenAPIHonoOptions<AppEnv>["defaultHook"]> = (result) => {
  if (result.success) return;
  // A path id that cannot be a model id names no model: 404 without a lookup, as for any unknown model.
  if (result.target === "param") throw new ApiError("not_found", "no such model");
  throw new ApiError("invalid_request", `invalid ${TARGET_NAMES[result.target] ?? result.target}`, {
    details: result.error.issues.slice(0, MAX_DETAILS).map(({ code, path, message }) => ({
      code,
      path,
      message: message.length > MAX_DETAIL_MESSAGE ? `${message.slice(0, MAX_DETAIL_MESSAGE)}…` : message,
    })),
  });
};

export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** A path template of the document (`/v1/models/{id}`) as a matcher of request paths. */
const templatePattern = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);

/**
 * The methods declared for a request path, for the Allow field of a 405
 * (HEAD wherever GET is: Hono answers it); empty when no route has the path.
 */
export function allowedMethods(routes: readonly { method: string; path: string }[], pathname: string): string[] {
  const methods = new Set(routes.filter(({ path }) => templatePattern(path).test(pathname)).map(({ method }) => method.toUpperCase()));
  if (methods.has("GET")) methods.add("HEAD");
  return ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"].filter((method) => methods.has(method));
}
