/**
 * What the gate answers over the service binding (CatalogGate.checkAccess),
 * as zod schemas: the types an inference Worker imports come from here.
 * The HTTP gate's 200 body carries the same model_id and alias.
 */
import { z } from "@hono/zod-openapi";
import { LegacyInfoSchema } from "../catalog/public-model";
import { AccessStatusSchema } from "../domain/tier-access";
import { ErrorEnvelopeSchema } from "../http/openapi";

/** A refusal's details: context fields (tier names, ids), or zod's issues for invalid input. */
const GateErrorDetailsSchema = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.array(z.strictObject({ code: z.string(), path: z.array(z.union([z.string(), z.number()])), message: z.string() })),
]);

export const CheckAccessInputSchema = z.strictObject({
  /** A model id (or, once aliases exist, an alias), as the client asked for it. */
  modelId: z.string().max(10_000),
  /** The caller's bearer token, without "Bearer "; absent or null: anonymous (the free tier). */
  token: z.string().nullable().optional(),
});

export const GateAnswerSchema = z.strictObject({
  allowed: z.boolean(),
  /** The HTTP status GET /v1/models/{id}/access answers for the same request. */
  status: z.number().int(),
  /** The resolved model: what inference must run. */
  model_id: z.string(),
  /** The alias asked for; null when the caller named the model itself. */
  alias: z.string().nullable(),
  /** The caller's tier against the model's rules; "restricted" when no tier could use it (unknown, archived). */
  access_status: AccessStatusSchema,
  legacy_info: LegacyInfoSchema.nullable(),
  /** The HTTP gate's error object for the same refusal; null when allowed. */
  error: ErrorEnvelopeSchema.shape.error
    // Named, not unknown: RPC stubs type only what is serializable (and a recursive JSON type is too deep for them).
    .extend({ details: GateErrorDetailsSchema.optional() })
    .nullable(),
});

export type CheckAccessInput = z.infer<typeof CheckAccessInputSchema>;
export type GateAnswer = z.infer<typeof GateAnswerSchema>;
export type GateError = NonNullable<GateAnswer["error"]>;
