import { requireAdmin } from "../../auth/middleware";
import { jsonRequestBody } from "../../http/body";
import { idempotent } from "../../http/idempotency";
import { createRouter } from "../../http/router";
import * as handlers from "./admin-scheduled-changes.handlers";
import * as routes from "./admin-scheduled-changes.routes";

const router = createRouter();
// "/admin/scheduled-changes/*" matches "/admin/scheduled-changes" itself too.
router.use("/admin/scheduled-changes/*", requireAdmin);
router.on(["POST", "DELETE"], "/admin/scheduled-changes/*", jsonRequestBody);
router.on(["POST"], "/admin/scheduled-changes", idempotent);

export const adminScheduledChanges = router
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.cancel, handlers.cancel);
