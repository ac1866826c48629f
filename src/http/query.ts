/** Query strings with more parameters than any route's filters need are refused before anything parses them. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

const MAX_QUERY_PARAMETERS = 16;

export const boundedQuery = createMiddleware<AppEnv>(async (c, next) => {
  const url = c.req.url;
  if (url.includes("?") && new URL(url).searchParams.size > MAX_QUERY_PARAMETERS) {
    throw new ApiError("invalid_request", `at most ${MAX_QUERY_PARAMETERS} query parameters are accepted`);
  }
  await next();
});
