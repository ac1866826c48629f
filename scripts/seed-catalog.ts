/**
 * Seed data for the model catalog: a fixed set of realistic models (the plan's
 * examples first) and a generator of deterministic synthetic models for load
 * and filter tests. Every meta here must pass `ModelMetaSchema.parse`.
 *
 * Prices (`inputCostPerMillionTokens`, `outputCostPerMillionTokens`) are
 * integer US cents per million tokens: 250 = $2.50 per 1M tokens.
 */
import { type ModelCapability, type ModelMeta, type SubscriptionTier, TIER_LADDER } from "../src/domain/model-meta";

export interface SeedModel {
  id: string;
  name: string;
  provider: string;
  isAvailable: boolean;
  isLegacy: boolean;
  isArchived: boolean;
  meta: ModelMeta;
}

type LadderTier = (typeof TIER_LADDER)[number];

/** allowedTiers for "minimum" mode: the required tier and every ladder tier above it. */
function fromTier(tier: LadderTier): SubscriptionTier[] {
  return TIER_LADDER.slice(TIER_LADDER.indexOf(tier));
}

interface Lifecycle {
  isAvailable?: boolean;
  isLegacy?: boolean;
  isArchived?: boolean;
}

function model(id: string, provider: string, meta: ModelMeta, lifecycle: Lifecycle = {}): SeedModel {
  return {
    id,
    name: id,
    provider,
    isAvailable: lifecycle.isAvailable ?? true,
    isLegacy: lifecycle.isLegacy ?? false,
    isArchived: lifecycle.isArchived ?? false,
    meta,
  };
}

const EVERY_CAPABILITY = ["text", "vision", "function_calling", "code", "long_context"] satisfies ModelCapability[];

