/**
 * Turns anything thrown while serving a request into an ApiError, so the
 * client gets a clean JSON error and the log gets the full cause.
 */
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { ApiError } from "./errors";

/** Postgres SQLSTATE classes that mean "the database is not reachable or not accepting work". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) {
    return new ApiError("invalid_request", "request is invalid", { details: error.issues, cause: error });
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return new ApiError("payload_too_large", "request body is too large", { cause: error });
    if (error.status === 400) return new ApiError("invalid_request", error.message || "request is invalid", { cause: error });
    return new ApiError("internal_error", "internal error", { cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new ApiError("database_unavailable", "the catalog database is unavailable, try again shortly", {
      cause: error,
      headers: { "Retry-After": "5" },
    });
  }
  return new ApiError("internal_error", "internal error", { cause: error });
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && UNAVAILABLE_SQLSTATE.test(candidate.code)) return true;
    const message = typeof candidate.message === "string" ? candidate.message : "";
    if (/connect|connection|websocket|socket|ECONNREFUSED|timeout|terminated/i.test(message)) return true;
    current = candidate.cause;
  }
  return false;
}

/** The SQLSTATE of a Postgres error, looking through drizzle's wrapping. */
export function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
