/**
 * The public catalog: what every client of the platform reads. Served from
 * the KV cache (see catalog/cache.ts); only a miss touches the database.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { CacheOutcome, Snapshot } from "../catalog/cache";
import { type Encoding, negotiateEncoding } from "../catalog/encoding";
import { catalogEtag, legacyHeaders, matchesIfNoneMatch, publicCacheHeaders } from "../catalog/http-caching";
import { listBody } from "../catalog/list-body";
import { accessStatusOf } from "../catalog/public-model";
import { publicListView } from "../catalog/views";
import { MODEL_ID_PATTERN, ModelCapabilitySchema, type SubscriptionTier } from "../domain/model-meta";
import { isTierAllowed, upgradeTierFor } from "../domain/tier-access";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { validate } from "../http/validate";
import { adminListing } from "./admin-views";

const booleanParam = z.enum(["true", "false"], { error: "must be true or false" }).transform((value) => value === "true");

const ListQuerySchema = z.strictObject({
  capability: z
    .union([ModelCapabilitySchema, z.array(ModelCapabilitySchema).max(5)])
    .transform((value) => [...new Set(Array.isArray(value) ? value : [value])])
    .optional(),
  // A repeated provider/available arrives as an array and is refused by the string schema.
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be a provider id such as openai")
    .optional(),
  available: booleanParam.optional(),
  includeArchived: booleanParam.optional(),
});
type ListQuery = z.infer<typeof ListQuerySchema>;

const tierOf = (c: Context<AppEnv>): SubscriptionTier => c.var.principal?.tier ?? "free";

function cacheHeaders(c: Context<AppEnv>, etag: string, outcome: CacheOutcome, negotiated = false) {
  return { ...publicCacheHeaders(c.var.principal !== null, negotiated), ETag: etag, "X-Cache": outcome };
}

function notModified(c: Context<AppEnv>, etag: string, outcome: CacheOutcome, negotiated = false) {
  return c.body(null, 304, cacheHeaders(c, etag, outcome, negotiated));
}

/** Bytes already in `encoding`: the runtime must send them as they are (encodeBody: "manual"). */
function encodedBody(response: Response, encoding: Encoding): Response {
  if (encoding === "identity") return response;
  response.headers.set("Content-Encoding", encoding);
  return new Response(response.body, { status: response.status, headers: response.headers, encodeBody: "manual" });
}

/** Validates the id in the path: ids that cannot exist are a 404 without a lookup. */
function modelIdParam(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!MODEL_ID_PATTERN.test(id)) throw new ApiError("not_found", "no such model");
  return id;
}

function findModel(snapshot: Snapshot, id: string) {
  const model = snapshot.byId.get(id);
  if (model) return model;
  if (snapshot.archived.has(id)) {
    const replacement = snapshot.archived.get(id);
    throw new ApiError("model_archived", `model ${id} has been archived${replacement ? `; use ${replacement}` : ""}`, {
      details: { model_id: id, ...(replacement && { replacement_model_id: replacement }) },
    });
  }
  throw new ApiError("not_found", `model ${id} does not exist`);
}

// Query strings are bounded for every route in app.ts (http/query.ts).
export const publicModels = new Hono<AppEnv>()
  .get("/", validate("query", ListQuerySchema), async (c) => {
    const query: ListQuery = c.req.valid("query");
    const tier = tierOf(c);
    if (query.includeArchived) {
      if (!c.var.principal?.isAdmin) throw new ApiError("forbidden", "includeArchived=true requires an admin token");
      return c.json(await adminListing(c.var.services.db, query, tier), 200, { "Cache-Control": "no-store", "X-Cache": "BYPASS" });
    }
    const catalog = c.var.services.catalog;
    const head = await catalog.head();
    const view = JSON.stringify([query.capability?.toSorted(), query.provider, query.available]);
    const filtered = query.capability !== undefined || query.provider !== undefined || query.available !== undefined;
    // Whole lists are stored compressed once per version; filtered ones are built per request, uncompressed.
    const encoding = filtered ? "identity" : negotiateEncoding(c.req.header("Accept-Encoding"));
    if (head.at !== undefined) {
      const etag = catalogEtag(head.at, tier, filtered ? view : publicListView.name, encoding);
      if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return notModified(c, etag, head.outcome, !filtered);
    }
    if (!filtered) {
      const { at, body, outcome } = await catalog.body(publicListView, tier, encoding, head);
      const response = c.body(body as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": "application/json; charset=UTF-8",
        ...cacheHeaders(c, catalogEtag(at, tier, publicListView.name, encoding), outcome, true),
      });
      return encodedBody(response, encoding);
    }
    const { snapshot, outcome } = await catalog.snapshot(head);
    const matching = snapshot.models.filter(
      ({ model }) =>
        (query.provider === undefined || model.provider === query.provider) &&
        (query.available === undefined || model.is_available === query.available) &&
        (query.capability ?? []).every((capability) => model.capabilities.includes(capability)),
    );
    return c.body(listBody(matching, tier), 200, {
      "Content-Type": "application/json; charset=UTF-8",
      ...cacheHeaders(c, catalogEtag(snapshot, tier, view), outcome),
    });
  })

  .get("/:id", async (c) => {
    const id = modelIdParam(c);
    const tier = tierOf(c);
    const { snapshot, outcome } = await c.var.services.catalog.snapshot();
    const model = findModel(snapshot, id);
    const etag = catalogEtag(snapshot, tier, `model:${id}`);
    const headers = { ...cacheHeaders(c, etag, outcome), ...legacyHeaders(model.legacy_info) };
    if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);
    // The model's JSON was serialized once for this version: splice in the tier's access status.
    const body = `${snapshot.openById.get(id)},"access_status":"${accessStatusOf(model, tier)}"}`;
    return c.body(body, 200, { "Content-Type": "application/json", ...headers });
  })

  // The inference gate: the platform asks this before every completion.
  .get("/:id/access", async (c) => {
    const id = modelIdParam(c);
    const tier = tierOf(c);
    const { snapshot, outcome } = await c.var.services.catalog.snapshot();
    const model = findModel(snapshot, id);
    const rules = {
      requiredTier: model.required_tier,
      tierRestrictionMode: model.tier_restriction_mode,
      allowedTiers: model.allowed_tiers,
    };
    if (!isTierAllowed(rules, tier)) {
      const upgrade = upgradeTierFor(rules, tier);
      throw new ApiError(
        "tier_not_allowed",
        // "or higher" holds only for the minimum mode: exact and whitelist models may skip tiers above.
        upgrade
          ? `model ${id} needs the ${upgrade} tier${rules.tierRestrictionMode === "minimum" ? " or higher" : ""} (you have ${tier})`
          : `model ${id} is not available on the ${tier} tier, and no upgrade would allow it`,
        {
          details: {
            user_tier: tier,
            required_tier: model.required_tier,
            tier_restriction_mode: model.tier_restriction_mode,
            ...(upgrade && { upgrade_to: upgrade }),
          },
        },
      );
    }
    if (!model.is_available) {
      throw new ApiError("model_unavailable", `model ${id} is temporarily unavailable`, { headers: { "Retry-After": "60" } });
    }
    return c.json(
      {
        allowed: true,
        model: id,
        user_tier: tier,
        ...(model.legacy_info && {
          legacy_info: model.legacy_info,
          warning: `model ${id} is deprecated${model.legacy_info.replacement_model_id ? `; migrate to ${model.legacy_info.replacement_model_id}` : ""}`,
        }),
      },
      200,
      { "Cache-Control": "private, no-store", "X-Cache": outcome, ...legacyHeaders(model.legacy_info) },
    );
  });