export const SEED_MODELS: readonly SeedModel[] = [
  // --- The plan's examples, verbatim (gpt-3.5-turbo's prices are the plan's, not OpenAI's list price). ---
  model("gpt-4", "openai", {
    displayName: "GPT-4",
    description: "OpenAI GPT-4 with 8K context",
    capabilities: ["text", "function_calling", "code"],
    contextLength: 8192,
    maxOutputTokens: 4096,
    inputCostPerMillionTokens: 3000,
    outputCostPerMillionTokens: 6000,
    creditsPer1kTokens: 10,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
  }),
  model(
    "gpt-3.5-turbo",
    "openai",
    {
      displayName: "GPT-3.5 Turbo (Legacy)",
      description: "Legacy GPT-3.5 model",
      capabilities: ["text", "function_calling"],
      contextLength: 4096,
      maxOutputTokens: 4096,
      inputCostPerMillionTokens: 500,
      outputCostPerMillionTokens: 1500,
      creditsPer1kTokens: 3,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
      legacyReplacementModelId: "gpt-4",
      deprecationNotice: "GPT-3.5 Turbo is deprecated. Please upgrade to GPT-4.",
      // Future on purpose: the service archives models whose sunset has passed.
      sunsetDate: "2027-12-31T23:59:59Z",
    },
    { isLegacy: true },
  ),
  model(
    "gpt-2",
    "openai",
    {
      displayName: "GPT-2 (Archived)",
      description: "Archived GPT-2 model, kept for history",
      capabilities: ["text"],
      contextLength: 1024,
      maxOutputTokens: 1024,
      inputCostPerMillionTokens: 10,
      outputCostPerMillionTokens: 10,
      creditsPer1kTokens: 1,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: fromTier("free"),
      legacyReplacementModelId: "gpt-3.5-turbo",
      deprecationNotice: "GPT-2 is archived. Please use GPT-3.5 Turbo or newer.",
    },
    { isLegacy: true, isArchived: true },
  ),

  // --- OpenAI ---
  model("gpt-5", "openai", {
    displayName: "GPT-5",
    description: "OpenAI flagship reasoning model",
    version: "2025-08-07",
    capabilities: EVERY_CAPABILITY,
    contextLength: 400_000,
    maxOutputTokens: 128_000,
    inputCostPerMillionTokens: 125,
    outputCostPerMillionTokens: 1000,
    creditsPer1kTokens: 4,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
    complianceTags: ["soc2", "gdpr"],
  }),
  model("gpt-4o", "openai", {
    displayName: "GPT-4o",
    description: "OpenAI multimodal model",
    version: "2024-08-06",
    capabilities: EVERY_CAPABILITY,
    contextLength: 128_000,
    maxOutputTokens: 16_384,
    inputCostPerMillionTokens: 250,
    outputCostPerMillionTokens: 1000,
    creditsPer1kTokens: 4,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
    providerMetadata: { apiModel: "gpt-4o-2024-08-06", structuredOutputs: true },
    complianceTags: ["soc2", "gdpr"],
  }),
  model("gpt-4o-mini", "openai", {
    displayName: "GPT-4o mini",
    description: "Small, fast and cheap multimodal model",
    version: "2024-07-18",
    capabilities: EVERY_CAPABILITY,
    contextLength: 128_000,
    maxOutputTokens: 16_384,
    inputCostPerMillionTokens: 15,
    outputCostPerMillionTokens: 60,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model("gpt-4.1", "openai", {
    displayName: "GPT-4.1",
    description: "Long-context model tuned for coding and instruction following",
    version: "2025-04-14",
    capabilities: EVERY_CAPABILITY,
    contextLength: 1_047_576,
    maxOutputTokens: 32_768,
    inputCostPerMillionTokens: 200,
    outputCostPerMillionTokens: 800,
    creditsPer1kTokens: 3,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),
  model("gpt-4.1-mini", "openai", {
    displayName: "GPT-4.1 mini",
    version: "2025-04-14",
    capabilities: EVERY_CAPABILITY,
    contextLength: 1_047_576,
    maxOutputTokens: 32_768,
    inputCostPerMillionTokens: 40,
    outputCostPerMillionTokens: 160,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model("gpt-4.1-nano", "openai", {
    displayName: "GPT-4.1 nano",
    version: "2025-04-14",
    capabilities: ["text", "vision", "function_calling", "long_context"],
    contextLength: 1_047_576,
    maxOutputTokens: 32_768,
    inputCostPerMillionTokens: 10,
    outputCostPerMillionTokens: 40,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model(
    "gpt-4-turbo",
    "openai",
    {
      displayName: "GPT-4 Turbo (Legacy)",
      description: "Previous-generation GPT-4 with 128K context",
      version: "2024-04-09",
      capabilities: EVERY_CAPABILITY,
      contextLength: 128_000,
      maxOutputTokens: 4096,
      inputCostPerMillionTokens: 1000,
      outputCostPerMillionTokens: 3000,
      creditsPer1kTokens: 6,
      requiredTier: "pro",
      tierRestrictionMode: "minimum",
      allowedTiers: fromTier("pro"),
      legacyReplacementModelId: "gpt-4o",
      deprecationNotice: "GPT-4 Turbo is deprecated. Please move to GPT-4o.",
      sunsetDate: "2027-06-30T00:00:00Z",
    },
    { isLegacy: true },
  ),
  // Whitelist: premium reasoning for the top paid tiers and perpetual licences, not plain pro.
  model("o3", "openai", {
    displayName: "o3",
    description: "OpenAI reasoning model for complex multi-step tasks",
    version: "2025-04-16",
    capabilities: EVERY_CAPABILITY,
    contextLength: 200_000,
    maxOutputTokens: 100_000,
    inputCostPerMillionTokens: 200,
    outputCostPerMillionTokens: 800,
    creditsPer1kTokens: 3,
    requiredTier: "pro_max",
    tierRestrictionMode: "whitelist",
    allowedTiers: ["pro_max", "enterprise_pro", "enterprise_max", "perpetual"],
    providerMetadata: { reasoning: { effort: ["low", "medium", "high"] } },
  }),
  model("o4-mini", "openai", {
    displayName: "o4-mini",
    description: "Fast, cost-efficient reasoning model",
    version: "2025-04-16",
    capabilities: EVERY_CAPABILITY,
    contextLength: 200_000,
    maxOutputTokens: 100_000,
    inputCostPerMillionTokens: 110,
    outputCostPerMillionTokens: 440,
    creditsPer1kTokens: 2,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),

  // --- Anthropic ---
  model("claude-opus-4-1", "anthropic", {
    displayName: "Claude Opus 4.1",
    description: "Anthropic's most capable model for complex agentic and coding work",
    version: "20250805",
    capabilities: EVERY_CAPABILITY,
    contextLength: 200_000,
    maxOutputTokens: 32_000,
    inputCostPerMillionTokens: 1500,
    outputCostPerMillionTokens: 7500,
    creditsPer1kTokens: 25,
    requiredTier: "enterprise_pro",
    tierRestrictionMode: "whitelist",
    allowedTiers: ["enterprise_pro", "enterprise_max", "perpetual"],
    complianceTags: ["soc2", "hipaa", "gdpr"],
  }),
  model("claude-sonnet-4-5", "anthropic", {
    displayName: "Claude Sonnet 4.5",
    description: "Balanced Anthropic model for coding and agents",
    version: "20250929",
    capabilities: EVERY_CAPABILITY,
    contextLength: 200_000,
    maxOutputTokens: 64_000,
    inputCostPerMillionTokens: 300,
    outputCostPerMillionTokens: 1500,
    creditsPer1kTokens: 5,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
    providerMetadata: { extendedThinking: true, promptCaching: true },
    complianceTags: ["soc2", "hipaa"],
  }),
  model("claude-sonnet-4", "anthropic", {
    displayName: "Claude Sonnet 4",
    version: "20250514",
    capabilities: EVERY_CAPABILITY,
    contextLength: 200_000,
    maxOutputTokens: 64_000,
    inputCostPerMillionTokens: 300,
    outputCostPerMillionTokens: 1500,
    creditsPer1kTokens: 5,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),
  model("claude-haiku-4-5", "anthropic", {
    displayName: "Claude Haiku 4.5",
    description: "Fast, low-cost Anthropic model",
    version: "20251001",
    capabilities: EVERY_CAPABILITY,
    contextLength: 200_000,
    maxOutputTokens: 64_000,
    inputCostPerMillionTokens: 100,
    outputCostPerMillionTokens: 500,
    creditsPer1kTokens: 2,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model("claude-3-5-haiku", "anthropic", {
    displayName: "Claude 3.5 Haiku",
    version: "20241022",
    capabilities: ["text", "function_calling", "code", "long_context"],
    contextLength: 200_000,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 80,
    outputCostPerMillionTokens: 400,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model(
    "claude-3-haiku",
    "anthropic",
    {
      displayName: "Claude 3 Haiku (Legacy)",
      version: "20240307",
      capabilities: ["text", "vision", "function_calling", "long_context"],
      contextLength: 200_000,
      maxOutputTokens: 4096,
      inputCostPerMillionTokens: 25,
      outputCostPerMillionTokens: 125,
      creditsPer1kTokens: 1,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: fromTier("free"),
      legacyReplacementModelId: "claude-haiku-4-5",
      deprecationNotice: "Claude 3 Haiku is deprecated. Please move to Claude Haiku 4.5.",
      sunsetDate: "2027-03-31T00:00:00Z",
    },
    { isLegacy: true },
  ),

  // --- Google ---
  model("gemini-2.5-pro", "google", {
    displayName: "Gemini 2.5 Pro",
    description: "Google's thinking model with a 1M-token context window",
    version: "2.5",
    capabilities: EVERY_CAPABILITY,
    contextLength: 1_048_576,
    maxOutputTokens: 65_536,
    inputCostPerMillionTokens: 125,
    outputCostPerMillionTokens: 1000,
    creditsPer1kTokens: 4,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
    providerMetadata: { region: "us-central1", pricingNote: "prompts over 200K tokens cost more" },
  }),
  model("gemini-2.5-flash", "google", {
    displayName: "Gemini 2.5 Flash",
    version: "2.5",
    capabilities: EVERY_CAPABILITY,
    contextLength: 1_048_576,
    maxOutputTokens: 65_536,
    inputCostPerMillionTokens: 30,
    outputCostPerMillionTokens: 250,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model("gemini-2.5-flash-lite", "google", {
    displayName: "Gemini 2.5 Flash-Lite",
    version: "2.5",
    capabilities: EVERY_CAPABILITY,
    contextLength: 1_048_576,
    maxOutputTokens: 65_536,
    inputCostPerMillionTokens: 10,
    outputCostPerMillionTokens: 40,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model("gemini-2.0-flash", "google", {
    displayName: "Gemini 2.0 Flash",
    version: "2.0",
    capabilities: EVERY_CAPABILITY,
    contextLength: 1_048_576,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 10,
    outputCostPerMillionTokens: 40,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model("gemma-3-27b-it", "google", {
    displayName: "Gemma 3 27B Instruct",
    description: "Open-weights Gemma model",
    version: "3",
    capabilities: ["text", "vision", "long_context"],
    contextLength: 131_072,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 10,
    outputCostPerMillionTokens: 20,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),

  // --- Meta ---
  model("llama-4-maverick", "meta", {
    displayName: "Llama 4 Maverick",
    description: "Mixture-of-experts multimodal Llama",
    version: "17b-128e-instruct",
    capabilities: EVERY_CAPABILITY,
    contextLength: 1_048_576,
    maxOutputTokens: 16_384,
    inputCostPerMillionTokens: 20,
    outputCostPerMillionTokens: 60,
    creditsPer1kTokens: 1,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),
  model("llama-4-scout", "meta", {
    displayName: "Llama 4 Scout",
    version: "17b-16e-instruct",
    capabilities: ["text", "vision", "function_calling", "long_context"],
    contextLength: 10_000_000,
    maxOutputTokens: 16_384,
    inputCostPerMillionTokens: 11,
    outputCostPerMillionTokens: 34,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model("llama-3.3-70b-instruct", "meta", {
    displayName: "Llama 3.3 70B Instruct",
    version: "3.3",
    capabilities: ["text", "function_calling", "code", "long_context"],
    contextLength: 131_072,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 60,
    outputCostPerMillionTokens: 80,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  // Exact: served from dedicated enterprise capacity only, currently out of rotation.
  model(
    "llama-3.1-405b-instruct",
    "meta",
    {
      displayName: "Llama 3.1 405B Instruct",
      version: "3.1",
      capabilities: ["text", "function_calling", "code", "long_context"],
      contextLength: 131_072,
      maxOutputTokens: 8192,
      inputCostPerMillionTokens: 300,
      outputCostPerMillionTokens: 300,
      creditsPer1kTokens: 3,
      requiredTier: "enterprise_pro",
      tierRestrictionMode: "exact",
      allowedTiers: ["enterprise_pro"],
      internalNotes: "Dedicated capacity paused pending hardware refresh.",
    },
    { isAvailable: false },
  ),

  // --- Mistral ---
  model("mistral-large-2411", "mistral", {
    displayName: "Mistral Large",
    version: "24.11",
    capabilities: ["text", "function_calling", "code", "long_context"],
    contextLength: 131_072,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 200,
    outputCostPerMillionTokens: 600,
    creditsPer1kTokens: 3,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
    complianceTags: ["gdpr"],
  }),
  model("mistral-medium-3", "mistral", {
    displayName: "Mistral Medium 3",
    version: "25.05",
    capabilities: EVERY_CAPABILITY,
    contextLength: 131_072,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 40,
    outputCostPerMillionTokens: 200,
    creditsPer1kTokens: 1,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
    complianceTags: ["gdpr"],
  }),
  model("mistral-small-3.1", "mistral", {
    displayName: "Mistral Small 3.1",
    version: "25.03",
    capabilities: ["text", "vision", "function_calling", "long_context"],
    contextLength: 131_072,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 10,
    outputCostPerMillionTokens: 30,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  model("codestral-2501", "mistral", {
    displayName: "Codestral",
    description: "Mistral's code-completion model",
    version: "25.01",
    capabilities: ["text", "code", "long_context"],
    contextLength: 256_000,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 30,
    outputCostPerMillionTokens: 90,
    creditsPer1kTokens: 1,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),
  // Exact: a pro_max perk, deliberately not offered to enterprise plans.
  model("pixtral-large-2411", "mistral", {
    displayName: "Pixtral Large",
    version: "24.11",
    capabilities: ["text", "vision", "function_calling", "long_context"],
    contextLength: 131_072,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 200,
    outputCostPerMillionTokens: 600,
    creditsPer1kTokens: 3,
    requiredTier: "pro_max",
    tierRestrictionMode: "exact",
    allowedTiers: ["pro_max"],
  }),

  // --- Cohere ---
  model("command-a-03-2025", "cohere", {
    displayName: "Command A",
    description: "Cohere's enterprise model for agents and RAG",
    version: "03-2025",
    capabilities: ["text", "function_calling", "code", "long_context"],
    contextLength: 256_000,
    maxOutputTokens: 8000,
    inputCostPerMillionTokens: 250,
    outputCostPerMillionTokens: 1000,
    creditsPer1kTokens: 4,
    requiredTier: "pro_max",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro_max"),
    complianceTags: ["soc2", "gdpr"],
  }),
  model("command-r-plus-08-2024", "cohere", {
    displayName: "Command R+",
    version: "08-2024",
    capabilities: ["text", "function_calling", "long_context"],
    contextLength: 128_000,
    maxOutputTokens: 4000,
    inputCostPerMillionTokens: 250,
    outputCostPerMillionTokens: 1000,
    creditsPer1kTokens: 4,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),
  model("command-r7b-12-2024", "cohere", {
    displayName: "Command R7B",
    version: "12-2024",
    capabilities: ["text", "function_calling", "long_context"],
    contextLength: 128_000,
    maxOutputTokens: 4000,
    inputCostPerMillionTokens: 4,
    outputCostPerMillionTokens: 15,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),

  // --- DeepSeek ---
  model("deepseek-chat", "deepseek", {
    displayName: "DeepSeek V3.1",
    version: "3.1",
    capabilities: ["text", "function_calling", "code", "long_context"],
    contextLength: 128_000,
    maxOutputTokens: 8192,
    inputCostPerMillionTokens: 27,
    outputCostPerMillionTokens: 110,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
    providerMetadata: { offPeakDiscount: true },
  }),
  model("deepseek-reasoner", "deepseek", {
    displayName: "DeepSeek R1",
    version: "r1-0528",
    capabilities: ["text", "code", "long_context"],
    contextLength: 128_000,
    maxOutputTokens: 64_000,
    inputCostPerMillionTokens: 55,
    outputCostPerMillionTokens: 219,
    creditsPer1kTokens: 1,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),
  // Perpetual licence holders only: a self-hosted open-weights deployment.
  model("deepseek-r1-distill-llama-70b", "deepseek", {
    displayName: "DeepSeek R1 Distill Llama 70B",
    description: "Self-hosted distilled reasoning model for perpetual licences",
    version: "r1-distill",
    capabilities: ["text", "code", "long_context"],
    contextLength: 131_072,
    maxOutputTokens: 16_384,
    inputCostPerMillionTokens: 0,
    outputCostPerMillionTokens: 0,
    creditsPer1kTokens: 1,
    requiredTier: "perpetual",
    tierRestrictionMode: "exact",
    allowedTiers: ["perpetual"],
    providerMetadata: { hosting: "self-hosted", quantization: "fp8" },
  }),

  // --- xAI ---
  model("grok-4", "xai", {
    displayName: "Grok 4",
    version: "0709",
    capabilities: EVERY_CAPABILITY,
    contextLength: 256_000,
    maxOutputTokens: 64_000,
    inputCostPerMillionTokens: 300,
    outputCostPerMillionTokens: 1500,
    creditsPer1kTokens: 5,
    requiredTier: "pro_max",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro_max"),
  }),
  model("grok-3-mini", "xai", {
    displayName: "Grok 3 Mini",
    version: "3",
    capabilities: ["text", "function_calling", "code", "long_context"],
    contextLength: 131_072,
    maxOutputTokens: 16_384,
    inputCostPerMillionTokens: 30,
    outputCostPerMillionTokens: 50,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),

  // --- Alibaba (Qwen) ---
  model("qwen3-max", "alibaba", {
    displayName: "Qwen3 Max",
    version: "2025-09-23",
    capabilities: ["text", "function_calling", "code", "long_context"],
    contextLength: 262_144,
    maxOutputTokens: 65_536,
    inputCostPerMillionTokens: 120,
    outputCostPerMillionTokens: 600,
    creditsPer1kTokens: 2,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),
  model("qwen3-coder-plus", "alibaba", {
    displayName: "Qwen3 Coder Plus",
    version: "2025-07-22",
    capabilities: ["text", "function_calling", "code", "long_context"],
    contextLength: 1_000_000,
    maxOutputTokens: 65_536,
    inputCostPerMillionTokens: 100,
    outputCostPerMillionTokens: 500,
    creditsPer1kTokens: 2,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
  }),
  model(
    "qwen2.5-vl-72b-instruct",
    "alibaba",
    {
      displayName: "Qwen2.5-VL 72B Instruct",
      version: "2.5",
      capabilities: ["text", "vision", "long_context"],
      contextLength: 131_072,
      maxOutputTokens: 8192,
      inputCostPerMillionTokens: 70,
      outputCostPerMillionTokens: 70,
      creditsPer1kTokens: 1,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: fromTier("free"),
    },
    { isAvailable: false },
  ),

  // --- Amazon (Bedrock-style ids exercise '.' and ':' in the id pattern) ---
  model("amazon.nova-pro-v1:0", "amazon", {
    displayName: "Amazon Nova Pro",
    version: "1.0",
    capabilities: ["text", "vision", "function_calling", "long_context"],
    contextLength: 300_000,
    maxOutputTokens: 10_000,
    inputCostPerMillionTokens: 80,
    outputCostPerMillionTokens: 320,
    creditsPer1kTokens: 1,
    requiredTier: "pro",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("pro"),
    providerMetadata: { region: "us-east-1", bedrock: true },
    complianceTags: ["soc2", "hipaa", "fedramp"],
  }),
  model("amazon.nova-lite-v1:0", "amazon", {
    displayName: "Amazon Nova Lite",
    version: "1.0",
    capabilities: ["text", "vision", "function_calling", "long_context"],
    contextLength: 300_000,
    maxOutputTokens: 10_000,
    inputCostPerMillionTokens: 6,
    outputCostPerMillionTokens: 24,
    creditsPer1kTokens: 1,
    requiredTier: "free",
    tierRestrictionMode: "minimum",
    allowedTiers: fromTier("free"),
  }),
  // Whitelist for regulated workloads: enterprise plans only, no plain ladder climb.
  model("amazon.nova-micro-v1:0", "amazon", {
    displayName: "Amazon Nova Micro (GovCloud)",
    description: "Text-only Nova deployed in a compliance-scoped region",
    version: "1.0",
    capabilities: ["text", "function_calling", "long_context"],
    contextLength: 128_000,
    maxOutputTokens: 10_000,
    inputCostPerMillionTokens: 4,
    outputCostPerMillionTokens: 14,
    creditsPer1kTokens: 1,
    requiredTier: "enterprise_pro",
    tierRestrictionMode: "whitelist",
    allowedTiers: ["enterprise_pro", "enterprise_max"],
    providerMetadata: { region: "us-gov-west-1", bedrock: true },
    complianceTags: ["soc2", "hipaa", "fedramp"],
  }),
];

// --- Synthetic models ---

const SYNTHETIC_PROVIDERS = ["openai", "anthropic", "google", "mistral", "meta", "cohere"] as const;
const CONTEXT_LENGTHS = [8192, 16_384, 32_768, 65_536, 128_000, 200_000, 1_048_576] as const;
const OUTPUT_LIMITS = [4096, 8192, 16_384, 32_768] as const;
// Weighted toward the low tiers, as a real catalog is.
const REQUIRED_TIERS: readonly SubscriptionTier[] = [
  "free",
  "free",
  "free",
  "pro",
  "pro",
  "pro_max",
  "enterprise_pro",
  "enterprise_max",
  "perpetual",
];
const LONG_CONTEXT_MIN = 128_000;

/**
 * Deterministic per-index stream (an LCG seeded from the index), so a model's
 * fields depend only on its number: `syntheticModels(10, 5)` matches
 * `syntheticModels(15).slice(5)` except for legacy replacement links at a batch edge.
 */
function indexRandom(n: number): () => number {
  let state = (Math.imul(n, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

const pick = <T>(list: readonly T[], r: number): T => list[Math.floor(r * list.length)] as T;

// About 5% legacy, decided by the index alone so a replacement's status is known without generating it.
const isSyntheticLegacy = (n: number): boolean => indexRandom(n ^ 0x2f6b)() < 0.05;

const syntheticId = (n: number): string => `synthetic-${String(n).padStart(5, "0")}`;

function tierRules(rand: () => number): Pick<ModelMeta, "requiredTier" | "tierRestrictionMode" | "allowedTiers"> {
  const requiredTier = pick(REQUIRED_TIERS, rand());
  const modeRoll = rand();
  // perpetual is off the ladder, so it only makes sense as exact or whitelist.
  if (requiredTier === "perpetual" || modeRoll < 0.1) {
    return { requiredTier, tierRestrictionMode: "exact", allowedTiers: [requiredTier] };
  }
  if (modeRoll < 0.2) {
    const allowedTiers: SubscriptionTier[] = [requiredTier];
    for (const tier of ["enterprise_pro", "enterprise_max", "perpetual"] as const) {
      if (tier !== requiredTier && rand() < 0.5) allowedTiers.push(tier);
    }
    return { requiredTier, tierRestrictionMode: "whitelist", allowedTiers };
  }
  return { requiredTier, tierRestrictionMode: "minimum", allowedTiers: fromTier(requiredTier) };
}

function syntheticModel(n: number, batchFirst: number, batchLast: number): SeedModel {
  const rand = indexRandom(n);
  const id = syntheticId(n);
  const provider = pick(SYNTHETIC_PROVIDERS, rand());
  const contextLength = pick(CONTEXT_LENGTHS, rand());

  const capabilities: ModelCapability[] = ["text"];
  if (rand() < 1 / 3) capabilities.push("vision");
  if (rand() < 0.6) capabilities.push("function_calling");
  if (rand() < 0.4) capabilities.push("code");
  if (contextLength >= LONG_CONTEXT_MIN) capabilities.push("long_context");

  const input = 5 + Math.floor(rand() * 1500);
  const output = input * (2 + Math.floor(rand() * 4));
  const meta: ModelMeta = {
    displayName: `Synthetic ${provider} ${n}`,
    description: `Synthetic ${provider} model #${n} for load and filter tests`,
    version: `${1 + (n % 4)}.${n % 10}`,
    capabilities,
    contextLength,
    maxOutputTokens: Math.min(contextLength, pick(OUTPUT_LIMITS, rand())),
    inputCostPerMillionTokens: input,
    outputCostPerMillionTokens: output,
    creditsPer1kTokens: Math.max(1, Math.round((input + output) / 900)),
    ...tierRules(rand),
  };
  if (rand() < 0.2) meta.complianceTags = [...pick([["soc2"], ["soc2", "gdpr"], ["hipaa", "soc2"]], rand())];

  const isLegacy = isSyntheticLegacy(n);
  if (isLegacy) {
    meta.legacyReplacementModelId = syntheticReplacement(n, batchFirst, batchLast);
    meta.deprecationNotice = `${meta.displayName} is deprecated. Please move to ${meta.legacyReplacementModelId}.`;
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    meta.sunsetDate = `2028-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T00:00:00Z`;
  }

  return { id, name: id, provider, isAvailable: true, isLegacy, isArchived: false, meta };
}

/** The nearest non-legacy synthetic in the same batch, so a batch is self-consistent; else a seed model. */
function syntheticReplacement(n: number, first: number, last: number): string {
  for (let distance = 1; n - distance >= first || n + distance <= last; distance++) {
    if (n - distance >= first && !isSyntheticLegacy(n - distance)) return syntheticId(n - distance);
    if (n + distance <= last && !isSyntheticLegacy(n + distance)) return syntheticId(n + distance);
  }
  return "gpt-4";
}

/**
 * `count` deterministic synthetic models numbered from `startIndex + 1`
 * (`synthetic-00001`, ...): valid meta, varied providers, capabilities, tiers
 * and modes, about 5% legacy, all available, none archived. No zod parsing
 * here, so 10,000 are cheap to build.
 */
export function syntheticModels(count: number, startIndex = 0): SeedModel[] {
  const first = startIndex + 1;
  const last = startIndex + count;
  const models: SeedModel[] = [];
  for (let n = first; n <= last; n++) models.push(syntheticModel(n, first, last));
  return models;
}
