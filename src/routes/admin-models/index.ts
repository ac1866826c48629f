import { requireAdmin } from "../../auth/middleware";
import { jsonRequestBody } from "../../http/body";
import { idempotent } from "../../http/idempotency";
import { createRouter } from "../../http/router";
import * as handlers from "./admin-models.handlers";
import * as routes from "./admin-models.routes";

const router = createRouter();
// "/admin/models/*" matches "/admin/models" itself too.
router.use("/admin/models/*", requireAdmin);
router.on(["POST", "PATCH"], "/admin/models/*", jsonRequestBody, idempotent);

// The literal routes come before /admin/models/{id}, which would otherwise take "legacy" for an id.
export const adminModels = router
  .openapi(routes.create, handlers.create)
  .openapi(routes.legacy, handlers.legacy)
  .openapi(routes.archived, handlers.archived)
  .openapi(routes.sunsets, handlers.sunsets)
  .openapi(routes.detail, handlers.detail)
  .openapi(routes.audit, handlers.audit)
  .openapi(routes.updateMeta, handlers.updateMeta)
  .openapi(routes.markLegacy, handlers.markLegacy)
  .openapi(routes.unmarkLegacy, handlers.unmarkLegacy)
  .openapi(routes.archive, handlers.archive)
  .openapi(routes.unarchive, handlers.unarchive);
