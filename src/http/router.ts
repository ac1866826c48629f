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
