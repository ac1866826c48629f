/**
 * LiteLLM's `model_prices_and_context_window.json`: `{MODEL_NAME: {litellm_provider,
 * mode, input_cost_per_token, output_cost_per_token, cache_read_input_token_cost,
 * cache_creation_input_token_cost, max_input_tokens, max_output_tokens,
 * max_tokens, supports_*: boolean, deprecation_date, ...}}`, plus a
 * `sample_spec` entry documenting the fields. Prices are US dollars per token.
 * Only chat-like modes are models here; embeddings, image and audio models are skipped.
 */
import type { Modality } from "../../../src/domain/model-meta";
import { deprecation, ImportBuilder, type ImportOptions, type ImportResult, mapModalities, optional } from "./import-builder";

const MAPPED = new Set([
  "litellm_provider",
  "mode",
  "input_cost_per_token",
  "output_cost_per_token",
  "cache_read_input_token_cost",
  "cache_creation_input_token_cost",
  "max_input_tokens",
  "max_output_tokens",
  "max_tokens",
  "supports_function_calling",
  "supports_vision",
  "supports_pdf_input",
  "supports_audio_input",
  "supports_audio_output",
  "supports_video_input",
  "supports_reasoning",
  "supports_response_schema",
  "supported_modalities",
  "supported_output_modalities",
  "supported_regions",
  "deprecation_date",
]);
const CHAT_MODES = new Set(["chat", "completion", "responses"]);

export function importLiteLlm(source: unknown, options: ImportOptions): ImportResult {
  const builder = new ImportBuilder("litellm", options);
  if (source === null || typeof source !== "object" || Array.isArray(source)) {
    throw new Error("not a LiteLLM model_prices_and_context_window.json: expected an object of models");
  }
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (key === "sample_spec") continue; // The file's own documentation of its fields, not a model.
    const entry = value as Record<string, unknown>;
    if (entry === null || typeof entry !== "object") {
      builder.skip(key, "is not an object");
      continue;
    }
    const provider = typeof entry.litellm_provider === "string" ? entry.litellm_provider : "unknown";
    if (!builder.wanted(key, provider)) continue;
    const mode = typeof entry.mode === "string" ? entry.mode : "chat";
    if (!CHAT_MODES.has(mode)) {
      builder.skip(key, `mode ${mode} is not a chat model`);
      continue;
    }
    builder.unmapped(key, entry, MAPPED, new Set());
    const flag = (name: string) => (typeof entry[name] === "boolean" ? (entry[name] as boolean) : undefined);
    const number = (name: string) =>
      typeof entry[name] === "number" && Number.isFinite(entry[name]) ? (entry[name] as number) : undefined;

    const listed = mapModalities(builder, key, "supported_modalities", entry.supported_modalities);
    const input: Modality[] = listed ?? ["text"];
    const addInput = (modality: Modality, supported: boolean | undefined) => {
      if (supported && !input.includes(modality)) input.push(modality);
    };
    addInput("image", flag("supports_vision"));
    addInput("file", flag("supports_pdf_input"));
    addInput("audio", flag("supports_audio_input"));
    addInput("video", flag("supports_video_input"));
    const output: Modality[] = mapModalities(builder, key, "supported_output_modalities", entry.supported_output_modalities) ?? ["text"];
    if (flag("supports_audio_output") && !output.includes("audio")) output.push("audio");

    // The file's own key may carry a provider prefix ("azure/gpt-4o"): the id is the rest.
    const sourceId = key.startsWith(`${provider}/`) ? key.slice(provider.length + 1) : key;
    const regions = Array.isArray(entry.supported_regions)
      ? entry.supported_regions.filter((region) => typeof region === "string")
      : undefined;
    const deprecated = typeof entry.deprecation_date === "string" ? deprecation(builder, key, entry.deprecation_date) : undefined;
    builder.add({
      sourceId,
      provider,
      displayName: sourceId,
      ...optional("contextLength", number("max_input_tokens") ?? number("max_tokens")),
      ...optional("maxOutputTokens", number("max_output_tokens")),
      ...optional("inputCost", builder.perTokenPrice(key, "input_cost_per_token", entry.input_cost_per_token)),
      ...optional("outputCost", builder.perTokenPrice(key, "output_cost_per_token", entry.output_cost_per_token)),
      ...optional("cacheReadCost", builder.perTokenPrice(key, "cache_read_input_token_cost", entry.cache_read_input_token_cost)),
      ...optional("cacheWriteCost", builder.perTokenPrice(key, "cache_creation_input_token_cost", entry.cache_creation_input_token_cost)),
      modalities: { input, output },
      ...optional("functionCalling", flag("supports_function_calling")),
      ...optional("reasoning", flag("supports_reasoning")),
      ...optional("structuredOutputs", flag("supports_response_schema")),
      ...optional("regions", regions as string[] | undefined),
      ...deprecated,
    });
  }
  return builder.result();
}
