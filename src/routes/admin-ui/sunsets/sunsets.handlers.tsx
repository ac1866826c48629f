/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { sunsetDueModels } from "../../../queries/models";
import type { AdminUiEnv } from "../session";
import { callersPerModel } from "../usage/callers-per-model";
import { SUNSET_WINDOW_DAYS, SunsetsPage } from "./sunsets.view";

export async function listSunsets(c: Context<AdminUiEnv>) {
  const now = new Date();
  const models = await sunsetDueModels(c.var.services.db, new Date(now.getTime() + SUNSET_WINDOW_DAYS * 86_400_000));
  const usage = await callersPerModel(
    c.var.services.db,
    models.map((model) => model.id),
    now,
  );
  return c.html(<SunsetsPage session={c.var.session} models={models} usage={usage} now={now} />);
}
