import { requireAdmin } from "../../auth/middleware";
import { createRouter } from "../../http/router";
import * as handlers from "./admin-usage.handlers";
import * as routes from "./admin-usage.routes";

const router = createRouter();
router.use("/admin/usage/*", requireAdmin);
router.use("/admin/models/:id/usage", requireAdmin);
router.use("/admin/models/:id/usage/*", requireAdmin);

export const adminUsage = router
  .openapi(routes.modelUsage, handlers.modelUsage)
  .openapi(routes.modelCallers, handlers.modelCallers)
  .openapi(routes.legacyUsage, handlers.legacyUsage);
