/**
 * Shared pieces of the OpenAPI contract: the error envelope every failure
 * uses, the statuses each kind of route can answer, and the bearer scheme.
 */
import { z } from "@hono/zod-openapi";
import { ModelIdSchema } from "../domain/model-meta";
import { ERROR_STATUS, type ErrorCode } from "./errors";

export const BEARER_SCHEME = "bearerAuth";
/** Admin routes: a bearer JWT with role admin or super_admin. */
export const adminSecurity: Record<string, string[]>[] = [{ [BEARER_SCHEME]: [] }];
/** Public routes: anonymous (the free tier) or a bearer JWT naming the caller's tier. */
export const optionalBearer: Record<string, string[]>[] = [{}, { [BEARER_SCHEME]: [] }];

export const ErrorEnvelopeSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      request_id: z.string().openapi({ description: "Also in the X-Request-Id header and the server log line" }),
      details: z.unknown().optional().openapi({ description: "400: zod's issues ({code, path, message}); other codes: context" }),
    }),
  })
  .openapi("Error", {
    example: { error: { code: "not_found", message: "model gpt-9 does not exist", request_id: "3f0c2b8e-6d1a-4d2f-9d0e-5a7c1b2e4f60" } },
  });

export type ErrorBody = z.infer<typeof ErrorEnvelopeSchema>;

const STATUS_DESCRIPTIONS = {
  400: "Invalid input; `details` lists zod's issues",
  401: "Missing, malformed, expired or otherwise invalid token",
  403: "The token lacks the role (or tier) this needs",
  404: "No such model",
  409: "Conflict: duplicate id, illegal transition, or a request with this Idempotency-Key in progress",
  410: "The model is archived; `details.replacement_model_id` names its successor if any",
  412: "If-Match names an older row version",
  413: "Request body larger than 64 KiB",
  415: "Request body is not application/json",
  422: "This Idempotency-Key was used for a different request",
  429: "Too many requests for this client (per IP without a token, per token subject with one): wait Retry-After seconds",
  500: "Internal error (no internals in the answer; the request id is in the log)",
  503: "The database, the token keys or the configuration is unavailable; may carry Retry-After",
} as const;

type ErrorStatus = keyof typeof STATUS_DESCRIPTIONS;

/** Every route can answer these: a bad query string or token, a rate limit (http/rate-limit.ts), and our own failures. */
const ALWAYS = [400, 401, 429, 500, 503] as const;

/** What a 429 carries (draft-ietf-httpapi-ratelimit-headers); the values are http/rate-limit.ts's. */
const RateLimitedHeaders = z.object({
  "Retry-After": z.string().openapi({ description: "Seconds to wait before the next request", example: "60" }),
  "RateLimit-Policy": z
    .string()
    .openapi({ description: "The policy met: its quota q per window w seconds", example: '"anonymous";q=600;w=60' }),
  RateLimit: z
    .string()
    .openapi({ description: "What is left of it: r requests, t seconds until it resets", example: '"anonymous";r=0;t=60' }),
});

type ErrorResponse<T extends z.ZodType> = { description: string; content: { "application/json": { schema: T } }; headers?: z.ZodObject };
type ErrorResponses<S extends ErrorStatus, T extends z.ZodType> = Record<S | (typeof ALWAYS)[number], ErrorResponse<T>>;

function statusResponses<S extends ErrorStatus, T extends z.ZodType>(schema: T, statuses: S[]): ErrorResponses<S, T> {
  const all = [...new Set<ErrorStatus>([...ALWAYS, ...statuses])].sort();
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: STATUS_DESCRIPTIONS[status],
        content: { "application/json": { schema } },
        ...(status === 429 && { headers: RateLimitedHeaders }),
      },
    ]),
  ) as ErrorResponses<S, T>;
}

/** The error responses of a route: the statuses it can answer beyond ALWAYS, each with the envelope. */
export const errorResponses = <S extends ErrorStatus>(...statuses: S[]) => statusResponses(ErrorEnvelopeSchema, statuses);

/** OpenAI's error object, for the OpenAI-compatible view (/openai/v1). */
export const OpenAIErrorSchema = z
  .strictObject({
    error: z.strictObject({
      message: z.string(),
      type: z.enum(["invalid_request_error", "authentication_error", "permission_error", "server_error"]),
      param: z.null(),
      code: z.string().nullable(),
    }),
  })
  .openapi("OpenAIError", {
    example: {
      error: { message: "The model `gpt-9` does not exist", type: "invalid_request_error", param: null, code: "model_not_found" },
    },
  });

export type OpenAIError = z.infer<typeof OpenAIErrorSchema>;

export const openAIErrorResponses = <S extends ErrorStatus>(...statuses: S[]) => statusResponses(OpenAIErrorSchema, statuses);

/** `?limit&before` of the newest-first admin pages (audit trails, webhook deliveries). */
export const NewestFirstPageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ type: "integer", example: 50 }),
  before: z.coerce.number().int().positive().optional().openapi({ type: "integer", description: "The next_cursor of the previous page" }),
});

/** A JSON response declaration. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A JSON request body the route needs. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

/** A body the route does not need: none at all, or `{}` (an absent body reads as `{}`, see http/body.ts). */
export const optionalJsonBody = <T extends z.ZodType>(schema: T) => ({
  required: false,
  content: { "application/json": { schema } },
});

/** The path parameter of every model route; ids that cannot exist answer 404 (router.ts). */
export const ModelIdParamSchema = z.object({
  id: ModelIdSchema.openapi({ param: { name: "id", in: "path" }, example: "gpt-4" }),
});
