/**
 * models.dev `api.json`: `{PROVIDER_ID: {id, name, env, npm, doc, api, models: {MODEL_ID: {...}}}}`.
 * Prices are US dollars per million tokens (`cost.input`, `cost.output`,
 * `cost.cache_read`, `cost.cache_write`); `limit.context`/`limit.output`;
 * `modalities` with `pdf` for documents; `status: "deprecated"` is legacy.
 */
import { calendarDate, ImportBuilder, type ImportOptions, type ImportResult, mapModalities, optional } from "./import-builder";

const MAPPED = new Set([
  "id",
  "name",
  "reasoning",
  "tool_call",
  "structured_output",
  "knowledge",
  "release_date",
  "open_weights",
  "modalities.input",
  "modalities.output",
  "cost.input",
  "cost.output",
  "cost.cache_read",
  "cost.cache_write",
  "limit.context",
  "limit.output",
  "status",
]);
const CONTAINERS = new Set(["cost", "limit", "modalities"]);
const PROVIDER_MAPPED = new Set(["id", "models"]);

type Entry = Record<string, unknown> & {
  id?: string;
  name?: string;
  cost?: Record<string, unknown>;
  limit?: Record<string, unknown>;
  modalities?: Record<string, unknown>;
};

export function importModelsDev(source: unknown, options: ImportOptions): ImportResult {
  const builder = new ImportBuilder("models.dev", options);
  const root = (source as { providers?: unknown })?.providers ?? source;
  if (root === null || typeof root !== "object" || Array.isArray(root))
    throw new Error("not a models.dev api.json: expected an object of providers");
  for (const [providerKey, providerValue] of Object.entries(root as Record<string, unknown>)) {
    const provider = providerValue as { id?: string; models?: Record<string, Entry> } & Record<string, unknown>;
    const providerId = typeof provider?.id === "string" ? provider.id : providerKey;
    if (!provider || typeof provider.models !== "object" || provider.models === null) {
      builder.skip(providerKey, "is not a provider with models");
      continue;
    }
    for (const key of Object.keys(provider)) {
      if (!PROVIDER_MAPPED.has(key) && provider[key] !== null) builder.unmappedField(`provider ${providerId}`, `(provider).${key}`);
    }
    for (const [modelKey, model] of Object.entries(provider.models)) {
      const sourceId = typeof model?.id === "string" ? model.id : modelKey;
      const label = `${providerId}/${sourceId}`;
      if (!builder.wanted(label, providerId)) continue;
      builder.unmapped(label, model, MAPPED, CONTAINERS);
      const input = mapModalities(builder, label, "modalities.input", model.modalities?.input);
      const output = mapModalities(builder, label, "modalities.output", model.modalities?.output);
      const status = model.status;
      if (status !== undefined && status !== null && status !== "deprecated") builder.unmappedField(label, `status=${String(status)}`);
      const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
      const flag = (value: unknown) => (typeof value === "boolean" ? value : undefined);
      const knowledge = calendarDate(model.knowledge);
      const released = calendarDate(model.release_date);
      builder.add({
        sourceId,
        provider: providerId,
        displayName: typeof model.name === "string" ? model.name : sourceId,
        ...optional("contextLength", number(model.limit?.context)),
        ...optional("maxOutputTokens", number(model.limit?.output)),
        ...optional("inputCost", builder.perMillionPrice(label, "cost.input", model.cost?.input)),
        ...optional("outputCost", builder.perMillionPrice(label, "cost.output", model.cost?.output)),
        ...optional("cacheReadCost", builder.perMillionPrice(label, "cost.cache_read", model.cost?.cache_read)),
        ...optional("cacheWriteCost", builder.perMillionPrice(label, "cost.cache_write", model.cost?.cache_write)),
        ...(input && output && { modalities: { input, output } }),
        ...optional("functionCalling", flag(model.tool_call)),
        ...optional("reasoning", flag(model.reasoning)),
        ...optional("structuredOutputs", flag(model.structured_output)),
        ...optional("openWeights", flag(model.open_weights)),
        ...optional("knowledgeCutoff", knowledge),
        ...optional("releaseDate", released?.length === 10 ? released : undefined),
        ...(status === "deprecated" && { lifecycle: "legacy" as const }),
      });
    }
  }
  return builder.result();
}
