/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { sunsetDueModels } from "../../../queries/models";
import type { AdminUiEnv } from "../session";
import { SUNSET_WINDOW_DAYS, SunsetsPage } from "./sunsets.view";

export async function listSunsets(c: Context<AdminUiEnv>) {
  const now = new Date();
  const models = await sunsetDueModels(c.var.services.db, new Date(now.getTime() + SUNSET_WINDOW_DAYS * 86_400_000));
  return c.html(<SunsetsPage session={c.var.session} models={models} now={now} />);
}
