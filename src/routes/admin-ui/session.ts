/**
 * The dashboard's session: the admin JWT itself, in an HttpOnly,
 * SameSite=Strict cookie scoped to /admin that expires with the token. Every
 * request re-verifies it like any admin token (src/auth/jwt.ts), so expiry,
 * revocation of the signing key and role checks behave exactly as on the API.
 *
 * Only the dashboard reads this cookie; the JSON admin API authenticates by
 * the Authorization header alone (src/auth/middleware.ts never looks at
 * cookies), so a browser's ambient cookie can never drive the API.
 *
 * CSRF: SameSite=Strict, then two independent checks on every POST: the
 * request's Origin / Sec-Fetch-Site must be this origin (hono/csrf), and the
 * form must carry the session's CSRF token, a hash of the session token that
 * another site cannot read or compute.
 */

import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { decodeJwt } from "jose";
import { verifyToken } from "../../auth/jwt";
import type { Principal } from "../../auth/principal";
import type { AppEnv } from "../../http/context";
import { ApiError } from "../../http/errors";

export const SESSION_COOKIE = "catalog_admin_session";
export const COOKIE_PATH = "/admin";
export const CSRF_FIELD = "_csrf";

export interface StaffSession {
  principal: Principal;
  /** Hidden in every form; compared on every POST. */
  csrfToken: string;
  expiresAt: Date;
}

export type AdminUiEnv = { Bindings: AppEnv["Bindings"]; Variables: AppEnv["Variables"] & { session: StaffSession } };

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Secure everywhere but plain-HTTP local development, where a Secure cookie would never come back. */
const isLocalhost = (c: Context<AdminUiEnv>) => LOOPBACK_HOSTS.has(new URL(c.req.url).hostname);

export type SessionCheck =
  | { kind: "signed_in"; session: StaffSession; token: string }
  | { kind: "none" }
  | { kind: "invalid"; message: string }
  | { kind: "not_admin"; principal: Principal };

/** Verifies a token as the API would; the failure says why, in words fit for the sign-in page. */
export async function checkToken(c: Context<AdminUiEnv>, token: string): Promise<SessionCheck> {
  let principal: Principal;
  try {
    principal = await verifyToken(token, c.var.config);
  } catch (error) {
    // A key server outage is ours, not the token's: let the error page say so.
    if (error instanceof ApiError && error.code === "unauthorized") return { kind: "invalid", message: error.message };
    throw error;
  }
  if (!principal.isAdmin) return { kind: "not_admin", principal };
  // verifyToken required `exp`, so it is there.
  const expiresAt = new Date((decodeJwt(token).exp ?? 0) * 1000);
  return { kind: "signed_in", token, session: { principal, csrfToken: await csrfTokenFor(token), expiresAt } };
}

export async function sessionFromCookie(c: Context<AdminUiEnv>): Promise<SessionCheck> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return { kind: "none" };
  return checkToken(c, token);
}

export function startSession(c: Context<AdminUiEnv>, token: string, expiresAt: Date) {
  setCookie(c, SESSION_COOKIE, token, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: !isLocalhost(c),
    expires: expiresAt,
  });
}

export function endSession(c: Context<AdminUiEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: "Strict", secure: !isLocalhost(c) });
}

async function csrfTokenFor(sessionToken: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`csrf:${sessionToken}`));
  return btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Constant-time comparison of the form's token with the session's. */
export function csrfTokenMatches(session: StaffSession, sent: unknown): boolean {
  if (typeof sent !== "string" || sent.length !== session.csrfToken.length) return false;
  let difference = 0;
  for (let i = 0; i < sent.length; i++) difference |= sent.charCodeAt(i) ^ session.csrfToken.charCodeAt(i);
  return difference === 0;
}
