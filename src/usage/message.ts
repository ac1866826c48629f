/**
 * The usage queue's message, checked on the way in: the consumer adds only
 * what a counter could have sent. Pure.
 */
import { z } from "zod";
import type { UsageMessage } from "../gate/usage-counter";

const HOUR_MS = 3_600_000;

const UsageRowSchema = z.strictObject({
  hour: z.iso.datetime().refine((value) => Date.parse(value) % HOUR_MS === 0, "must start an hour"),
  model_id: z.string().min(1).max(200),
  alias: z.string().min(1).max(200).nullable(),
  caller: z.string().min(1).max(200),
  outcome: z.enum(["allowed", "refused"]),
  calls: z.number().int().positive().max(1_000_000_000),
  last_seen: z.iso.datetime(),
});

export const UsageMessageSchema = z.strictObject({
  flush_id: z.string().min(1).max(100),
  rows: z.array(UsageRowSchema).max(1000),
}) satisfies z.ZodType<UsageMessage>;
