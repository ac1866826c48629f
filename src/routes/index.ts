/**
 * Every router of the API, and the route table derived from them: the
 * OpenAPI document, the reserved model ids and the cross-cutting tests all
 * read it, so a route declared once is known everywhere.
 */
import type { RouteConfig } from "@hono/zod-openapi";
import { adminAliases } from "./admin-aliases";
import { adminCache } from "./admin-cache";
import { adminModels } from "./admin-models";
import { adminUsage } from "./admin-usage";
import { adminWebhooks } from "./admin-webhooks";
import { health } from "./health";
import { modelChanges } from "./model-changes";
import { openAIModels } from "./openai-models";
import { publicModels } from "./public-models";
import { reserveRouteNames } from "./route-names";

// modelChanges before publicModels: /v1/models/changes must win over /v1/models/{id}.
export const routers = [health, modelChanges, publicModels, openAIModels, adminModels, adminAliases, adminWebhooks, adminCache, adminUsage];

/** Method and OpenAPI path (`/v1/models/{id}`) of every declared route. */
export const routeTable: Pick<RouteConfig, "method" | "path">[] = routers.flatMap((router) =>
  router.openAPIRegistry.definitions.flatMap((definition) =>
    definition.type === "route" ? [{ method: definition.route.method, path: definition.route.path }] : [],
  ),
);

reserveRouteNames(routeTable.map(({ path }) => path));
