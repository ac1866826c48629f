/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { fieldErrorsOf } from "../forms";
import type { AdminUiEnv } from "../session";
import { providerNames, StaffModelFiltersSchema, staffModelPage } from "./models.queries";
import { ModelsPage } from "./models.view";

/** Invalid filters are shown beside their fields instead of a list. */
export async function listModels(c: Context<AdminUiEnv>) {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== ""));
  const db = c.var.services.db;
  const parsed = StaffModelFiltersSchema.safeParse(raw);
  if (!parsed.success) {
    const providers = await providerNames(db);
    return c.html(
      <ModelsPage session={c.var.session} filters={raw} errors={fieldErrorsOf(parsed.error.issues)} providers={providers} />,
      400,
    );
  }
  const page = await staffModelPage(db, parsed.data);
  return c.html(<ModelsPage session={c.var.session} filters={raw} page={page} providers={page.providers} />);
}
