/**
 * OpenRouter's `GET /api/v1/models`: `{"data": [{id: "PROVIDER/MODEL", name,
 * description, context_length, architecture: {input_modalities, output_modalities},
 * pricing: {prompt, completion, input_cache_read, input_cache_write} (strings,
 * US dollars per token), top_provider: {max_completion_tokens},
 * supported_parameters, knowledge_cutoff?, expiration_date?}]}`.
 */
import { calendarDate, deprecation, ImportBuilder, type ImportOptions, type ImportResult, mapModalities, optional } from "./import-builder";

const MAPPED = new Set([
  "id",
  "name",
  "description",
  "context_length",
  "architecture.input_modalities",
  "architecture.output_modalities",
  "pricing.prompt",
  "pricing.completion",
  "pricing.input_cache_read",
  "pricing.input_cache_write",
  "top_provider.max_completion_tokens",
  "supported_parameters",
  "knowledge_cutoff",
  "expiration_date",
]);
const CONTAINERS = new Set(["architecture", "pricing", "top_provider"]);

type Entry = Record<string, unknown> & {
  id?: unknown;
  architecture?: Record<string, unknown>;
  pricing?: Record<string, unknown>;
  top_provider?: Record<string, unknown>;
};

export function importOpenRouter(source: unknown, options: ImportOptions): ImportResult {
  const builder = new ImportBuilder("openrouter", options);
  const data = (source as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new Error('not an OpenRouter /api/v1/models answer: expected {"data": [...]}');
  for (const [index, value] of data.entries()) {
    const entry = value as Entry;
    if (entry === null || typeof entry !== "object" || typeof entry.id !== "string") {
      builder.skip(`data[${index}]`, "has no id");
      continue;
    }
    const slash = entry.id.indexOf("/");
    const provider = slash > 0 ? entry.id.slice(0, slash) : "openrouter";
    const sourceId = slash > 0 ? entry.id.slice(slash + 1) : entry.id;
    if (!builder.wanted(entry.id, provider)) continue;
    const pricing = entry.pricing ?? {};
    // "-1" is OpenRouter's "priced by the model it routes to" (openrouter/auto): no price to import.
    if (pricing.prompt === "-1" || pricing.completion === "-1") {
      builder.skip(entry.id, "has variable pricing (-1): it routes to other models");
      continue;
    }
    builder.unmapped(entry.id, entry, MAPPED, CONTAINERS);
    const parameters = Array.isArray(entry.supported_parameters) ? (entry.supported_parameters as unknown[]) : [];
    const input = mapModalities(builder, entry.id, "architecture.input_modalities", entry.architecture?.input_modalities);
    const output = mapModalities(builder, entry.id, "architecture.output_modalities", entry.architecture?.output_modalities);
    const maxOutput = entry.top_provider?.max_completion_tokens;
    builder.add({
      sourceId,
      provider,
      displayName: typeof entry.name === "string" ? entry.name : sourceId,
      ...optional("description", typeof entry.description === "string" && entry.description !== "" ? entry.description : undefined),
      ...optional("contextLength", typeof entry.context_length === "number" ? entry.context_length : undefined),
      ...optional("maxOutputTokens", typeof maxOutput === "number" ? maxOutput : undefined),
      ...optional("inputCost", builder.perTokenPrice(entry.id, "pricing.prompt", pricing.prompt)),
      ...optional("outputCost", builder.perTokenPrice(entry.id, "pricing.completion", pricing.completion)),
      ...optional("cacheReadCost", builder.perTokenPrice(entry.id, "pricing.input_cache_read", pricing.input_cache_read)),
      ...optional("cacheWriteCost", builder.perTokenPrice(entry.id, "pricing.input_cache_write", pricing.input_cache_write)),
      ...(input && output && { modalities: { input, output } }),
      functionCalling: parameters.includes("tools"),
      reasoning: parameters.includes("reasoning") || parameters.includes("include_reasoning"),
      structuredOutputs: parameters.includes("structured_outputs"),
      ...optional("knowledgeCutoff", calendarDate(entry.knowledge_cutoff)),
      ...(typeof entry.expiration_date === "string" && deprecation(builder, entry.id, entry.expiration_date)),
    });
  }
  return builder.result();
}
