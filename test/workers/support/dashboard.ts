/** The staff dashboard (/admin/ui) as a signed-in browser uses it: the sign-in form, pages, and forms with their CSRF token. */
import { UI_ROOT } from "../../../src/routes/admin-ui/layout";
import { CSRF_FIELD, SESSION_COOKIE } from "../../../src/routes/admin-ui/session";
import { adminToken, BASE_URL, call } from "./client";

export { SESSION_COOKIE, UI_ROOT as UI };

/** Signs in through the sign-in form; returns the session cookie (name=value) and the raw Set-Cookie header. */
export async function signIn(token?: string) {
  const response = await call(`${UI_ROOT}/sign-in`, {
    method: "POST",
    body: new URLSearchParams({ token: token ?? (await adminToken()) }),
    headers: { Origin: BASE_URL, "Content-Type": "application/x-www-form-urlencoded" },
  });
  const setCookie = response.headers.get("Set-Cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  if (response.status !== 303 || !cookie.startsWith(`${SESSION_COOKIE}=`)) {
    throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  }
  return { cookie, setCookie };
}

/** The CSRF token a dashboard page embeds in its forms. */
export function csrfTokenIn(html: string): string {
  const match = new RegExp(`name="${CSRF_FIELD}" value="([^"]+)"`).exec(html);
  if (!match?.[1]) throw new Error("no CSRF token on the page");
  return match[1];
}

/** A dashboard page as a signed-in browser would load it. */
export async function uiGet(path: string, cookie: string) {
  const response = await call(path, { headers: { Cookie: cookie } });
  return { response, html: await response.text() };
}

/** Submits a dashboard form the way the browser does: same origin, the session cookie, the page's CSRF token. */
export async function uiPost(
  path: string,
  cookie: string,
  fields: Record<string, string | string[]>,
  options: { csrf?: string | null; origin?: string | null; fetchSite?: string } = {},
) {
  const body = new URLSearchParams();
  if (options.csrf !== null) body.set(CSRF_FIELD, options.csrf ?? csrfTokenIn((await uiGet(`${UI_ROOT}/models`, cookie)).html));
  for (const [key, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(key, item);
  const headers: Record<string, string> = { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" };
  if (options.origin !== null) headers.Origin = options.origin ?? BASE_URL;
  if (options.fetchSite) headers["Sec-Fetch-Site"] = options.fetchSite;
  return call(path, { method: "POST", body, headers });
}

/** The HTML of one <dialog> of a page, by its DOM name (`dialog-<name>`); "" when the page has none. */
export function dialogIn(html: string, name: string): string {
  const start = html.indexOf(`<dialog id="dialog-${name}"`);
  return start < 0 ? "" : html.slice(start, html.indexOf("</dialog>", start) + "</dialog>".length);
}

/** Whether the page renders that dialog open (a form that came back). */
export const isDialogOpen = (html: string, name: string) => /^<dialog [^>]*\bopen=""/.test(dialogIn(html, name));

/** The error shown beside a field (`<id>-error`), undefined when there is none. */
export function fieldErrorIn(html: string, fieldId: string): string | undefined {
  return new RegExp(`<p id="${fieldId.replace(/[.:]/g, "\\$&")}-error" class="field-error">([^<]*)</p>`).exec(html)?.[1];
}

/** The value attribute of an input, by id. */
export function inputValueIn(html: string, fieldId: string): string | undefined {
  const tag = new RegExp(`<input[^>]*id="${fieldId.replace(/[.:]/g, "\\$&")}"[^>]*>`).exec(html)?.[0];
  return tag && /value="([^"]*)"/.exec(tag)?.[1];
}
