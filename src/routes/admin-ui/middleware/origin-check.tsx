/** @jsxImportSource hono/jsx */
import type { MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { CrossSiteRequest } from "../error-page";
import { MessagePage } from "../message-page";

const FORM_CONTENT_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;
const sameOrigin = csrf();

/**
 * CSRF, first check: a state change must be an HTML form from this origin
 * (Origin or Sec-Fetch-Site), whatever the cookie. The second check, the
 * session's CSRF token, is in require-session.
 */
export const originCheck: MiddlewareHandler = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  if (!FORM_CONTENT_TYPE.test(c.req.header("Content-Type") ?? "")) {
    return c.html(<MessagePage title="Not a form" message="The dashboard accepts only HTML form submissions." />, 415);
  }
  try {
    await sameOrigin(c, async () => {});
  } catch (error) {
    if (error instanceof HTTPException) throw new CrossSiteRequest();
    throw error;
  }
  return next();
};
