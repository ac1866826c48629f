import { requireAdmin } from "../../auth/middleware";
import { jsonRequestBody } from "../../http/body";
import { createRouter } from "../../http/router";
import * as handlers from "./admin-cache.handlers";
import * as routes from "./admin-cache.routes";

const router = createRouter();
router.use("/admin/cache/*", requireAdmin);
router.post("/admin/cache/*", jsonRequestBody);

export const adminCache = router.openapi(routes.reset, handlers.reset);
