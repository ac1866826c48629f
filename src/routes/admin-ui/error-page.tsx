/** @jsxImportSource hono/jsx */
/**
 * Every failure on a dashboard path as a page: the dashboard's own, and the
 * app's middleware that runs before it (configuration, query-string bounds),
 * which the app's error handler hands over here.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../http/context";
import { describeError, toApiError } from "../../http/failures";
import { log } from "../../log";
import { MessagePage } from "./message-page";
import type { StaffSession } from "./session";

/** A state change that did not come from a dashboard page (origin or CSRF token). */
export class CrossSiteRequest extends Error {}

const ERROR_TITLES: Partial<Record<number, string>> = { 404: "Not found", 409: "Conflict", 503: "Temporarily unavailable" };

export function dashboardErrorPage<E extends AppEnv>(error: unknown, c: Context<E>) {
  // Set once the session was checked; before that (or on the sign-in page) the page has no session bar.
  const session = (c.var as { session?: StaffSession }).session;
  if (error instanceof CrossSiteRequest) {
    return c.html(
      <MessagePage
        title="Request refused"
        message="This request did not come from a dashboard page (a cross-site request or a stale form), so nothing was changed. Reload the page and try again."
        session={session}
      />,
      403,
    );
  }
  const requestId = c.get("requestId");
  const apiError = toApiError(error);
  if (apiError.status < 500) {
    return c.html(
      <MessagePage
        title={ERROR_TITLES[apiError.status] ?? "Request refused"}
        message={apiError.message}
        session={session}
        requestId={requestId}
      />,
      apiError.status as ContentfulStatusCode,
    );
  }
  log.error("request_failed", {
    requestId,
    code: apiError.code,
    method: c.req.method,
    path: c.req.path.slice(0, 200),
    error: describeError(apiError.cause ?? error),
  });
  const unavailable = apiError.status === 503;
  return c.html(
    <MessagePage
      title={unavailable ? "Temporarily unavailable" : "Something went wrong"}
      message={
        unavailable
          ? `${apiError.message}. Nothing was lost; try again in a moment.`
          : "The dashboard could not complete this request. Nothing was changed unless the page says so; try again."
      }
      session={session}
      requestId={requestId}
    />,
    unavailable ? 503 : 500,
  );
}
