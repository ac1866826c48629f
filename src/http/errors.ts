/**
 * One error type for the whole API. Every failure a client sees is an
 * ApiError rendered as {"error": {code, message, request_id, details?}}.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  tier_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  request_in_progress: 409,
  /** One id space (aliases and models): the id is a model's, an alias's, or a route's name. */
  id_taken_by_model: 409,
  id_taken_by_alias: 409,
  id_reserved_for_route: 409,
  /** An alias's target must be a live model, not another alias. */
  alias_target_archived: 409,
  alias_target_is_alias: 409,
  model_archived: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  database_unavailable: 503,
  /** Concurrent writes kept aborting each other (serialization failures, deadlocks) after retries. */
  database_busy: 503,
  model_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly status: (typeof ERROR_STATUS)[ErrorCode];

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.status = ERROR_STATUS[code];
  }
}
