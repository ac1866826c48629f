import { requireAdmin } from "../../auth/middleware";
import { jsonRequestBody } from "../../http/body";
import { createRouter } from "../../http/router";
import * as handlers from "./admin-webhooks.handlers";
import * as routes from "./admin-webhooks.routes";

const router = createRouter();
// "/admin/webhooks/*" matches "/admin/webhooks" itself too.
router.use("/admin/webhooks/*", requireAdmin);
router.on(["POST", "DELETE"], "/admin/webhooks/*", jsonRequestBody);

export const adminWebhooks = router
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.deliveries, handlers.deliveries)
  .openapi(routes.rotateSecret, handlers.rotateSecret)
  .openapi(routes.remove, handlers.remove);
