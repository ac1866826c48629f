import { requireAdmin } from "../../auth/middleware";
import { jsonRequestBody } from "../../http/body";
import { idempotent } from "../../http/idempotency";
import { createRouter } from "../../http/router";
import * as handlers from "./admin-aliases.handlers";
import * as routes from "./admin-aliases.routes";

const router = createRouter();
// "/admin/aliases/*" matches "/admin/aliases" itself too.
router.use("/admin/aliases/*", requireAdmin);
router.on(["PUT", "DELETE"], "/admin/aliases/*", jsonRequestBody, idempotent);

export const adminAliases = router
  .openapi(routes.list, handlers.list)
  .openapi(routes.detail, handlers.detail)
  .openapi(routes.put, handlers.put)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.audit, handlers.audit);
