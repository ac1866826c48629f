/** Reads of the usage rollups (src/usage/queries.ts); CSV through src/usage/csv.ts. */
import type { Context } from "hono";
import { toPublicModel } from "../../catalog/public-model";
import type { Database } from "../../db/client";
import { withRecommendedSuccessors } from "../../domain/replacement-graph";
import type { AppEnv } from "../../http/context";
import { ApiError } from "../../http/errors";
import type { AppRouteHandler } from "../../http/router";
import { allModels, modelExists } from "../../queries/models";
import { type CsvValue, toCsv } from "../../usage/csv";
import { callersOf, callsByHour, usageByModel, usageTotals } from "../../usage/queries";
import { windowHours, windowStart } from "../../usage/window";
import type * as routes from "./admin-usage.routes";

const TOP_CALLERS = 10;

async function requireModel(db: Database, id: string) {
  if (!(await modelExists(db, id))) throw new ApiError("not_found", `model ${id} does not exist`);
}

function csvResponse<K extends string>(c: Context<AppEnv>, name: string, columns: readonly K[], rows: Record<K, CsvValue>[]) {
  return c.body(toCsv(columns, rows), 200, {
    "Content-Type": "text/csv; charset=utf-8; header=present",
    "Content-Disposition": `attachment; filename="${name}.csv"`,
  });
}

export const modelUsage: AppRouteHandler<typeof routes.modelUsage> = async (c) => {
  const { id } = c.req.valid("param");
  const { window } = c.req.valid("query");
  const db = c.var.services.db;
  const now = new Date();
  const since = windowStart(window, now);
  await requireModel(db, id);
  const [totals, top, hours] = await Promise.all([
    usageTotals(db, id, since),
    callersOf(db, id, since, TOP_CALLERS),
    callsByHour(db, id, since),
  ]);
  return c.json(
    {
      model_id: id,
      window,
      ...totals,
      top_callers: top.map(({ caller, calls, last_seen }) => ({ caller, calls, last_seen })),
      by_hour: windowHours(window, now).map((hour) => ({ hour: hour.toISOString(), calls: hours.get(hour.getTime()) ?? 0 })),
    },
    200,
  );
};

export const modelCallers: AppRouteHandler<typeof routes.modelCallers> = async (c) => {
  const { id } = c.req.valid("param");
  const { window, format } = c.req.valid("query");
  const db = c.var.services.db;
  await requireModel(db, id);
  const callers = await callersOf(db, id, windowStart(window, new Date()));
  if (format === "csv") return csvResponse(c, `usage-${id}-${window}`, ["caller", "calls", "refused", "last_seen"] as const, callers);
  return c.json({ model_id: id, window, callers }, 200);
};

/** Live legacy models with the successor their callers should move to, as the public catalog recommends it. */
async function legacyModelsWithSuccessors(db: Database) {
  const rows = await allModels(db);
  const archivedReplacement = new Map(
    rows.filter((row) => row.isArchived).map((row) => [row.id, row.meta.legacyReplacementModelId ?? null]),
  );
  return withRecommendedSuccessors(rows.map(toPublicModel), archivedReplacement).filter((model) => model.is_legacy && !model.is_archived);
}

export const legacyUsage: AppRouteHandler<typeof routes.legacyUsage> = async (c) => {
  const { window, format } = c.req.valid("query");
  const db = c.var.services.db;
  const legacy = await legacyModelsWithSuccessors(db);
  const usage = await usageByModel(
    db,
    legacy.map((model) => model.id),
    windowStart(window, new Date()),
  );
  const models = legacy
    .map((model) => ({
      model_id: model.id,
      sunset_date: model.legacy_info?.sunset_date ?? null,
      recommended_model_id: model.legacy_info?.recommended_model_id ?? null,
      calls: usage.get(model.id)?.calls ?? 0,
      callers: usage.get(model.id)?.callers ?? 0,
    }))
    .sort((a, b) => b.callers - a.callers || b.calls - a.calls || (a.model_id < b.model_id ? -1 : 1));
  if (format === "csv") {
    return csvResponse(
      c,
      `usage-legacy-${window}`,
      ["model_id", "sunset_date", "recommended_model_id", "calls", "callers"] as const,
      models,
    );
  }
  return c.json({ window, models }, 200);
};
