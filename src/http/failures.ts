/**
 * Turns anything thrown while serving a request into an ApiError, so the
 * client gets a clean JSON error and the log gets the full cause.
 */
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { isDatabaseUnavailable, sqlState } from "../db/errors";
import { ApiError } from "./errors";

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) {
    return new ApiError("invalid_request", "request is invalid", { details: error.issues, cause: error });
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return new ApiError("payload_too_large", "request body is too large", { cause: error });
    if (error.status === 400) return new ApiError("invalid_request", error.message || "request is invalid", { cause: error });
    if (error.status === 415) return new ApiError("unsupported_media_type", "request body must be application/json", { cause: error });
    return new ApiError("internal_error", "internal error", { cause: error });
  }
  // Class 22 (data exception): the database refused a value the request carried (a NUL, an unpaired
  // surrogate, a number or string out of range) that validation should have caught. The client's fault,
  // so 400; the database's wording (and the value) stays in the log.
  if (sqlState(error)?.startsWith("22")) {
    return new ApiError("invalid_request", "a value in the request cannot be stored", { cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new ApiError("database_unavailable", "the catalog database is unavailable, try again shortly", {
      cause: error,
      headers: { "Retry-After": "5" },
    });
  }
  return new ApiError("internal_error", "internal error", { cause: error });
}

/** How much of an error's chain the log follows. */
const MAX_CAUSE_DEPTH = 4;
const MAX_MESSAGE_LENGTH = 300;

/**
 * What a log line may say about an error: its name, a message and the
 * Postgres fields that tell failures apart (SQLSTATE, constraint, table),
 * down its cause chain. Never a stack trace, never SQL or query parameters
 * (drizzle puts both in its message), never a connection string or a token.
 * The request id ties the line to the response.
 */
export function describeError(error: unknown, depth = 0): Record<string, unknown> | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error !== "object") return { message: safeMessage(String(error)) };
  const candidate = error as { name?: unknown; message?: unknown; code?: unknown; constraint?: unknown; table?: unknown; cause?: unknown };
  const described: Record<string, unknown> = {
    name: typeof candidate.name === "string" ? candidate.name : "Error",
    message: safeMessage(typeof candidate.message === "string" ? candidate.message : ""),
  };
  if (typeof candidate.code === "string" || typeof candidate.code === "number") described.code = String(candidate.code).slice(0, 40);
  if (typeof candidate.constraint === "string") described.constraint = candidate.constraint.slice(0, 100);
  if (typeof candidate.table === "string") described.table = candidate.table.slice(0, 100);
  if (candidate.cause !== undefined && depth < MAX_CAUSE_DEPTH) described.cause = describeError(candidate.cause, depth + 1);
  return described;
}

function safeMessage(message: string): string {
  // DrizzleQueryError: "Failed query: <sql>\nparams: <values>". The cause says why it failed.
  if (/^Failed query:/.test(message)) return "query failed (statement and parameters not logged)";
  return message
    .replace(/\b([a-z][a-z0-9+.-]*):\/\/[^\s/@]*@/gi, "$1://***@")
    .replace(/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, "<jwt>")
    .replace(/(password|secret|token)=[^\s&;]+/gi, "$1=***")
    .slice(0, MAX_MESSAGE_LENGTH);
}
