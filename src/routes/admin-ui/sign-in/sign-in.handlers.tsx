/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { type FormFields, text } from "../forms";
import { UI_ROOT } from "../layout";
import { type AdminUiEnv, checkToken, endSession, startSession } from "../session";
import { NotAdminSignIn, SignInPage } from "./sign-in.view";

export function showSignIn(c: Context<AdminUiEnv>) {
  const notice = c.req.query("session") === "expired" ? "Your session has ended. Sign in again." : undefined;
  return c.html(<SignInPage notice={notice} />);
}

/** A refused token (malformed, expired, not admin) re-shows the form with the reason beside the field. */
export async function signIn(c: Context<AdminUiEnv>) {
  const form: FormFields = await c.req.parseBody({ all: true });
  const token = text(form, "token").trim();
  if (!token) return c.html(<SignInPage tokenError="Paste an admin token." />, 400);
  const check = await checkToken(c, token);
  if (check.kind === "invalid") return c.html(<SignInPage tokenError={`This token was not accepted: ${check.message}.`} />, 401);
  if (check.kind === "not_admin") return c.html(<NotAdminSignIn principal={check.principal} />, 403);
  if (check.kind !== "signed_in") return c.html(<SignInPage tokenError="Paste an admin token." />, 400);
  startSession(c, check.token, check.session.expiresAt);
  return c.redirect(`${UI_ROOT}/models`, 303);
}

export function signOut(c: Context<AdminUiEnv>) {
  endSession(c);
  return c.redirect(`${UI_ROOT}/sign-in`, 303);
}
