/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { sunsetDueModels } from "../../../queries/models";
import { pendingRetirements } from "../../../queries/scheduled-changes";
import type { AdminUiEnv } from "../session";
import { callersPerModel } from "../usage/callers-per-model";
import { retirementsBy } from "./scheduled-retirements";
import { SUNSET_WINDOW_DAYS, SunsetsPage } from "./sunsets.view";

/** More pending retirements than this at once is not a page anyone reads; the API lists them all. */
const RETIREMENTS_READ = 500;

export async function listSunsets(c: Context<AdminUiEnv>) {
  const now = new Date();
  const until = new Date(now.getTime() + SUNSET_WINDOW_DAYS * 86_400_000);
  const models = await sunsetDueModels(c.var.services.db, until);
  const retirements = retirementsBy(await pendingRetirements(c.var.services.db, RETIREMENTS_READ), until);
  const usage = await callersPerModel(
    c.var.services.db,
    models.map((model) => model.id),
    now,
  );
  return c.html(<SunsetsPage session={c.var.session} models={models} usage={usage} now={now} retirements={retirements} />);
}
