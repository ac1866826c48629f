/** @jsxImportSource hono/jsx */
import type { MiddlewareHandler } from "hono";
import { CrossSiteRequest } from "../error-page";
import type { FormFields } from "../forms";
import { UI_ROOT } from "../layout";
import { type AdminUiEnv, CSRF_FIELD, csrfTokenMatches, endSession, sessionFromCookie } from "../session";
import { NotAdminSignIn } from "../sign-in/sign-in.view";

/** Every staff page needs a session; its POSTs also need the session's CSRF token. */
export const requireSession: MiddlewareHandler<AdminUiEnv> = async (c, next) => {
  const check = await sessionFromCookie(c);
  if (check.kind === "none") return c.redirect(`${UI_ROOT}/sign-in`, 303);
  if (check.kind === "invalid") {
    endSession(c);
    return c.redirect(`${UI_ROOT}/sign-in?session=expired`, 303);
  }
  if (check.kind === "not_admin") return c.html(<NotAdminSignIn principal={check.principal} />, 403);
  c.set("session", check.session);
  if (c.req.method === "POST") {
    const form: FormFields = await c.req.parseBody({ all: true });
    if (!csrfTokenMatches(check.session, form[CSRF_FIELD])) throw new CrossSiteRequest();
  }
  return next();
};
