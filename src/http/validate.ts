/** zValidator with this API's error shape: a 400 whose details are zod's issues. */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { ApiError } from "./errors";

/** A hostile request must not get a huge answer (zod lists every unknown key): bounded details. */
const MAX_DETAILS = 20;
const MAX_DETAIL_MESSAGE = 300;

export const validate = <Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new ApiError("invalid_request", `invalid ${target === "json" ? "request body" : target}`, {
        details: result.error.issues.slice(0, MAX_DETAILS).map(({ code, path, message }) => ({
          code,
          path,
          message: message.length > MAX_DETAIL_MESSAGE ? `${message.slice(0, MAX_DETAIL_MESSAGE)}…` : message,
        })),
      });
    }
  });
