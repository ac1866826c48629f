import { Hono } from "hono";
import type { AdminUiEnv } from "../session";
import { showSignIn, signIn, signOut } from "./sign-in.handlers";

/** Before the session check: anyone may sign in. */
export const signInPage = new Hono<AdminUiEnv>().get("/sign-in", showSignIn).post("/sign-in", signIn);

/** After it: signing out is a state change like any other (session and CSRF token). */
export const signOutAction = new Hono<AdminUiEnv>().post("/sign-out", signOut);
