/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { allAliases } from "../../../queries/aliases";
import type { AdminUiEnv } from "../session";
import { AliasesPage } from "./aliases.view";

export async function listAliases(c: Context<AdminUiEnv>) {
  return c.html(<AliasesPage session={c.var.session} aliases={await allAliases(c.var.services.db)} />);
}
