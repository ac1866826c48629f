/**
 * Routers: OpenAPIHono with this API's 400 answer for anything a route's
 * request schema refuses. Every route is declared with createRoute, so the
 * OpenAPI document is generated from the same schemas that validate.
 */
import { OpenAPIHono, type OpenAPIHonoOptions, type RouteConfig, type RouteHandler } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

/** A hostile request must not get a huge answer (zod lists every unknown key): bounded details. */
const MAX_DETAILS = 20;
const MAX_DETAIL_MESSAGE = 300;

const TARGET_NAMES: Record<string, string> = { json: "request body", query: "query", header: "header" };

/** The answer to a request part its schema refuses. */
function refuse(target: string, error: z.ZodError): never {
  // A path id that cannot be a model id names no model: 404 without a lookup, as for any unknown model.
  if (target === "param") throw new ApiError("not_found", "no such model");
  throw new ApiError("invalid_request", `invalid ${TARGET_NAMES[target] ?? target}`, {
    details: error.issues.slice(0, MAX_DETAILS).map(({ code, path, message }) => ({
      code,
      path,
      message: message.length > MAX_DETAIL_MESSAGE ? `${message.slice(0, MAX_DETAIL_MESSAGE)}…` : message,
    })),
  });
}

export const rejectInvalid: NonNullable<OpenAPIHonoOptions<AppEnv>["defaultHook"]> = (result) => {
  if (!result.success) refuse(result.target, result.error);
};

type Target = "query" | "param" | "header";
type RequestParts = NonNullable<RouteConfig["request"]>;

/** What a request carries for a target, as @hono/zod-validator reads it (repeated query keys: an array). */
function requestValue(c: Context<AppEnv>, target: Target, declaredHeaders: readonly string[]): Record<string, unknown> {
  if (target === "param") return c.req.param();
  if (target === "query") {
    if (!c.req.url.includes("?")) return {};
    return Object.fromEntries(Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
  }
  // Only the declared fields: the schemas are plain objects, which drop any other header anyway.
  const value: Record<string, string> = {};
  for (const name of declaredHeaders) {
    const field = c.req.header(name);
    if (field !== undefined) value[name] = field;
  }
  return value;
}

/**
 * One synchronous check of a route's path, query and headers, in place of
 * @hono/zod-openapi's three async validators (each awaits its parse and its
 * hook, and the header one copies every request header first): the same
 * schemas, the same order, the same answers through rejectInvalid, the
 * results where `c.req.valid()` reads them. Bodies stay with the library.
 */
function requestPartsCheck(request: RequestParts): MiddlewareHandler<AppEnv> | undefined {
  const parts = (
    [
      ["query", request.query],
      ["param", request.params],
      ["header", request.headers],
    ] as const
  ).filter((part): part is readonly [Target, z.ZodObject] => part[1] !== undefined);
  if (parts.length === 0) return undefined;
  const declaredHeaders = Object.keys((request.headers as z.ZodObject | undefined)?.shape ?? {});
  return (c, next) => {
    for (const [target, schema] of parts) {
      const result = schema.safeParse(requestValue(c, target, declaredHeaders));
      if (!result.success) refuse(target, result.error);
      c.req.addValidatedData(target, result.data);
    }
    return next();
  };
}

class Router extends OpenAPIHono<AppEnv> {
  constructor() {
    super({ defaultHook: rejectInvalid });
    const declare = this.openapi;
    this.openapi = ((route: RouteConfig, handler: never, hook: never) => {
      const { body, ...parts } = route.request ?? {};
      const check = requestPartsCheck(parts);
      if (!check) return declare(route, handler, hook);
      // The document keeps the whole declaration; the library validates only the body.
      const { middleware, hide, ...declared } = route;
      if (!hide) this.openAPIRegistry.registerPath(declared);
      const before = middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware];
      return declare({ ...route, hide: true, request: body ? { body } : undefined, middleware: [...before, check] }, handler, hook);
    }) as typeof this.openapi;
  }
}

export const createRouter = (): OpenAPIHono<AppEnv> => new Router();

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
