/**
 * The staff dashboard at /admin/ui: server-rendered HTML, plain forms
 * (POST, then a 303 back to a page), no client build step. Not part of the
 * OpenAPI document: it answers HTML, never JSON.
 *
 * Every write goes through the same Lifecycle service as the JSON API, with
 * the API's zod schemas, as the signed-in token's subject. Every failure is
 * a page: a refusal, a form with errors beside its fields, or an error page
 * with the request id; never a blank page or a JSON body.
 *
 * A folder per page (index.ts wiring, handlers, view); a new page is its
 * folder and one line in STAFF_PAGES (and one in layout.tsx's SECTIONS if
 * the top bar links to it).
 */
import { Hono } from "hono";
import { ApiError } from "../../http/errors";
import { aliasesPage } from "./aliases";
import { dashboardErrorPage } from "./error-page";
import { UI_ROOT } from "./layout";
import { formBodyLimit } from "./middleware/body-limit";
import { originCheck } from "./middleware/origin-check";
import { requireSession } from "./middleware/require-session";
import { securityHeaders } from "./middleware/security-headers";
import { modelPage } from "./model";
import { modelsPage } from "./models";
import type { AdminUiEnv } from "./session";
import { signInPage, signOutAction } from "./sign-in";
import { sunsetsPage } from "./sunsets";

/** Pages anyone may load. */
const PUBLIC_PAGES = [signInPage];
/** Pages behind the session check (and, for their forms, the CSRF token). */
const STAFF_PAGES = [signOutAction, modelsPage, modelPage, sunsetsPage, aliasesPage];

export const adminUi = new Hono<AdminUiEnv>();

adminUi.use(securityHeaders, formBodyLimit, originCheck);
adminUi.get("/", (c) => c.redirect(`${UI_ROOT}/models`, 303));
for (const page of PUBLIC_PAGES) adminUi.route("/", page);
adminUi.use(requireSession);
for (const page of STAFF_PAGES) adminUi.route("/", page);

adminUi.all("*", () => {
  throw new ApiError("not_found", "There is no such page in the dashboard.");
});

adminUi.onError(dashboardErrorPage);

export const isDashboardPath = (path: string) => path === UI_ROOT || path.startsWith(`${UI_ROOT}/`);
export { dashboardErrorPage };
