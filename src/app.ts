/**
 * The application: shared middleware, then one router per resource. Tests
 * and the Worker entry point both build it with createApp().
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { authenticate } from "./auth/middleware";
import { loadConfig } from "./config";
import type { AppEnv } from "./http/context";
import { publicCors } from "./http/cors";
import { ApiError } from "./http/errors";
import { describeError, toApiError } from "./http/failures";
import type { ErrorBody, OpenAIError } from "./http/openapi";
import { boundedQuery } from "./http/query";
import { rateLimit } from "./http/rate-limit";
import { assignRequestId } from "./http/request-id";
import { allowedMethods, rejectInvalid } from "./http/router";
import { log } from "./log";
import { routers, routeTable } from "./routes";
import { adminUi, dashboardErrorPage, isDashboardPath } from "./routes/admin-ui";
import { isOpenAIPath, openAIErrorBody } from "./routes/openai-models/openai-error";
import { mountReference } from "./routes/reference";
import { Services } from "./services";

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });

  // Outermost, so errors and every other answer carry it too: no browser guesses a type from the bytes.
  app.use(async (c, next) => {
    await next();
    setHeader(c.res, "X-Content-Type-Options", "nosniff", (replaced) => {
      c.res = replaced;
    });
  });
  // Hono hands only Error instances to the error handler. The database driver can reject with a value that
  // is not one (a connection dropped mid-transaction): wrapped, it is answered like any other failure
  // (503 database_unavailable) instead of escaping as a bare 500.
  app.use(async (_c, next) => {
    try {
      await next();
    } catch (error) {
      throw error instanceof Error ? error : new Error(messageOf(error), { cause: error });
    }
  });
  app.use(assignRequestId);

  app.use(async (c, next) => {
    const loaded = loadConfig(c.env);
    if (!loaded.ok) {
      log.error("config_invalid", { problems: loaded.problems });
      throw new ApiError("service_unavailable", "the service is misconfigured");
    }
    c.set("config", loaded.config);
    const services = new Services(
      loaded.config,
      c.env.MODEL_CACHE,
      c.env.WEBHOOK_QUEUE,
      (p) => c.executionCtx.waitUntil(p),
      c.get("requestId"),
      c.get("clientRequestId"),
    );
    c.set("services", services);
    try {
      await next();
    } finally {
      services.close();
    }
  });

  // Public reads may be called from any browser origin; admin routes get no CORS headers at all.
  app.use("/v1/*", publicCors);
  app.use("/openai/*", publicCors);
  app.use("/admin/*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });

  app.use(boundedQuery);
  app.use(authenticate);
  // After authentication: tokens are counted by their verified subject, anonymous callers by IP.
  app.use(rateLimit);

  for (const router of routers) app.route("/", router);
  // The staff dashboard: HTML, not in the OpenAPI document; its session cookie is read there and nowhere else.
  app.route("/admin/ui", adminUi);
  mountReference(app);

  app.notFound((c) => {
    const { pathname } = new URL(c.req.url);
    const allow = allowedMethods(routeTable, pathname);
    if (allow.length > 0) {
      throw new ApiError("method_not_allowed", `${c.req.method} is not allowed on ${pathname}`, { headers: { Allow: allow.join(", ") } });
    }
    throw new ApiError("not_found", `no route for ${c.req.method} ${pathname}`);
  });

  app.onError((error, c) => {
    // Staff in a browser get a page, also when middleware before the dashboard's router failed.
    if (isDashboardPath(c.req.path)) return dashboardErrorPage(error, c);
    const apiError = toApiError(error);
    const requestId = c.get("requestId") ?? crypto.randomUUID();
    // model_unavailable is an expected answer of the access gate, not a failure of ours.
    if (apiError.status >= 500 && apiError.code !== "model_unavailable") {
      // The cause, described without stack, SQL or secrets (describeError); the request id ties it to the response.
      log.error("request_failed", {
        requestId,
        clientRequestId: c.get("clientRequestId"),
        code: apiError.code,
        method: c.req.method,
        path: c.req.path.slice(0, 200),
        error: describeError(apiError.cause ?? error),
      });
    }
    const body: ErrorBody | OpenAIError = isOpenAIPath(c.req.path)
      ? openAIErrorBody(apiError, c.req.path)
      : {
          error: {
            code: apiError.code,
            message: apiError.message,
            request_id: requestId,
            ...(apiError.options.details === undefined ? {} : { details: apiError.options.details }),
          },
        };
    const headers: Record<string, string> = { "X-Request-Id": requestId, "Cache-Control": "no-store", ...apiError.options.headers };
    return c.json(body, apiError.status, headers);
  });

  return app;
}

/** Sets a header, also on a Response whose headers are immutable (one from fetch, such as a static asset). */
function setHeader(response: Response, name: string, value: string, replace: (response: Response) => void) {
  try {
    response.headers.set(name, value);
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(name, value);
    replace(copy);
  }
}

function messageOf(thrown: unknown): string {
  const message = (thrown as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(thrown);
}
